"""办理提醒, sent by `manage.py send_reminders` (run daily by cron or a systemd timer): a plan closing in 7 and in 1
days for each person whose application to it is not filed; the staff of a stage where applications have waited
longer than REMINDER_STALE_WORKING_DAYS working days; the committee office on the last day of a publicity. Each
reminder has a key (what, for whom, which day), so a second run, or two runs at once, send nothing more."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import RoleAssignment, User
from applications.chain_parts import working_days
from applications.models import Application, Plan
from publicity.models import Publicity
from review import scopes
from review.stages import stages
from review.subjects import SUBJECTS

from .models import Family
from .services import notify

CLOSING_DAYS = (7, 1)


def _closing(today: datetime.date) -> int:
    sent = 0
    for days in CLOSING_DAYS:
        plans = Plan.objects.filter(closes_on=today + datetime.timedelta(days=days))
        unfiled = (Application.objects.filter(plan__in=plans, status__in=[Application.Status.DRAFT,
                                                                           Application.Status.RETURNED])
                   .select_related("plan", "applicant"))
        for application in unfiled:
            sent += bool(notify(
                user=application.applicant, family=Family.REMINDER,
                url=reverse("applications:detail", args=[application.pk]),
                key=f"closing:{application.plan_id}:{days}:{application.applicant_id}",
                text=f"{application.plan.name}将于{application.plan.closes_on:%Y年%m月%d日}截止申报，"
                     f"您的申报尚未提交，请及时完成。"))
    return sent


def _stale(today: datetime.date) -> int:
    limit = settings.REMINDER_STALE_WORKING_DAYS
    subject_type = SUBJECTS["application"]
    waiting: dict[int, dict[str, int]] = {}  # user → stage label → count
    candidates = (Application.objects.filter(status__in=[Application.Status.SUBMITTED, Application.Status.ACCEPTED,
                                                         Application.Status.PASSED],
                                             node_since__date__lt=today - datetime.timedelta(days=limit))
                  .exclude(stage="").select_related(*subject_type.related))
    for application in candidates:
        since = timezone.localtime(application.node_since).date() + datetime.timedelta(days=1)
        if working_days(since, today) <= limit:
            continue
        stage = stages().stages.get(application.stage)
        if stage is None:
            continue
        holders = RoleAssignment.objects.filter(scopes.holders(stage.role, subject_type, application))
        for user_id in holders.values_list("user_id", flat=True).distinct():
            if user_id == application.applicant_id:
                continue
            counts = waiting.setdefault(user_id, {})
            counts[stage.label] = counts.get(stage.label, 0) + 1
    sent = 0
    for user in User.objects.filter(pk__in=waiting):
        lines = "，".join(f"{label}{count}件" for label, count in sorted(waiting[user.pk].items()))
        sent += bool(notify(user=user, family=Family.REMINDER, key=f"stale:{user.pk}:{today:%Y%m%d}",
                            text=f"有申报在您的环节等待超过{limit}个工作日：{lines}，请及时办理。"))
    return sent


def _publicity_ending(today: datetime.date) -> int:
    sent = 0
    for publicity in Publicity.objects.filter(ends_on=today).select_related("plan__committee"):
        staff = RoleAssignment.objects.filter(Q(role="committee_staff", unit_id=publicity.plan.committee.bureau_id))
        for user in User.objects.filter(pk__in=staff.values("user_id")):
            sent += bool(notify(
                user=user, family=Family.REMINDER, key=f"publicity-end:{publicity.pk}:{user.pk}",
                url=reverse("publicity:detail", args=[publicity.pk]),
                text=f"“{publicity.title}”今日公示期满，请及时办结异议并通知人社部门确认。"))
    return sent


def reminders_send(today: datetime.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    return {"closing": _closing(today), "stale": _stale(today), "publicity": _publicity_ending(today)}
