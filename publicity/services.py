"""Writes of 结果公示: publishing a plan's passed results, filing an objection, the office's decisions on it, and
the bureau's confirmation of a list's clean results in one action. Each is atomic and writes the flow."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from accounts.models import Role, SmsCode
from accounts.sms import SmsError, notice_send, sms_code_check
from applications import chain
from applications.chain_parts import working_days
from applications.models import Application, Plan
from core.flow import flow_write
from core.masking import mask_id_number

from . import selectors
from .models import Entry, Objection, Publicity

OBJECTIONS_PER_PHONE = 3  # per list: one phone cannot flood the office


class PublicityError(Exception):
    """A refused step, with a Chinese message for the page."""


def period_end(start: datetime.date, days: int) -> datetime.date:
    """The last day of a period of `days` working days starting on `start` (a day off at the start is skipped):
    Monday–Friday less PUBLIC_HOLIDAYS plus EXTRA_WORKDAYS (调休), as the working-day count of the unit's
    recommendation counts them."""
    end = start
    while working_days(start, end) < days:
        end += datetime.timedelta(days=1)
    return end


def _title_name(application: Application) -> str:
    return application.filed_title_name or f"{application.series}{application.level}"


def publicity_publish(*, actor, plan: Plan, starts_on: datetime.date, days: int, contact: str,
                      title: str = "") -> Publicity:
    """The committee office publishes the plan's passed results not yet on a list (waiting for confirmation)."""
    minimum = settings.PUBLICITY_MIN_WORKING_DAYS
    if plan.pk not in {p.pk for p in selectors.plans_to_publish(actor)}:
        raise PermissionDenied
    if days < minimum:
        raise PublicityError(f"公示期不少于{minimum}个工作日。")
    if starts_on < timezone.localdate():
        raise PublicityError("公示开始日期不能早于今天。")
    with transaction.atomic():
        waiting = list(selectors.unpublished(plan).select_for_update(of=("self",)))
        if not waiting:
            raise PublicityError("该计划没有待公示的评审通过人员。")
        publicity = Publicity.objects.create(
            plan=plan, title=title or f"{plan.name}结果公示", starts_on=starts_on,
            ends_on=period_end(starts_on, days), working_days=days, contact=contact, published_by=actor)
        Entry.objects.bulk_create([
            Entry(publicity=publicity, application=a, seq=seq, name=a.applicant.name,
                  id_masked=mask_id_number(a.applicant.id_number), unit_name=a.unit.name if a.unit else "",
                  series=a.series, level=a.level, title_name=_title_name(a))
            for seq, a in enumerate(waiting, start=1)])
        text = f"公示期：{publicity.starts_on:%Y-%m-%d}至{publicity.ends_on:%Y-%m-%d}（{days}个工作日）"
        for application in waiting:
            flow_write(subject_type="application", subject_id=application.pk, actor=actor,
                       role=Role.COMMITTEE_STAFF.label, action="publicity", label="结果公示", opinion=text)
    return publicity


def objection_file(*, entry: Entry, name: str, phone: str, sms_code: str, text: str, files=()) -> Objection:
    """异议 by anyone during the period: the phone's code (purpose objection) is used up in the same transaction;
    the files ([CheckedFile]) are kept with the objection's flow entry."""
    if not entry.publicity.running():
        raise PublicityError("不在公示期内，不能提出异议。")
    with transaction.atomic():
        sms_code_check(phone=phone, purpose=SmsCode.Purpose.OBJECTION, code=sms_code, consume=True)
        return objection_record(entry=entry, name=name, phone=phone, text=text, files=files)


def objection_record(*, entry: Entry, name: str, phone: str, text: str, files=()) -> Objection:
    """The objection written once its filer's phone is verified (objection_file checks the SMS code first; the
    demo seeding, which has no handset to read a code from, calls this directly): within the period, at most
    OBJECTIONS_PER_PHONE per phone and list, with its flow entry."""
    if not entry.publicity.running():
        raise PublicityError("不在公示期内，不能提出异议。")
    with transaction.atomic():
        count = Objection.objects.by_phone(phone).filter(entry__publicity=entry.publicity).count()
        if count >= OBJECTIONS_PER_PHONE:
            raise PublicityError(f"同一手机号对本次公示至多提出{OBJECTIONS_PER_PHONE}件异议。")
        objection = Objection.objects.create(entry=entry, name=name, phone=phone, text=text)
        flow_write(subject_type="objection", subject_id=objection.pk, actor=None, role="异议人",
                   action="file", label="提出异议", opinion=text, files=[("异议材料", f) for f in files])
    return objection


DECISIONS = {
    # decision: (from statuses, to status, flow label, what must be written)
    "accept": ((Objection.Status.SUBMITTED,), Objection.Status.ACCEPTED, "受理", "reason"),
    "reject": ((Objection.Status.SUBMITTED,), Objection.Status.REJECTED, "不予受理", "reason"),
    "uphold": ((Objection.Status.ACCEPTED,), Objection.Status.UPHELD, "维持评审结果", "finding"),
    "revoke": ((Objection.Status.ACCEPTED,), Objection.Status.REVOKED, "撤销评审结果", "finding"),
}
# The same decision as a step of the application's own flow (never naming the objector); 撤销 writes its own
# step (revoke_result) when it ends the application.
APPLICATION_STEPS = {"accept": "异议已受理", "reject": "异议不予受理", "uphold": "异议不成立，维持评审结果"}
NEEDS = {"reason": "请填写受理意见或不予受理的理由。", "finding": "请填写核查结论。"}


def objection_decide(*, actor, objection_id: int, decision: str, text: str) -> Objection:
    """The office's 受理 / 不予受理 (with the reason), then 维持 / 撤销 (with the finding). 撤销 ends the
    application as 评审未通过 with the finding in its flow. The objector hears the outcome by SMS."""
    if decision not in DECISIONS:
        raise PublicityError("未知的办理结果。")
    sources, target, label, field = DECISIONS[decision]
    text = (text or "").strip()
    if not text:
        raise PublicityError(NEEDS[field])
    with transaction.atomic():
        objection = selectors.objections_for(actor).select_for_update(of=("self",)).filter(pk=objection_id).first()
        if objection is None:
            raise Objection.DoesNotExist
        if objection.status not in sources:
            raise PublicityError("该异议的办理状态已经变化，请刷新后再操作。")
        objection.status = target
        setattr(objection, field, text)
        if target not in Objection.OPEN:
            objection.decided_at = timezone.now()
        objection.save()
        flow_write(subject_type="objection", subject_id=objection.pk, actor=actor, role=Role.COMMITTEE_STAFF.label,
                   action=decision, label=label, opinion=text)
        if decision in APPLICATION_STEPS:
            flow_write(subject_type="application", subject_id=objection.entry.application_id, actor=actor,
                       role=Role.COMMITTEE_STAFF.label, action=f"objection_{decision}",
                       label=APPLICATION_STEPS[decision], opinion=text)
        if decision == "revoke":
            _revoke(actor, objection, text)
        notice_send(objection.phone, f"【职称评审】您对{objection.entry.name}的异议办理结果：{label}。")
    return objection


def _revoke(actor, objection: Objection, finding: str) -> None:
    application = Application.objects.select_for_update().get(pk=objection.entry.application_id)
    if application.status != Application.Status.PASSED:
        raise PublicityError("该申报已不是待确认的评审通过状态，不能撤销。")
    from_status = application.status
    application.revoke_result()
    application.stage = ""
    application.claimed_by = None
    application.save()
    objection.entry.result = "撤销"
    objection.entry.save(update_fields=["result"])
    flow_write(subject_type="application", subject_id=application.pk, actor=actor, role=Role.COMMITTEE_STAFF.label,
               action="revoke_result", label="异议成立，撤销评审结果", from_status=from_status,
               to_status=application.status, opinion=finding)


def publicity_confirm_clean(*, actor, publicity_id: int) -> tuple[list[Application], list[str]]:
    """确认发证 of every clean result of a list in one action (the period over, no open objection): each through
    the engine's confirmation, in list order, each number issued as one confirmation issues it. Returns the
    confirmed applications and the names left out with why."""
    publicity = selectors.publicities_for(actor).filter(pk=publicity_id).first()
    if publicity is None:
        raise Publicity.DoesNotExist
    if not publicity.over():
        raise PublicityError(f"公示期至{publicity.ends_on:%Y-%m-%d}，公示期满后才能确认。")
    confirmed, skipped = [], []
    with transaction.atomic():
        waiting = (publicity.entries.filter(application__status=Application.Status.PASSED)
                   .select_related("application").order_by("seq"))
        for entry in waiting:
            try:
                with transaction.atomic():
                    confirmed.append(chain.confirm(actor=actor, pk=entry.application_id))
            except chain.ChainError as error:
                skipped.append(f"{entry.name}：{error}")
            except Http404:
                skipped.append(f"{entry.name}：不在您的确认范围内。")
    return confirmed, skipped


__all__ = ["PublicityError", "SmsError", "objection_decide", "objection_file", "objection_record", "period_end",
           "publicity_confirm_clean", "publicity_publish"]
