"""Writes of the expert pool, the draw, recusal, the console and the ballot. Each takes the acting user and
checks that they reach what they write (experts.selectors); refusals raise ExpertError with a Chinese message."""

from __future__ import annotations

import datetime
import io
import secrets
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

from accounts.models import Role
from accounts.roles import role_grant
from applications import chain
from applications.chain_parts import Tally
from applications.models import Application
from core.excel import Column, read_rows, template_bytes
from core.flow import flow_write
from core.pdf import GRID, register_font, styles

from . import draws, recusal, selectors
from .forms import SERIES, ExpertForm
from .models import Assignment, BallotMark, Draw, Exclusion, Expert, Feedback, Relation, Score, Vote


class ExpertError(Exception):
    """A refused action; the message is Chinese."""


# ---------------------------------------------------------------- the pool


def expert_add(*, actor, committee, data: dict) -> Expert:
    """Add a person to the committee's pool (data: an ExpertForm's cleaned data); they receive the 评审专家 role."""
    selectors.committee_get(actor, committee.pk)
    person = data["person"]
    expert = Expert.objects.create(
        person=person, committee=committee, series=data["series"], specialty=data["specialty"].strip(),
        level=data["level"], unit=person.unit, region=getattr(person.unit, "region_id", "") or "",
        term_start=data["term_start"], term_end=data["term_end"])
    role_grant(user=person, role=Role.EXPERT, actor=actor)
    return expert


def expert_status_set(*, actor, expert_id: int, status: str) -> Expert:
    expert = selectors.expert_get(actor, expert_id)
    if status not in Expert.Status.values:
        raise ExpertError("状态不正确。")
    expert.status = status
    expert.save(update_fields=["status"])
    return expert


COLUMNS = [Column("_index", "序号", type="index"),
           Column("id_number", "身份证号", required=True, excel_text=True),
           Column("name", "姓名", required=True, excel_text=True),
           Column("series", "评审系列", required=True, choices=tuple(SERIES)),
           Column("specialty", "专业/学科组", required=True, excel_text=True),
           Column("level", "职称级别", required=True, choices=("正高", "副高")),
           Column("term_start", "聘期开始", type="date", required=True),
           Column("term_end", "聘期结束", type="date", required=True, help="聘期最长3年")]
LABELS = {c.key: c.label for c in COLUMNS}


def import_template() -> bytes:
    return template_bytes(COLUMNS, title="专家库导入", notes=["专家须已在本系统注册；身份证号与姓名须与注册信息一致。"])


@dataclass
class ImportOutcome:
    errors: list[dict] = field(default_factory=list)  # {line, column, message}
    created: int = 0


def experts_import(*, actor, committee, upload) -> ImportOutcome:
    """Every row checked by ExpertForm; only when all pass are they written, in one transaction. File-level
    problems raise core.excel.ExcelError."""
    selectors.committee_get(actor, committee.pk)
    rows = read_rows(upload, COLUMNS, max_rows=2000)
    outcome, valid, seen = ImportOutcome(), [], {}
    for row in rows:
        outcome.errors += [{"line": row.line, "column": c, "message": m} for c, m in row.errors]
        form = ExpertForm(row.values, committee=committee)
        if not form.is_valid():
            outcome.errors += [{"line": row.line, "column": LABELS.get(k, ""), "message": m}
                               for k, messages in form.errors.items() for m in messages]
            continue
        number = form.cleaned_data["id_number"]
        if number in seen:
            outcome.errors.append({"line": row.line, "column": LABELS["id_number"],
                                   "message": f"与第{seen[number]}行是同一位专家。"})
            continue
        seen[number] = row.line
        valid.append(form.cleaned_data)
    if outcome.errors:
        outcome.errors.sort(key=lambda e: e["line"])
        return outcome
    with transaction.atomic():
        for data in valid:
            expert_add(actor=actor, committee=committee, data=data)
    outcome.created = len(valid)
    return outcome


# ---------------------------------------------------------------- the draw


def eligible(committee, group: str, on: datetime.date):
    """The pool a draw samples: 在库, of the 学科组, in term on the meeting day (an expired term leaves by
    itself)."""
    return (Expert.objects.filter(committee=committee, status=Expert.Status.ACTIVE, specialty=group,
                                  term_start__lte=on, term_end__gte=on)
            .select_related("person", "unit").order_by("pk"))


def late(draw: Draw) -> bool:
    """Drawn later than DRAW_MIN_DAYS before the meeting."""
    return timezone.localtime(draw.drawn_at).date() > draw.meeting_on - datetime.timedelta(days=settings.DRAW_MIN_DAYS)


def _exclusions_write(draw: Draw, experts) -> None:
    applications = Application.objects.filter(pk__in=draw.application_ids).select_related("applicant", "unit")
    Exclusion.objects.bulk_create(
        [Exclusion(draw=draw, expert=expert, application=application, ground=ground, detail=detail[:300])
         for expert, application, ground, detail in recusal.compute(experts, applications)],
        ignore_conflicts=True)


def draw_make(*, actor, plan_id: int, group: str, size: int, reserves: int, meeting_on: datetime.date,
              seed: int | None = None) -> Draw:
    """Draw a panel for the plan's applications waiting for the committee's result (less those before another
    open panel): record the seed and the eligible pool, pick members and reserves, compute every member's and
    reserve's exclusions."""
    plan = selectors.plans_of(actor).filter(pk=plan_id).first()
    if plan is None:
        raise ExpertError("没有找到该评审计划。")
    group = group.strip()
    pool = list(eligible(plan.committee, group, meeting_on))
    if len(pool) < size:
        raise ExpertError(f"学科组“{group}”在聘的在库专家只有{len(pool)}人，不足评审组人数{size}人。")
    seed = secrets.randbits(48) if seed is None else seed
    snapshot = [{"id": e.pk, "name": e.person.name, "unit": e.unit.name if e.unit else ""} for e in pool]
    taken = {pk for ids in Draw.objects.filter(plan=plan, closed_at=None).values_list("application_ids", flat=True)
             for pk in ids}  # an application is before one open panel at a time
    applications = [pk for pk in Application.objects.filter(plan=plan, stage="committee_result",
                                                            status=Application.Status.ACCEPTED)
                    .order_by("pk").values_list("pk", flat=True) if pk not in taken]
    members, spare = draws.repeat(seed=seed, snapshot=snapshot, size=size, reserves=reserves)
    by_id = {e.pk: e for e in pool}
    with transaction.atomic():
        draw = Draw.objects.create(plan=plan, group=group, size=size, reserves=reserves, seed=seed,
                                   snapshot=snapshot, application_ids=applications, meeting_on=meeting_on,
                                   drawn_by=actor)
        Assignment.objects.bulk_create(
            [Assignment(draw=draw, expert=by_id[pk], position=i, reserve=i > size)
             for i, pk in enumerate(members + spare, start=1)])
        _exclusions_write(draw, [by_id[pk] for pk in members + spare])
    return draw


def assignment_decline(*, actor, assignment_id: int, reason: str) -> Assignment | None:
    """A member declines (with the reason): the first reserve left takes the seat. Returns the replacement
    (None: no reserve left)."""
    reason = (reason or "").strip()
    if not reason:
        raise ExpertError("请填写专家谢绝的原因。")
    with transaction.atomic():
        assignment = selectors.assignment_for_office(actor, assignment_id, lock=True)
        if not assignment.draw.is_open:
            raise ExpertError("评审会已结束，不能再调整评审组。")
        if not assignment.serving:
            raise ExpertError("该专家不是在任的评审组成员。")
        assignment.declined_at, assignment.declined_reason = timezone.now(), reason
        assignment.save(update_fields=["declined_at", "declined_reason"])
        reserve = (Assignment.objects.select_for_update().filter(draw=assignment.draw, reserve=True,
                                                                 declined_at=None).order_by("position").first())
        if reserve is not None:
            reserve.reserve, reserve.replaces = False, assignment
            reserve.save(update_fields=["reserve", "replaces"])
    return reserve


def exclusion_override(*, actor, exclusion_id: int, reason: str) -> Exclusion:
    """The office lets an excluded expert review the application after all: only with a reason, recorded on the
    exclusion and in the application's flow."""
    reason = (reason or "").strip()
    if not reason:
        raise ExpertError("撤销回避必须填写理由。")
    with transaction.atomic():
        exclusion = selectors.exclusion_for_office(actor, exclusion_id)
        if exclusion.overridden_at is not None:
            raise ExpertError("该回避已撤销。")
        if exclusion.ground in (Exclusion.Ground.SELF, Exclusion.Ground.DECLARED):
            raise ExpertError("专家本人为申报人或本人申请回避的，不能撤销回避。")
        exclusion.overridden_at, exclusion.overridden_by, exclusion.override_reason = timezone.now(), actor, reason
        exclusion.save(update_fields=["overridden_at", "overridden_by", "override_reason"])
        flow_write(subject_type="application", subject_id=exclusion.application_id, actor=actor,
                   role=Role.COMMITTEE_STAFF.label, action="recusal_override", label="撤销专家回避",
                   stage="committee_result",
                   opinion=f"专家{exclusion.expert.person.name}（{exclusion.get_ground_display()}：{exclusion.detail}）；"
                           f"理由：{reason}")
    return exclusion


def relation_declare(*, actor, expert_person, other, kind: str, note: str = "") -> Relation:
    """A relation declared by either side (the expert on their page, or the applicant about an expert)."""
    if expert_person.pk == other.pk:
        raise ExpertError("不能声明与本人的关系。")
    return Relation.objects.create(expert_person=expert_person, other=other, kind=kind, note=note.strip(),
                                   declared_by=actor)


# ---------------------------------------------------------------- the console


@cache
def criteria_catalogue() -> dict:
    with (Path(__file__).parent / "criteria.toml").open("rb") as handle:
        return tomllib.load(handle)["series"]


def criteria_for(series: str) -> list[dict]:
    catalogue = criteria_catalogue()
    return (catalogue.get(series) or catalogue["default"])["criteria"]


def commit(*, actor, draw_id: int) -> Assignment:
    """承诺: impartiality and confidentiality, once per meeting, before anything opens."""
    assignment = selectors.my_assignment(actor, draw_id)
    if assignment.committed_at is None:
        assignment.committed_at = timezone.now()
        assignment.save(update_fields=["committed_at"])
    return assignment


def step_aside(*, actor, draw_id: int, application_id: int, reason: str) -> Exclusion:
    """An expert declares an interest in an application and steps aside."""
    reason = (reason or "").strip()
    if not reason:
        raise ExpertError("请说明回避的原因。")
    assignment, application = selectors.my_application(actor, draw_id, application_id)
    exclusion, _ = Exclusion.objects.get_or_create(draw=assignment.draw, expert=assignment.expert,
                                                   application=application, ground=Exclusion.Ground.DECLARED,
                                                   defaults={"detail": reason[:300]})
    return exclusion


def score_save(*, actor, draw_id: int, application_id: int, points: dict, opinion: str) -> Score:
    assignment, application = selectors.my_application(actor, draw_id, application_id)
    score, _ = Score.objects.update_or_create(assignment=assignment, application=application,
                                              defaults={"points": points, "opinion": opinion.strip(),
                                                        "saved_at": timezone.now()})
    return score


def vote_cast(*, actor, draw_id: int, application_id: int, choice: str) -> None:
    """One secret vote: the participation mark and the content without the voter, in one transaction. A second
    vote by the same expert is refused (the mark's unique constraint decides, even at the same instant)."""
    if choice not in Vote.Choice.values:
        raise ExpertError("请选择同意、不同意或弃权。")
    assignment, application = selectors.my_application(actor, draw_id, application_id)
    try:
        with transaction.atomic():
            BallotMark.objects.create(draw=assignment.draw, application=application, expert=assignment.expert)
            Vote.objects.create(draw=assignment.draw, application=application, choice=choice)
    except IntegrityError:
        raise ExpertError("您已对该申报表决，不能重复投票。") from None


# ---------------------------------------------------------------- closing the ballot


def tally_of(draw: Draw, application_id: int, members: int) -> Tally:
    counts = dict(Vote.objects.filter(draw=draw, application_id=application_id).values_list("choice")
                  .annotate(n=Count("pk")).values_list("choice", "n"))
    agree, disagree, abstain = (counts.get(c, 0) for c in Vote.Choice.values)
    return Tally(members=members, attending=agree + disagree + abstain, agree=agree, disagree=disagree,
                 abstain=abstain)


@dataclass
class CloseOutcome:
    passed: int = 0
    failed: int = 0
    invalid: list[tuple[int, str]] = field(default_factory=list)  # (application id, message)


def ballot_close(*, actor, draw_id: int) -> CloseOutcome:
    """结束表决: the meeting closes (the panel's access ends) and each application's tally goes to the committee's
    result step (applications.chain.committee_result, as typed counts do). A tally that cannot stand (no
    quorum) is reported and the application keeps waiting for counts typed from a paper ballot."""
    outcome = CloseOutcome()
    with transaction.atomic():
        draw = selectors.draw_for_office(actor, draw_id, lock=True)
        if not draw.is_open:
            raise ExpertError("表决已经结束。")
        draw.closed_at = timezone.now()
        draw.save(update_fields=["closed_at"])
        for application_id in draw.application_ids:
            members = selectors.members_for(draw, application_id)
            tally = tally_of(draw, application_id, members)
            if members == 0:
                outcome.invalid.append((application_id, "评审组成员均已回避，无法表决。"))
                continue
            try:
                with transaction.atomic():
                    application = chain.committee_result(actor=actor, pk=application_id, tally=tally,
                                                         opinion=f"网上表决（{draw.group}评审组）")
            except chain.ChainError as error:
                outcome.invalid.append((application_id, str(error)))
                continue
            if application.status == Application.Status.PASSED:
                outcome.passed += 1
            else:
                outcome.failed += 1
    return outcome


# ---------------------------------------------------------------- feedback and the record of service


def feedback_release(*, actor, draw_id: int, application_id: int, summary: str = "") -> Feedback:
    """Release the experts' opinions on a failed application to its applicant, without names and shuffled
    (settings.EXPERT_FEEDBACK: opinions), or the office's summary (summary); refused when off."""
    mode = settings.EXPERT_FEEDBACK
    if mode == "off":
        raise ExpertError("本系统未开启向申报人反馈评审意见。")
    draw = selectors.draw_for_office(actor, draw_id)
    if draw.closed_at is None or application_id not in draw.application_ids:
        raise ExpertError("表决结束后才能发布评审意见。")
    application = Application.objects.get(pk=application_id)
    if application.status != Application.Status.FAILED:
        raise ExpertError("只向未通过评审的申报人反馈评审意见。")
    summary = (summary or "").strip()
    if mode == "summary" and not summary:
        raise ExpertError("请填写反馈给申报人的意见摘要。")
    opinions = [] if mode == "summary" else list(
        Score.objects.filter(assignment__draw=draw, application_id=application_id).values_list("opinion", flat=True))
    secrets.SystemRandom().shuffle(opinions)
    feedback, _ = Feedback.objects.update_or_create(
        application=application, defaults={"draw": draw, "opinions": opinions, "summary": summary,
                                           "released_at": timezone.now(), "released_by": actor})
    return feedback


def service_record(person) -> list[dict]:
    """The closed meetings the person served on, each with the number of applications they reviewed (those they
    were not excluded from)."""
    served = (Assignment.objects.filter(expert__person=person, reserve=False, declined_at=None)
              .exclude(draw__closed_at=None).select_related("draw__plan__committee", "expert")
              .order_by("draw__meeting_on"))
    rows = []
    for assignment in served:
        excluded = set(Exclusion.objects.filter(draw=assignment.draw, expert=assignment.expert, overridden_at=None)
                       .values_list("application_id", flat=True))
        rows.append({"committee": assignment.draw.plan.committee.name, "plan": assignment.draw.plan.name,
                     "group": assignment.draw.group, "meeting_on": assignment.draw.meeting_on,
                     "reviewed": len(set(assignment.draw.application_ids) - excluded)})
    return rows


def service_certificate(person) -> bytes:
    """评审服务证明 (PDF): the person's meetings, per committee, with the committee's name."""
    rows = service_record(person)
    if not rows:
        raise ExpertError("暂无已结束的评审服务记录。")
    register_font()
    style = styles()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, title="评审服务证明", leftMargin=25 * mm, rightMargin=25 * mm)
    committees = "、".join(dict.fromkeys(row["committee"] for row in rows))
    total = sum(row["reviewed"] for row in rows)
    story = [Paragraph("评审服务证明", style["title"]), Spacer(1, 8 * mm),
             Paragraph(f"兹证明{person.name}同志作为{committees}评审专家，参加以下评审会{len(rows)}次，"
                       f"共评审申报材料{total}份。", style["body"]), Spacer(1, 6 * mm)]
    table = [["评委会", "评审计划", "学科组", "评审会日期", "评审份数"]] + [
        [row["committee"], row["plan"], row["group"], f"{row['meeting_on']:%Y-%m-%d}", str(row["reviewed"])]
        for row in rows]
    story.append(Table([[Paragraph(cell, style["cell"]) for cell in line] for line in table],
                       colWidths=[45 * mm, 45 * mm, 25 * mm, 25 * mm, 20 * mm], style=GRID))
    story += [Spacer(1, 12 * mm), Paragraph(f"{committees}", style["body"]),
              Paragraph(f"{timezone.localdate():%Y年%m月%d日}", style["body"])]
    document.build(story)
    return buffer.getvalue()
