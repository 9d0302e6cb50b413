"""What each role's 首页 shows: the applicant's records and applications with their next step, open plans with
their deadline, the latest notices; for staff, each desk's waiting work per stage and series (with links), the
items waiting longest, and plan deadlines. Every panel is a fixed number of queries, whatever the volume."""

from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from accounts.roles import admin_unit_ids, roles_of
from applications.models import Application, Plan
from applications.selectors import own_applications
from dossier.catalogue import catalogue
from dossier.models import Record
from dossier.models import Status as RecordStatus
from orgs.models import Announcement
from review import desks as review_desks
from review.selectors import pending_records, unit_counts
from review.stages import stages
from review.subjects import SUBJECTS

WAITING_SHOWN = 5  # items waiting longest, per desk


def _days_left(plan: Plan, today) -> int:
    return (plan.closes_on - today).days


def open_plans(today=None) -> list[dict]:
    """Plans taking applications, nearest deadline first, with the days left (one query)."""
    today = today or timezone.localdate()
    return [{"plan": plan, "days_left": _days_left(plan, today)}
            for plan in Plan.open_on(today).select_related("committee").order_by("closes_on", "pk")]


def latest_notices(limit: int = 5) -> list[Announcement]:
    return list(Announcement.objects.select_related("publisher").order_by("-published_at")[:limit])


def _stage_label(key: str) -> str:
    try:
        return stages().get(key).label
    except KeyError:
        return key


def next_step(application: Application) -> str:
    """What the applicant does next, or whom the application waits for."""
    status = application.status
    if status == Application.Status.DRAFT:
        return "完善各部分内容并核对打印预览后，提交申报"
    if status == Application.Status.RETURNED:
        return "按退回意见修改后重新提交"
    if status in (Application.Status.SUBMITTED, Application.Status.ACCEPTED) and application.stage:
        return f"等待{_stage_label(application.stage)}"
    if status == Application.Status.PASSED:
        return "评审通过，等待人社部门确认"
    return "本次申报已结束"


@dataclass
class ApplicantHome:
    records_returned: int = 0
    records_pending: int = 0
    returned: list = field(default_factory=list)
    applications: list = field(default_factory=list)
    plans: list = field(default_factory=list)
    notices: list = field(default_factory=list)


def applicant_home(user: User, today=None) -> ApplicantHome:
    """Five queries: record counts, returned records, applications, open plans, notices."""
    counts = Record.objects.filter(owner=user).aggregate(
        returned=Count("pk", filter=Q(status=RecordStatus.RETURNED)),
        pending=Count("pk", filter=Q(status=RecordStatus.PENDING)))
    labels = {kind.key: kind.label for kind in catalogue().kinds()}
    returned = [{"record": r, "kind": labels.get(r.kind, r.kind)} for r in
                Record.objects.filter(owner=user, status=RecordStatus.RETURNED).order_by("-decided_at", "-pk")[:5]]
    applications = [{"application": a, "stage": _stage_label(a.stage) if a.stage else "", "next": next_step(a)}
                    for a in own_applications(user)]
    applied = {row["application"].plan_id for row in applications}
    plans = [row | {"applied": row["plan"].pk in applied} for row in open_plans(today)]
    return ApplicantHome(records_returned=counts["returned"], records_pending=counts["pending"], returned=returned,
                         applications=applications, plans=plans, notices=latest_notices())


@dataclass
class DeskPanel:
    key: str
    title: str
    url: str
    total: int
    by_stage: list  # [(stage label, [(series, n)], n)]
    waiting: list  # the items waiting longest (their stage_label, and days_waiting set here)


def desk_panels(user: User) -> list[DeskPanel]:
    """For each application desk the user staffs: two queries (counts per stage and series; longest waiting)."""
    panels = []
    now = timezone.now()
    for desk in review_desks.staffed_desks(user):
        if desk.subject != "application":
            continue
        subject_type = SUBJECTS[desk.subject]
        work = review_desks.todo(user, desk)
        groups: dict[str, dict[str, int]] = {}
        for stage, series, n in work.order_by().values_list("stage", "series").annotate(n=Count("pk")):
            groups.setdefault(stage, {})[series] = n
        by_stage = [(_stage_label(stage), sorted(groups[stage].items()), sum(groups[stage].values()))
                    for stage in desk.stages if stage in groups]
        since = subject_type.since_field
        waiting = list(work.order_by(F(since).asc(nulls_last=True), "pk")[:WAITING_SHOWN])
        for item in waiting:
            arrived = getattr(item, since)
            item.days_waiting = (now - arrived).days if arrived else None
        panels.append(DeskPanel(key=desk.key, title=desk.title, url=reverse("chain:list", args=[desk.key]),
                                total=sum(n for _, _, n in by_stage), by_stage=by_stage, waiting=waiting))
    return panels


def unit_record_panel(user: User) -> dict:
    """业绩审核 for a unit admin: pending records per kind (from the counter rows) and the oldest five."""
    labels = {kind.key: kind.label for kind in catalogue().kinds()}
    per_kind = [(labels.get(kind, kind), counts.by_status.get(RecordStatus.PENDING, 0),
                 reverse("review:records", args=[kind]))
                for kind, counts in unit_counts(user).items() if counts.by_status.get(RecordStatus.PENDING)]
    oldest = [{"record": r, "kind": labels.get(r.kind, r.kind)} for r in pending_records(user, limit=WAITING_SHOWN)]
    pending_staff = User.objects.filter(unit_id__in=admin_unit_ids(user), kind=User.Kind.PERSON,
                                        registration=User.Registration.PENDING).count()
    return {"per_kind": sorted(per_kind), "total": sum(n for _, n, _ in per_kind), "oldest": oldest,
            "pending_staff": pending_staff}


def expert_panel(user: User) -> dict:
    """评审专家: the committees of the bureaux the expert serves, their plans, and how many applications each
    plan has at the committee's review (评审中) now."""
    bureaux = [a.unit_id for a in roles_of(user) if a.role == Role.EXPERT and a.unit_id]
    plans = list(Plan.objects.filter(committee__bureau_id__in=bureaux, archived_at__isnull=True)
                 .select_related("committee")
                 .annotate(in_review=Count("applications", filter=Q(applications__status=Application.Status.ACCEPTED)))
                 .order_by("-year", "closes_on")[:10])
    return {"plans": plans}
