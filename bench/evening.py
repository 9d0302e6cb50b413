"""The pieces of `make bench-load` (scripts/prod_load.py) that need no running stack: percentiles, the knee of a
step ramp, and the "nothing lost" check of the filings and decisions the generator saw acknowledged."""

from dataclasses import dataclass

GROWTH = 1.10  # a step is past the knee when throughput grows by less than 10 % ...
PAGES_P95 = 0.300  # ... or the pages' p95 passes 300 ms


def pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@dataclass(frozen=True)
class Step:
    people: int
    rate: float  # requests per second
    pages_p95: float  # seconds
    errors: int


def knee(rows: list[Step]) -> Step:
    """The last step before throughput stops growing by GROWTH or the pages' p95 passes PAGES_P95 (the first step
    when even the second does not grow)."""
    found = rows[0]
    for previous, row in zip(rows, rows[1:]):
        if row.rate < previous.rate * GROWTH or row.pages_p95 > PAGES_P95:
            break
        found = row
    return found


@dataclass(frozen=True)
class Ack:
    """An answer the generator took as done: a filing (application pk, status "submitted") or a record decision
    (record pk, status "approved" or "returned")."""

    what: str  # "filing" | "decision"
    pk: int
    status: str


def missing(acks: list[Ack], found: dict[tuple[str, int], str]) -> list[Ack]:
    """The acknowledged changes the database does not hold: `found` maps (what, pk) to the status stored now."""
    return [ack for ack in acks if found.get((ack.what, ack.pk)) != ack.status]


def stored(acks: list[Ack]) -> dict[tuple[str, int], str]:
    """What the database holds for the acknowledged subjects: the application's status when its filing is in the
    flow (action submit), the record's status when the decision is in the flow."""
    from applications.models import Application
    from core.models import FlowEntry
    from dossier.models import Record

    filed = [a.pk for a in acks if a.what == "filing"]
    decided = [a.pk for a in acks if a.what == "decision"]
    flows = set(FlowEntry.objects.filter(
        subject_type="application", subject_id__in=filed, action="submit").values_list("subject_id", flat=True))
    flows_records = set(FlowEntry.objects.filter(
        subject_type="record", subject_id__in=decided, action__in=["approve", "return"]).values_list(
        "subject_id", flat=True))
    out: dict[tuple[str, int], str] = {}
    for pk, status in Application.objects.filter(pk__in=filed).values_list("pk", "status"):
        if pk in flows:
            out[("filing", pk)] = status
    for pk, status in Record.objects.filter(pk__in=decided).values_list("pk", "status"):
        if pk in flows_records:
            out[("decision", pk)] = status
    return out
