"""Reads for the dossier, always scoped by the acting user: the owner sees their own records, a unit admin the
records submitted to their unit. Anything else is a 404."""

from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils.functional import cached_property

from accounts.models import Role, User
from accounts.roles import admin_unit_ids, roles_of
from orgs.models import Unit

from .catalogue import catalogue
from .models import Evidence, Record, RecordCounter, Status, Withdrawal


def records_visible_to(user) -> QuerySet[Record]:
    """Every record `user` may read."""
    if not getattr(user, "is_authenticated", False):
        return Record.objects.none()
    units = admin_unit_ids(user)
    scope = Q(owner=user)
    if units:
        scope |= Q(unit_id__in=units) & ~Q(status=Status.DRAFT)
    return Record.objects.filter(scope)


def own_records(user, *, kind: str, status: str = "", q: str = "") -> QuerySet[Record]:
    """The applicant's own records of one kind (list page), newest first."""
    qs = Record.objects.filter(owner=user, kind=kind)
    if status:
        qs = qs.filter(status=status)
    q = (q or "").strip().lower()
    if q:
        qs = qs.filter(search_text__contains=q)
    return qs.order_by("-created_at", "-pk")


class KnownCountPaginator(Paginator):
    """A Paginator told its number of items (the tab counts know it already), so that a page costs one query."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self.known_count = count

    @cached_property
    def count(self) -> int:
        return self.known_count


def record_get_for(user, pk: int) -> Record:
    """One record the user may read; 404 otherwise (nothing says whether it exists)."""
    record = records_visible_to(user).select_related("owner", "unit").filter(pk=pk).first()
    if record is None:
        raise Http404
    try:
        catalogue().kind(record.kind)
    except KeyError:
        raise Http404 from None
    return record


def own_record_get(user, pk: int) -> Record:
    """One of the user's own records (edit, delete, submit, withdraw); 404 otherwise."""
    record = Record.objects.filter(owner=user, pk=pk).first()
    if record is None:
        raise Http404
    return record


def evidence_get_for(user, pk: int) -> Evidence:
    """An evidence file whose record the user may read; 404 otherwise."""
    evidence = Evidence.objects.filter(pk=pk, record__in=records_visible_to(user)).select_related("record").first()
    if evidence is None:
        raise Http404
    return evidence


@dataclass
class KindCounts:
    total: int = 0
    by_status: dict = field(default_factory=dict)

    @property
    def approved(self) -> int:
        return self.by_status.get(Status.APPROVED, 0)


def own_counts(user) -> dict[str, KindCounts]:
    """Per kind: total and per-status counts of the user's records, in one GROUP BY query."""
    counts: dict[str, KindCounts] = {}
    rows = Record.objects.filter(owner=user).values_list("kind", "status").annotate(n=Count("pk")).order_by()
    for kind, status, n in rows:
        entry = counts.setdefault(kind, KindCounts())
        entry.total += n
        entry.by_status[status] = n
    return counts


def own_withdrawals(user, *, name: str = "", kind: str = "", state: str = "", status: str = "") -> QuerySet[Withdrawal]:
    """The 撤回记录 page: the applicant's withdrawal requests, newest first."""
    qs = Withdrawal.objects.filter(record__owner=user).select_related("record")
    if name.strip():
        qs = qs.filter(record__title__icontains=name.strip())
    if kind:
        qs = qs.filter(record__kind=kind)
    if state:
        qs = qs.filter(state=state)
    if status:
        qs = qs.filter(record__status=status)
    return qs.order_by("-requested_at", "-pk")


def department_unit_stats(user) -> list[dict]:
    """所属单位统计 for a competent department's reviewer: each unit under the department(s) the user reviews for,
    with its registered staff and its records pending, approved and returned (read-only; from RecordCounter)."""
    departments = [a.unit_id for a in roles_of(user) if a.role == Role.DEPARTMENT_REVIEWER and a.unit_id]
    units = list(Unit.objects.filter(department_id__in=departments).order_by("name"))
    ids = [u.pk for u in units]
    staff = dict(User.objects.filter(unit_id__in=ids, kind=User.Kind.PERSON).values_list("unit_id")
                 .annotate(n=Count("pk")).order_by())
    counters = {}
    for unit_id, status, n in (RecordCounter.objects.filter(unit_id__in=ids).values_list("unit_id", "status")
                               .annotate(n=Sum("n")).order_by()):
        counters.setdefault(unit_id, {})[status] = n
    return [
        {"unit": u, "staff": staff.get(u.pk, 0), "pending": counters.get(u.pk, {}).get(Status.PENDING, 0),
         "approved": counters.get(u.pk, {}).get(Status.APPROVED, 0),
         "returned": counters.get(u.pk, {}).get(Status.RETURNED, 0)}
        for u in units
    ]
