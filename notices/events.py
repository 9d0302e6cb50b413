"""The events a person cares about, read from the flow log: each step written by a review decision, a 答辩安排, a
结果公示 or an objection's outcome becomes one notice for the person it concerns (in the same transaction as the
step), with an SMS unless they switched that family off. Connected to FlowEntry's post_save in
NoticesConfig.ready(), so that no app below needs to know about notices."""

from __future__ import annotations

from django.urls import reverse

from applications.models import Application
from dossier.models import Record
from publicity.models import Objection
from review.stages import stages

from .models import Family
from .services import notify

# (subject type, action) → (family, whether an SMS goes out: the 答辩安排 import texts the applicant itself)
APPLICATION = {"approve": (Family.APPLICATION, True), "accept": (Family.APPLICATION, True),
               "return": (Family.APPLICATION, True), "terminate": (Family.APPLICATION, True),
               "result_pass": (Family.APPLICATION, True), "result_fail": (Family.APPLICATION, True),
               "confirm": (Family.CERTIFICATE, True), "defence": (Family.DEFENCE, False),
               "publicity": (Family.PUBLICITY, True), "revoke_result": (Family.PUBLICITY, True),
               "certificate_revoke": (Family.CERTIFICATE, True)}
RECORD = {"approve", "return", "terminate", "withdraw_grant", "withdraw_refuse"}
OBJECTION = {"accept", "reject", "uphold"}  # 撤销: the application's own revoke_result step tells her
WITH_OPINION = {"return", "terminate", "revoke_result", "certificate_revoke", "withdraw_refuse", "defence", "publicity"}


def _office(entry) -> str:
    """Who acted, unless the step's label already says it (评委会接收)."""
    stage = stages().stages.get(entry.stage)
    return stage.office if stage and not entry.action_label.startswith(stage.office) else ""


def _said(entry) -> str:
    return f"。{entry.opinion}" if entry.action in WITH_OPINION and entry.opinion else ""


def flow_entry_saved(sender, instance, created, raw=False, **kwargs):
    if not created or raw:
        return
    entry = instance
    if entry.subject_type == "application" and entry.action in APPLICATION:
        application = Application.objects.select_related("plan", "applicant").filter(pk=entry.subject_id).first()
        if application is None:
            return
        family, sms = APPLICATION[entry.action]
        text = f"您申报的{application.plan.name}：{_office(entry)}{entry.action_label}{_said(entry)}"
        if entry.action == "confirm" and application.certificate_no:
            text += f"，证书编号{application.certificate_no}"
        notify(user=application.applicant, family=family, text=text, sms=sms,
               url=reverse("applications:detail", args=[application.pk]))
    elif entry.subject_type == "record" and entry.action in RECORD:
        record = Record.objects.select_related("owner").filter(pk=entry.subject_id).first()
        if record is not None:
            notify(user=record.owner, family=Family.RECORD, url=reverse("dossier:detail", args=[record.pk]),
                   text=f"您的业绩“{record}”：{_office(entry)}{entry.action_label}{_said(entry)}")
    elif entry.subject_type == "objection" and entry.action in OBJECTION:
        # The applicant hears what became of an objection to her result, never who raised it.
        objection = (Objection.objects.select_related("entry__application__applicant", "entry__application__plan")
                     .filter(pk=entry.subject_id).first())
        if objection is not None:
            application = objection.entry.application
            notify(user=application.applicant, family=Family.PUBLICITY,
                   url=reverse("applications:detail", args=[application.pk]),
                   text=f"您申报的{application.plan.name}在公示期间收到的异议：{entry.action_label}。{entry.opinion}")
