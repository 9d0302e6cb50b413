"""站内通知: what happened to a person's records and applications, kept for them to read (the bell on every page),
and an SMS for the families they keep on (Preference)."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Family(models.TextChoices):
    RECORD = "record", "业绩审核"
    APPLICATION = "application", "职称申报审核"
    DEFENCE = "defence", "答辩安排"
    PUBLICITY = "publicity", "结果公示与异议"
    CERTIFICATE = "certificate", "确认发证"
    REMINDER = "reminder", "办理提醒"


class Notice(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    family = models.CharField("类别", max_length=16, choices=Family.choices)
    text = models.CharField("内容", max_length=500)
    url = models.CharField(max_length=200, blank=True)
    # One notice per key (a reminder's plan, day and person…): a second run, or two at once, write nothing more.
    key = models.CharField(max_length=120, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notice_user_unread")]


class Preference(models.Model):
    """SMS off for one family (the in-app notice is always written); no row: SMS on."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    family = models.CharField(max_length=16, choices=Family.choices)
    sms = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "family"], name="notice_preference_unique")]
