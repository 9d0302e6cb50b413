"""Reads for the employer portal: what a unit admin may see of the records submitted to their units.

Drafts never leave their owner. Every function takes the acting user; a record, evidence or withdrawal of
another unit is a 404.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet, Sum
from django.http import Http404
from django.utils.dateparse import parse_datetime

from dossier.catalogue import catalogue
from dossier.models import Record, RecordCounter, Status, Withdrawal
from dossier.selectors import KindCounts

from .scopes import unit_ids

REVIEWED = [Status.PENDING, Status.APPROVED, Status.RETURNED, Status.TERMINATED]


def _counts_of(unit_ids) -> QuerySet:
    return (RecordCounter.objects.filter(unit_id__in=unit_ids, status__in=REVIEWED)
            .values_list("kind", "status").annotate(total=Sum("n")).order_by())


def unit_counts(user) -> dict[str, KindCounts]:
    """Per kind: the counts of the records submitted to the user's units, from the counter rows."""
    counts: dict[str, KindCounts] = {}
    units = unit_ids(user)
    # One unit has one row per kind and status (record_counter_unique): its counts need no sum, and come from the
    # covering index alone.
    rows = (RecordCounter.objects.filter(unit_id__in=units, status__in=REVIEWED).values_list("kind", "status", "n")
            if len(units) == 1 else _counts_of(units))
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
        return (when, int(pk)) if when and when.utcoffset() is not None else None
    except (ValueError, AttributeError):
        return None


def _queue(unit_ids, kind: str, status: str | None = None, q: str = "", direction: str = "",
           cursor: tuple | None = None) -> QuerySet[Record]:
    """The unit's submitted records of `kind` (of `status`, else every status but drafts), newest submission
    first; with a `direction`, those after or before the cursor (submitted_at, pk). Each row carries its
    owner's name (owner_name)."""
    qs = Record.objects.filter(unit_id__in=unit_ids, kind=kind, submitted_at__isnull=False)
    qs = qs.filter(status=status) if status is not None else qs.exclude(status=Status.DRAFT)
    if q:
        qs = qs.filter(Q(search_text__contains=q.lower()) | Q(owner__name__contains=q))
    # The redundant bound on submitted_at alone is what lets the index start at the cursor: PostgreSQL does not
    # derive one from the OR and would read (and drop) every row of the earlier pages.
    if direction == "after":
        at, pk = cursor
        qs = qs.filter(Q(submitted_at__lt=at) | Q(submitted_at=at, pk__lt=pk), submitted_at__lte=at)
    elif direction == "before":
        at, pk = cursor
        qs = qs.filter(Q(submitted_at__gt=at) | Q(submitted_at=at, pk__gt=pk), submitted_at__gte=at)
    ordering = ("submitted_at", "pk") if direction == "before" else ("-submitted_at", "-pk")
    return (qs.annotate(owner_name=F("owner__name"))
            .only("id", "kind", "status", "data", "title", "submitted_at", "source", "unit_id", "owner_id")
            .order_by(*ordering))


def unit_records(user, *, kind: str, status: str = "", q: str = "", after: str = "", before: str = "",
                 size: int = 10) -> KeysetPage:
    """One page of the unit's records of `kind`, newest submission first, with keyset pagination so that
    page 1,000 costs what page 1 costs."""
    direction, cursor = "", None
    if after and (cursor := _parse_cursor(after)):
        direction = "after"
    elif before and (cursor := _parse_cursor(before)):
        direction = "before"
    rows = list(_queue(unit_ids(user), kind, status or None, (q or "").strip(), direction, cursor)[: size + 1])
    reverse = direction == "before"
    more = len(rows) > size
    rows = rows[:size]
    if reverse:
        rows.reverse()
    has_next = more if not reverse else True
    has_prev = bool(direction) if not reverse else more
    return KeysetPage(
        rows=rows,
        next_cursor=_cursor(rows[-1]) if rows and has_next else "",
        prev_cursor=_cursor(rows[0]) if rows and has_prev else "",
        has_next=has_next and bool(rows),
        has_prev=has_prev and bool(rows),
    )


def unit_records_all(user, *, kind: str, status: str = "", q: str = "") -> QuerySet[Record]:
    """Every record of the unit's list of `kind` (its tab and search), newest submission first: its export."""
    return _queue(unit_ids(user), kind, status or None, (q or "").strip())


def unit_record_get(user, pk: int) -> Record:
    """A record submitted to one of the user's units (never a draft); 404 otherwise."""
    record = (
        Record.objects.filter(pk=pk, unit_id__in=unit_ids(user)).exclude(status=Status.DRAFT)
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
    """The oldest pending record of `kind` in the user's units that is not their own: what a clerk works on
    next."""
    qs = Record.objects.filter(unit_id__in=unit_ids(user), kind=kind, status=Status.PENDING).exclude(
        owner_id=user.pk)
    if exclude:
        qs = qs.exclude(pk=exclude)
    return qs.order_by("submitted_at", "pk").only("pk").first()


def pending_records(user, *, limit: int = 50) -> QuerySet[Record]:
    """Pending records of every kind in the user's units, oldest first (the task centre). Their own are not
    their task (回避): the unit's other admins see them."""
    return (
        Record.objects.filter(unit_id__in=unit_ids(user), status=Status.PENDING).exclude(owner_id=user.pk)
        .select_related("owner").order_by("submitted_at", "pk")[:limit]
    )


def unit_withdrawals(user, *, state: str = "") -> QuerySet[Withdrawal]:
    qs = Withdrawal.objects.filter(unit_id__in=unit_ids(user)).select_related("record", "record__owner")
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
