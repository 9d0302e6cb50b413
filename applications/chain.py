"""The review chain (SPEC §4 rules, §5 职称申报, §6): where a filed application is, who may see and decide it.

A plan names its nodes (Plan.chain) in the fixed order unit → department → bureau → committee; any may be left
out, and the department node is skipped for a unit that has no competent department. Each node is declared once
in NODES: the role that staffs it, the scope of that role (which applications are in its reach), and the tabs
of its task list. Every read here takes the acting user and returns only what is at (or has been at) a node of
theirs and in their scope; every write locks the application row, checks node, status and scope again, refuses
the applicant's own application (回避, review.recusal: a clerk of any node may have filed one), moves the state
through the model's declared transitions and writes the flow entry in the same transaction.
"""

from __future__ import annotations

import datetime
import string
from dataclasses import dataclass
from typing import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import Role
from accounts.roles import admin_unit_ids, roles_of
from core.flow import flow_write
from orgs.models import Unit
from review.recusal import is_own, others_holding, recusal_note

from .models import Application, CertificateSequence, Delegation, Plan

SUBJECT = "application"
S = Application.Status
ORDER = [n.value for n in Application.Node]


class ChainError(Exception):
    """A refused decision, with a Chinese message for the reviewer."""


# ---------------------------------------------------------------- scopes


def _unit_scope(user) -> Q | None:
    """The unit node: applications of the units the user administers that the unit has not delegated for that
    plan, and those delegated to a unit the user administers."""
    units = admin_unit_ids(user)
    if not units:
        return None
    delegated = Delegation.objects.filter(unit=OuterRef("unit"), plan=OuterRef("plan"))
    return (Q(unit_id__in=units) & ~Exists(delegated)) | Exists(delegated.filter(delegate_id__in=units))


def _department_scope(user) -> Q | None:
    departments = {a.unit_id for a in roles_of(user) if a.role == Role.DEPARTMENT_REVIEWER and a.unit_id}
    return Q(unit__department_id__in=departments) if departments else None


def region_prefix(code: str) -> str:
    """The code prefix every division under `code` shares: 350000 → 35, 350100 → 3501, 350102 → 350102."""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def _bureau_scope(user) -> Q | None:
    """HR-bureau staff: applications from units whose 属地 lies within the regions they are assigned to."""
    codes = {a.region_id for a in roles_of(user) if a.role == Role.BUREAU_STAFF and a.region_id}
    if not codes:
        return None
    scope = Q()
    for code in codes:
        scope |= Q(unit__region__code__startswith=region_prefix(code))
    return scope


def _committee_scope(user) -> Q | None:
    """Committee-office staff: applications to the committees organised by the body they work for."""
    bodies = {a.unit_id for a in roles_of(user) if a.role == Role.COMMITTEE_STAFF and a.unit_id}
    return Q(plan__committee__bureau_id__in=bodies) if bodies else None


# ---------------------------------------------------------------- who holds a node for an application
# The scopes above read the other way round: the role assignments whose scope takes in one application (a filter
# over RoleAssignment). The review page names these people when the reader may not decide (回避).

NOBODY = Q(pk__in=[])


def _unit_holders(application: Application) -> Q:
    delegation = Delegation.objects.filter(unit_id=application.unit_id, plan_id=application.plan_id).first()
    unit_id = delegation.delegate_id if delegation else application.unit_id
    return Q(role=Role.UNIT_ADMIN, unit_id=unit_id) if unit_id else NOBODY


def _department_holders(application: Application) -> Q:
    department_id = application.unit.department_id if application.unit else None
    return Q(role=Role.DEPARTMENT_REVIEWER, unit_id=department_id) if department_id else NOBODY


def _bureau_holders(application: Application) -> Q:
    code = application.unit.region_id if application.unit else None
    if not code:
        return NOBODY
    covering = [c for c in {code, code[:4] + "00", code[:2] + "0000"} if code.startswith(region_prefix(c))]
    return Q(role=Role.BUREAU_STAFF, region_id__in=covering)


def _committee_holders(application: Application) -> Q:
    return Q(role=Role.COMMITTEE_STAFF, unit_id=application.plan.committee.bureau_id)


# ---------------------------------------------------------------- the nodes, declared once


@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    q: Callable  # (user, node key) -> Q, within the node's visible set
    todo: bool = False  # a queue of work for the reader: their own applications are left out (回避)


def _at(node):
    return Q(status=S.SUBMITTED, node=node)


REVIEW_TABS = (
    Tab("pending", "待审核", lambda user, node: _at(node) & Q(claimed_by=user), todo=True),
    Tab("unclaimed", "待领取", lambda user, node: _at(node) & Q(claimed_by__isnull=True), todo=True),
    Tab("done", "已审核", lambda user, node: ~_at(node) & ~Q(status=S.RETURNED)),
    Tab("returned", "被退回", lambda user, node: Q(status=S.RETURNED)),
    Tab("all", "全部", lambda user, node: Q()),
)


@dataclass(frozen=True)
class Node:
    key: str
    label: str
    role: str
    scope: Callable  # (user) -> Q | None; None: the user does not staff this node
    holders: Callable  # (application) -> Q over RoleAssignment: who staffs this node for that application
    others: str  # how a recusal note names the node's other staff (review.recusal)
    tabs: tuple[Tab, ...]
    list_title: str
    claims: bool = True  # clerks claim (领取) an application before deciding it
    verb: str = "审核"

    @property
    def reached_field(self) -> str:
        return f"reached_{self.key}"

    def visible(self) -> Q:
        """What the node keeps seeing: everything that has reached it. The HR bureau also confirms the results
        of plans whose chain skips its review node."""
        seen = Q(**{self.reached_field: True})
        if self.key == "bureau":
            seen |= Q(status__in=[S.PASSED, S.CONFIRMED])
        return seen


NODES: dict[str, Node] = {
    "unit": Node("unit", "用人单位", Role.UNIT_ADMIN, _unit_scope, _unit_holders, "本单位其他管理员", REVIEW_TABS,
                 "职称申报审核"),
    "department": Node("department", "主管部门", Role.DEPARTMENT_REVIEWER, _department_scope, _department_holders,
                       "本主管部门其他审核人员", REVIEW_TABS, "主管部门审核"),
    "bureau": Node("bureau", "人社部门", Role.BUREAU_STAFF, _bureau_scope, _bureau_holders, "人社部门其他工作人员",
                   REVIEW_TABS[:2] + (Tab("confirm", "待确认", lambda user, node: Q(status=S.PASSED), todo=True),)
                   + REVIEW_TABS[2:], "职称资格审查"),
    "committee": Node("committee", "评委会", Role.COMMITTEE_STAFF, _committee_scope, _committee_holders,
                      "评委会办公室其他工作人员", (
        Tab("incoming", "待接收", lambda user, node: _at(node), todo=True),
        Tab("reviewing", "评审中", lambda user, node: Q(status=S.ACCEPTED)),
        Tab("decided", "已出结果", lambda user, node: Q(status__in=[S.PASSED, S.FAILED, S.CONFIRMED])),
        Tab("returned", "被退回", lambda user, node: Q(status=S.RETURNED)),
        Tab("all", "全部", lambda user, node: Q()),
    ), "评委会接收", claims=False, verb="办理"),
}


def node_get(key: str) -> Node:
    try:
        return NODES[key]
    except KeyError:
        raise Http404 from None


def nodes_of(application: Application) -> list[str]:
    """The application's chain: the plan's nodes in the fixed order, without a department node for a unit that
    has no competent department."""
    chain = [key for key in ORDER if key in set(application.plan.chain)]
    if application.unit is None or application.unit.department_id is None:
        chain = [key for key in chain if key != "department"]
    return chain


def next_node(application: Application, node: str) -> str:
    """The node after `node` in the application's chain, or "" when `node` is its last."""
    chain = nodes_of(application)
    later = chain[chain.index(node) + 1:] if node in chain else []
    return later[0] if later else ""


# ---------------------------------------------------------------- reads


def node_applications(user, node: Node) -> QuerySet:
    """Every application the user sees at `node` (an empty queryset when they do not staff it)."""
    scope = node.scope(user)
    if scope is None:
        return Application.objects.none()
    return Application.objects.filter(scope & node.visible())


def _tab_q(user, node: Node, tab: Tab) -> Q:
    """A tab's filter. A queue of work leaves out the reader's own applications: they may not decide them (回避),
    and the node's other staff see them there."""
    q = tab.q(user, node.key)
    return q & ~Q(applicant_id=user.pk) if tab.todo else q


def node_tab_counts(user, node: Node) -> dict[str, int]:
    """Each tab's count, in one query."""
    if node.scope(user) is None:
        return {tab.key: 0 for tab in node.tabs}
    return node_applications(user, node).aggregate(
        **{tab.key: Count("pk", filter=_tab_q(user, node, tab)) for tab in node.tabs})


def node_list(user, node: Node, tab: str, q: str = "") -> QuerySet:
    """A tab of the node's task list, oldest filing first, with what its columns show (constant queries)."""
    chosen = next((t for t in node.tabs if t.key == tab), node.tabs[0])
    rows = node_applications(user, node).filter(_tab_q(user, node, chosen))
    if q:
        rows = rows.filter(Q(applicant__name__contains=q) | Q(applicant__id_number=q.upper()))
    return rows.select_related("applicant", "plan", "plan__committee", "unit", "claimed_by").order_by(
        F("submitted_at").asc(nulls_last=True), "pk")


def node_application_get(user, node: Node, pk, *, lock: bool = False) -> Application:
    """One application visible at the node; 404 otherwise (another unit's, not yet here, or no such role)."""
    rows = node_applications(user, node).filter(pk=pk)
    if lock:
        # Lock first, then read with the joins in a statement of its own: PostgreSQL re-reads a row it waited for
        # but not the rows joined to it, so a claim committed meanwhile would come back with claimed_by None.
        locked = list(Application.objects.select_for_update().filter(
            pk__in=list(rows.values_list("pk", flat=True))).values_list("pk", flat=True))
        found = Application.objects.filter(pk__in=locked)
    else:
        found = rows
    application = found.select_related("applicant", "plan", "plan__committee", "plan__committee__bureau", "unit",
                                       "unit__department", "claimed_by").first()
    if application is None:
        raise Http404
    return application


def next_for(user, node: Node, *, exclude: int) -> Application | None:
    """The next application waiting for this user at the node (their claimed ones, then unclaimed), never their
    own."""
    rows = node_applications(user, node).filter(_at(node.key)).exclude(pk=exclude).exclude(applicant_id=user.pk)
    if node.claims:
        rows = rows.filter(Q(claimed_by=user) | Q(claimed_by__isnull=True))
    return rows.order_by(F("claimed_by").asc(nulls_last=True), "submitted_at", "pk").first()


def staffed_nodes(user) -> list[Node]:
    return [node for node in NODES.values() if node.scope(user) is not None]


def node_recusal_note(user, node: Node, application: Application) -> str:
    """Why `user` may not act on their own application at `node`, naming the node's other staff for it (or ""
    when it is not theirs). Shown by the refusal and by the review page instead of the node's actions."""
    if not is_own(user, application.applicant_id):
        return ""
    return recusal_note(subject="职称申报", verb=node.verb, label=node.others,
                        others=others_holding(node.holders(application), besides=user))


# ---------------------------------------------------------------- working days and publicity


def working_days(start: datetime.date, end: datetime.date) -> int:
    """Working days from start to end inclusive: Monday–Friday, less settings.PUBLIC_HOLIDAYS, plus the
    weekend days of settings.EXTRA_WORKDAYS (调休)."""
    if end < start:
        return 0
    holidays, extra = set(settings.PUBLIC_HOLIDAYS), set(settings.EXTRA_WORKDAYS)
    days, day = 0, start
    while day <= end:
        if (day.weekday() < 5 and day not in holidays) or day in extra:
            days += 1
        day += datetime.timedelta(days=1)
    return days


@dataclass(frozen=True)
class Recommendation:
    """单位推荐: what the unit's 通过 needs (SPEC §5)."""

    publicity_from: datetime.date
    publicity_to: datetime.date
    opinion: str
    takes_vacancy: bool | None = None  # asked of public institutions only
    vacancy_note: str = ""

    def as_data(self) -> dict:
        return {"publicity_from": self.publicity_from.isoformat(), "publicity_to": self.publicity_to.isoformat(),
                "opinion": self.opinion, "takes_vacancy": self.takes_vacancy, "vacancy_note": self.vacancy_note}


def recommendation_problems(application: Application, rec: Recommendation | None, proofs: list) -> list[str]:
    """Why a unit's 通过 cannot go through (empty when it can)."""
    if rec is None:
        return ["请填写单位推荐意见。"]
    problems = []
    today = timezone.localdate()
    minimum = settings.PUBLICITY_MIN_WORKING_DAYS
    if rec.publicity_to < rec.publicity_from:
        problems.append("公示结束日期不能早于开始日期。")
    elif rec.publicity_to >= today:
        problems.append("公示期结束后才能推荐。")
    elif working_days(rec.publicity_from, rec.publicity_to) < minimum:
        problems.append(f"公示期不少于{minimum}个工作日（所填期间只有"
                        f"{working_days(rec.publicity_from, rec.publicity_to)}个工作日）。")
    if not proofs:
        problems.append("请上传公示证明。")
    if not rec.opinion.strip():
        problems.append("请填写单位推荐意见。")
    if application.unit and application.unit.nature == Unit.Nature.PUBLIC_INSTITUTION:
        if rec.takes_vacancy is None:
            problems.append("事业单位须说明是否占用本单位岗位核准的空缺。")
        elif not rec.takes_vacancy and not rec.vacancy_note.strip():
            problems.append("不占用岗位空缺时，请说明理由。")
    return problems


LEVEL_QUOTA = {"正高": "senior", "副高": "associate", "中级": "intermediate", "初级": "junior"}


@dataclass(frozen=True)
class Tally:
    """The committee meeting's secret ballot on one application, as the office counted it (FORMS-AND-RULES §5):
    a valid vote needs at least COMMITTEE_QUORUM_SHARE of the members present, and the application passes when
    the 同意 votes reach the plan's share of those present ("以上" includes the bound: 6 of 9 is two thirds)."""

    members: int  # 应到
    attending: int  # 实到
    agree: int
    disagree: int
    abstain: int = 0

    def problems(self) -> list[str]:
        """Why the counts cannot stand (Chinese), empty when the vote is valid."""
        if self.attending > self.members:
            return ["实到人数不能多于应到人数。"]
        num, den = _share(settings.COMMITTEE_QUORUM_SHARE)
        if self.attending * den < self.members * num:
            return [f"实到{self.attending}人，不足应到人数的{quorum_label()}，表决无效。"]
        counted = self.agree + self.disagree + self.abstain
        if counted != self.attending:
            return [f"同意、不同意、弃权票数之和（{counted}）应等于实到人数（{self.attending}）。"]
        return []

    def passes(self, share: str) -> bool:
        num, den = _share(share)
        return self.agree * den >= self.attending * num

    def text(self) -> str:
        return (f"应到{self.members}人，实到{self.attending}人；同意{self.agree}票，不同意{self.disagree}票，"
                f"弃权{self.abstain}票")


def quorum_label() -> str:
    """The quorum as the result form states it: 三分之二."""
    return Plan.SHARE_NAMES.get(settings.COMMITTEE_QUORUM_SHARE, settings.COMMITTEE_QUORUM_SHARE)


def _share(text: str) -> tuple[int, int]:
    num, _, den = text.partition("/")
    return int(num), int(den)


# ---------------------------------------------------------------- writes


def _role_label(node: Node) -> str:
    return Role(node.role).label


def _locked_for(actor, node: Node, pk) -> Application:
    """The application visible at `node`, row-locked for `actor` to act on; refused when it is their own (回避:
    at every node, whatever else they hold), with who else may act."""
    application = node_application_get(actor, node, pk, lock=True)
    note = node_recusal_note(actor, node, application)
    if note:
        raise ChainError(note)
    return application


def _check_claim(actor, application: Application, node: Node) -> None:
    if node.claims and application.claimed_by_id not in (None, actor.pk):
        raise ChainError(f"该申报已由{application.claimed_by.name}领取，不能由您审核。")


def _arrive(application: Application, node: str) -> None:
    application.node = node
    application.claimed_by = None
    application.node_since = timezone.now()
    if node:
        setattr(application, f"reached_{node}", True)


def chain_enter(application: Application) -> None:
    """Called by application_submit after the submit transition: the application arrives at its first node
    (or, with no node at all, goes straight to the committee's review)."""
    chain = nodes_of(application)
    if chain:
        _arrive(application, chain[0])
    else:
        _arrive(application, "")
        application.accept()
        application.committee_accepted_at = timezone.localdate()


def claim(*, actor, node: Node, pk: int) -> Application:
    """领取: a clerk takes an unclaimed application at their node."""
    with transaction.atomic():
        application = _locked_for(actor, node, pk)
        if application.status != S.SUBMITTED or application.node != node.key:
            raise ChainError("该申报不在本节点，不能领取。")
        _check_claim(actor, application, node)
        if application.claimed_by_id == actor.pk:
            return application
        application.claimed_by = actor
        application.save(update_fields=["claimed_by", "updated_at"])
        flow_write(subject_type=SUBJECT, subject_id=application.pk, actor=actor, role=_role_label(node),
                   action="claim", label="领取", stage=node.key, from_status=application.status,
                   to_status=application.status)
    return application


def decide(*, actor, node: Node, pk: int, decision: str, opinion: str = "", files=(),
           recommendation: Recommendation | None = None, proofs=()) -> Application:
    """通过 / 退回 / 终止 at a review node (unit, department, bureau) or 退回 at the committee office.

    - 通过 moves the application to the next node of its chain; past the last review node it waits for the
      committee's result. The unit's 通过 needs the publicity proof (`proofs`) and its `recommendation`; a public
      institution that takes a vacancy takes it here (row-locked: two clerks cannot both take the last one); one
      that no longer does (a resubmission after a return) gives back the vacancy it held.
    - 退回 needs every reason at once (`opinion`) and sends the application back to the applicant.
    - 终止 (unit only) ends the person's applications for the plan's year.
    Files are [(label, CheckedFile)] kept with the flow entry."""
    from orgs.services import QuotaError, post_quota_take

    opinion = (opinion or "").strip()
    allowed = {"approve", "return", "terminate"} if node.key == "unit" else {"approve", "return"}
    if node.key == "committee":
        allowed = {"return"}
    if decision not in allowed:
        raise ChainError("请选择审核结果。")
    with transaction.atomic():
        application = _locked_for(actor, node, pk)
        if application.status != S.SUBMITTED or application.node != node.key:
            raise ChainError("该申报不在本节点，不能审核。")
        _check_claim(actor, application, node)
        from_status = application.status
        attached = list(files)
        if decision == "approve":
            if node.key == "unit":
                problems = recommendation_problems(application, recommendation, list(proofs))
                if problems:
                    raise ChainError(problems[0])
                if recommendation.takes_vacancy and not application.vacancy_level:
                    level = LEVEL_QUOTA.get(application.level)
                    if level is None:
                        raise ChainError(f"申报级别“{application.level}”没有对应的岗位核准。")
                    try:
                        post_quota_take(unit=application.unit, year=application.plan.year, level=level)
                    except QuotaError as error:
                        raise ChainError(str(error)) from None
                    application.vacancy_level = level
                elif not recommendation.takes_vacancy and application.vacancy_level:
                    _release_vacancy(application)  # a resubmission recommended without one gives it back
                application.recommendation = recommendation.as_data()
                attached = [("公示证明", f) for f in proofs] + attached
                if not opinion:
                    opinion = recommendation.opinion
            following = next_node(application, node.key)
            if following:
                application.forward()
                _arrive(application, following)
            else:
                application.accept()
                _arrive(application, "")
                application.committee_accepted_at = timezone.localdate()
            action, label = "approve", "通过"
        elif decision == "return":
            if not opinion:
                raise ChainError("退回时请一次说明全部需要修改的内容。")
            application.send_back()
            _arrive(application, "")
            action, label = "return", "退回"
        else:
            if not opinion:
                raise ChainError("终止时请填写理由。")
            application.terminate()
            _arrive(application, "")
            _release_vacancy(application)
            action, label = "terminate", "终止"
        application.save()
        flow_write(subject_type=SUBJECT, subject_id=application.pk, actor=actor, role=_role_label(node),
                   action=action, label=label, stage=node.key, from_status=from_status, to_status=application.status,
                   opinion=opinion, files=attached)
    return application


def _release_vacancy(application: Application) -> None:
    from orgs.models import PostQuota

    if not application.vacancy_level:
        return
    quota = PostQuota.objects.select_for_update().filter(unit=application.unit, year=application.plan.year).first()
    field = f"{application.vacancy_level}_taken"
    if quota is not None and getattr(quota, field) > 0:
        setattr(quota, field, getattr(quota, field) - 1)
        quota.save(update_fields=[field])
    application.vacancy_level = ""


def committee_accept(*, actor, pk: int, accepted_on: datetime.date, opinion: str = "") -> Application:
    """评委会接收: the committee office accepts an application at its node, with the date (shown on section 1)."""
    node = NODES["committee"]
    with transaction.atomic():
        application = _locked_for(actor, node, pk)
        if application.status != S.SUBMITTED or application.node != node.key:
            raise ChainError("该申报不在评委会接收环节。")
        if accepted_on > timezone.localdate():
            raise ChainError("接收日期不能晚于今天。")
        if application.submitted_at and accepted_on < timezone.localtime(application.submitted_at).date():
            raise ChainError("接收日期不能早于申报日期。")
        from_status = application.status
        application.accept()
        _arrive(application, "")
        application.committee_accepted_at = accepted_on
        application.save()
        flow_write(subject_type=SUBJECT, subject_id=application.pk, actor=actor, role=_role_label(node),
                   action="accept", label="评委会接收", stage=node.key, from_status=from_status,
                   to_status=application.status, opinion=opinion or f"接收日期：{accepted_on:%Y-%m-%d}")
    return application


def committee_result(*, actor, pk: int, passed: bool | None = None, opinion: str = "",
                     tally: Tally | None = None) -> Application:
    """The committee office records the committee's result: from the meeting's `tally` (the result follows from
    the counts and the plan's pass share; the counts go into the flow), or `passed` as decided elsewhere."""
    node = NODES["committee"]
    with transaction.atomic():
        application = _locked_for(actor, node, pk)
        if application.status != S.ACCEPTED:
            raise ChainError("只有评审中的申报才能录入评审结果。")
        if tally is not None:
            problems = tally.problems()
            if problems:
                raise ChainError(problems[0])
            passed = tally.passes(application.plan.pass_share)
            opinion = "；".join(filter(None, [f"表决情况：{tally.text()}", opinion.strip()]))
        if passed is None:
            raise ChainError("请录入表决情况。")
        from_status = application.status
        application.record_pass() if passed else application.record_fail()
        application.result_at = timezone.now()
        application.save()
        flow_write(subject_type=SUBJECT, subject_id=application.pk, actor=actor, role=_role_label(node),
                   action="result_pass" if passed else "result_fail", label="评审通过" if passed else "评审未通过",
                   stage=node.key, from_status=from_status, to_status=application.status, opinion=opinion.strip())
    return application


def confirm(*, actor, pk: int, opinion: str = "") -> Application:
    """The HR bureau confirms a passed result; the certificate number is issued in the same transaction."""
    node = NODES["bureau"]
    with transaction.atomic():
        application = _locked_for(actor, node, pk)
        if application.status != S.PASSED:
            raise ChainError("只有评审通过的申报才能确认。")
        from_status = application.status
        application.confirm()
        application.confirmed_at = timezone.now()
        application.certificate_no = certificate_number_issue(application)
        application.save()
        flow_write(subject_type=SUBJECT, subject_id=application.pk, actor=actor, role=_role_label(node),
                   action="confirm", label="确认发证", stage=node.key, from_status=from_status,
                   to_status=application.status, opinion=opinion.strip() or f"证书编号：{application.certificate_no}")
    return application


# ---------------------------------------------------------------- certificate numbers

SERIES_CODES = {"卫生技术": "WS", "中小学教师": "JS", "工程技术": "GC", "会计": "KJ", "经济": "JJ"}
LEVEL_CODES = {"正高": "1", "副高": "2", "中级": "3", "初级": "4"}


def certificate_parts(application: Application) -> dict:
    codes = {**SERIES_CODES, **settings.CERTIFICATE_SERIES_CODES}
    bureau = application.plan.committee.bureau
    return {"year": application.plan.year, "region": bureau.region_id, "series": codes.get(application.series, "QT"),
            "level": LEVEL_CODES.get(application.level, "0")}


def certificate_format_fields(fmt: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(fmt) if name]


def certificate_number_issue(application: Application) -> str:
    """The next number of the application's prefix, from settings.CERTIFICATE_NUMBER_FORMAT (names year, region,
    series, level and seq). Call inside the confirming transaction: the UPDATE locks the sequence row until
    commit, so parallel confirmations queue and a rolled-back one gives its number back (no duplicates, no
    gaps)."""
    fmt = settings.CERTIFICATE_NUMBER_FORMAT
    parts = certificate_parts(application)
    key = "|".join(f"{name}={parts[name]}" for name in certificate_format_fields(fmt) if name != "seq")
    CertificateSequence.objects.get_or_create(key=key)
    CertificateSequence.objects.filter(key=key).update(last=F("last") + 1)
    seq = CertificateSequence.objects.get(key=key).last
    return fmt.format(seq=seq, **parts)


# ---------------------------------------------------------------- delegation (委托)


def delegation_set(*, actor, unit: Unit, plan, delegate: Unit | None) -> Delegation | None:
    """委托 the unit's node for a plan to another organisation (None: take it back). Only the unit's admins."""
    if unit.pk not in admin_unit_ids(actor):
        raise PermissionDenied
    with transaction.atomic():
        current = Delegation.objects.select_for_update().filter(unit=unit, plan=plan).first()
        if delegate is not None and delegate.pk == unit.pk:
            raise ChainError("不能委托给本单位。")
        if current is not None:
            current.delete()
        made = None
        if delegate is not None:
            made = Delegation.objects.create(unit=unit, plan=plan, delegate=delegate, created_by=actor)
        # The flow of each application concerned says who holds the unit node now.
        pending = Application.objects.filter(unit=unit, plan=plan, status=S.SUBMITTED, node="unit")
        for application in pending:
            flow_write(subject_type=SUBJECT, subject_id=application.pk, actor=actor, role=Role.UNIT_ADMIN.label,
                       action="delegate" if delegate else "delegate_cancel", label="委托" if delegate else "取消委托",
                       stage="unit", opinion=f"委托{delegate.name}审核" if delegate else "收回委托，由本单位审核")
        pending.update(claimed_by=None)
    return made


def delegations_of(user) -> dict[tuple[int, int], Delegation]:
    """The delegations the user's units gave, by (unit, plan)."""
    return {(d.unit_id, d.plan_id): d for d in
            Delegation.objects.filter(unit_id__in=admin_unit_ids(user)).select_related("delegate")}


# ---------------------------------------------------------------- the unit's 任务中心


def _task_items(user, limit):
    """Applications waiting at the user's unit node (claimed by them or by nobody), for the 任务中心."""
    from django.urls import reverse

    from review.tasks import TaskItem

    node = NODES["unit"]
    rows = node_applications(user, node).filter(_at(node.key)).filter(
        Q(claimed_by=user) | Q(claimed_by__isnull=True)).exclude(applicant_id=user.pk).select_related(
        "applicant", "plan", "claimed_by")
    return [
        TaskItem(source="application", category="职称申报" + ("" if a.claimed_by_id else " · 待领取"),
                 title=f"{a.plan.name}（{a.level}）", person=a.applicant.name, submitted_at=a.submitted_at,
                 url=reverse("chain:review", args=[node.key, a.pk]))
        for a in rows.order_by("submitted_at", "pk")[:limit]
    ]


def task_source_install() -> None:
    from review.tasks import TaskSource, task_source_register

    task_source_register(TaskSource(key="application", label="职称申报", items=_task_items))
