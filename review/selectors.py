"""Reads for the employer portal: what a unit admin may see of the records submitted to their units.

Drafts never leave their owner. Every function takes the acting user; a record, evidence or withdrawal of
another unit is a 404.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet, Sum
from django.http import Http404
from django.utils.dateparse import parse_datetime

from accounts.roles import admin_unit_ids
from dossier.catalogue import catalogue
from dossier.models import Record, RecordCounter, Status, Withdrawal
from dossier.selectors import KindCounts

REVIEWED = [Status.PENDING, Status.APPROVED, Status.RETURNED, Status.TERMINATED]


def unit_counts(user) -> dict[str, KindCounts]:
    """Per kind: the counts of the records submitted to the user's units, from the counter rows."""
    counts: dict[str, KindCounts] = {}
    rows = (
        RecordCounter.objects.filter(unit_id__in=admin_unit_ids(user), status__in=REVIEWED)
        .values_list("kind", "status").annotate(total=Sum("n")).order_by()
    )
    for kind, status, n in rows:
        if not n:
            continue
        entry = counts.setdefault(kind, KindCounts())
        entry.total += n
        entry.by_status[status] = n
    return counts


@dataclass
class KeysetPage:
    rows: list
    next_cursor: str
    prev_cursor: str
    has_next: bool
    has_prev: bool


def _cursor(record) -> str:
    return f"{record.submitted_at.isoformat()}|{record.pk}"


def _parse_cursor(value: str):
    try:
        stamp, pk = value.split("|")
        when = parse_datetime(stamp)
        return (when, int(pk)) if when else None
    except (ValueError, AttributeError):
        return None


def unit_records(user, *, kind: str, status: str = "", q: str = "", after: str = "", before: str = "",
                 size: int = 10) -> KeysetPage:
    """One page of the unit's records of `kind`, newest submission first, with keyset pagination so that
    page 1,000 costs what page 1 costs."""
    qs = Record.objects.filter(unit_id__in=admin_unit_ids(user), kind=kind, submitted_at__isnull=False)
    qs = qs.filter(status=status) if status else qs.exclude(status=Status.DRAFT)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(search_text__contains=q.lower()) | Q(owner__name__contains=q))
    qs = qs.select_related("owner").only(
        "id", "kind", "status", "data", "title", "submitted_at", "source", "unit_id",
        "owner__id", "owner__name", "owner__id_number", "owner__gender",
    )
    reverse = False
    # The redundant bound on submitted_at alone is what lets the index start at the cursor: PostgreSQL does not
    # derive one from the OR and would read (and drop) every row of the earlier pages.
    if after and (c := _parse_cursor(after)):
        qs = qs.filter(Q(submitted_at__lt=c[0]) | Q(submitted_at=c[0], pk__lt=c[1]), submitted_at__lte=c[0])
    elif before and (c := _parse_cursor(before)):
        qs = qs.filter(Q(submitted_at__gt=c[0]) | Q(submitted_at=c[0], pk__gt=c[1]), submitted_at__gte=c[0])
        reverse = True
    ordering = ("submitted_at", "pk") if reverse else ("-submitted_at", "-pk")
    rows = list(qs.order_by(*ordering)[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if reverse:
        rows.reverse()
    has_next = more if not reverse else True
    has_prev = bool(after) if not reverse else more
    return KeysetPage(
        rows=rows,
        next_cursor=_cursor(rows[-1]) if rows and has_next else "",
        prev_cursor=_cursor(rows[0]) if rows and has_prev else "",
        has_next=has_next and bool(rows),
        has_prev=has_prev and bool(rows),
    )


def unit_record_get(user, pk: int) -> Record:
    """A record submitted to one of the user's units (never a draft); 404 otherwise."""
    record = (
        Record.objects.filter(pk=pk, unit_id__in=admin_unit_ids(user)).exclude(status=Status.DRAFT)
        .select_related("owner", "unit").first()
    )
    if record is None:
        raise Http404
    try:
        catalogue().kind(record.kind)
    except KeyError:
        raise Http404 from None
    return record


def next_pending(user, *, kind: str, exclude: int | None = None) -> Record | None:
    """The oldest pending record of `kind` in the user's units: what a clerk works on next."""
    qs = Record.objects.filter(unit_id__in=admin_unit_ids(user), kind=kind, status=Status.PENDING)
    if exclude:
        qs = qs.exclude(pk=exclude)
    return qs.order_by("submitted_at", "pk").only("pk").first()


def pending_records(user, *, limit: int = 50) -> QuerySet[Record]:
    """Pending records of every kind in the user's units, oldest first (the task centre)."""
    return (
        Record.objects.filter(unit_id__in=admin_unit_ids(user), status=Status.PENDING)
        .select_related("owner").order_by("submitted_at", "pk")[:limit]
    )


def unit_withdrawals(user, *, state: str = "") -> QuerySet[Withdrawal]:
    qs = Withdrawal.objects.filter(unit_id__in=admin_unit_ids(user)).select_related("record", "record__owner")
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-requested_at", "-pk")


def unit_withdrawal_get(user, pk: int) -> Withdrawal:
    withdrawal = unit_withdrawals(user).filter(pk=pk).first()
    if withdrawal is None:
        raise Http404
    return withdrawal


def year_statistics(unit_ids, *, year: int | None = None) -> dict[str, dict[str, int]]:
    """Records decided this year by kind and outcome ({kind: {approved, returned, terminated}}), one query.
    A record returned and later approved counts once, as approved: its latest decision."""
    from django.db.models import Count

    year = year or datetime.date.today().year
    stats: dict[str, dict[str, int]] = {}
    rows = (
        Record.objects.filter(unit_id__in=list(unit_ids), decided_at__year=year,
                              status__in=[Status.APPROVED, Status.RETURNED, Status.TERMINATED])
        .values_list("kind", "status").annotate(n=Count("pk")).order_by()
    )
    for kind, status, n in rows:
        stats.setdefault(kind, {Status.APPROVED: 0, Status.RETURNED: 0, Status.TERMINATED: 0})[status] = n
    return stats
