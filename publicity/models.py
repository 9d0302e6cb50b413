"""结果公示 (FORMS-AND-RULES §3, §5): the committee office publishes a plan's passed results for at least
PUBLICITY_MIN_WORKING_DAYS working days on a public page; anyone may object (异议) under real name with a phone
verified by SMS code; the office decides each objection."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.fields import BlindIndexField, EncryptedCharField, PersonalDataQuerySet


def _slug() -> str:
    return secrets.token_urlsafe(9)


def _token() -> str:
    return secrets.token_urlsafe(18)


class Publicity(models.Model):
    """One published list of a plan's results: its stable public URL is /gs/<slug>/."""

    plan = models.ForeignKey("applications.Plan", verbose_name="评审计划", on_delete=models.PROTECT,
                             related_name="publicities")
    slug = models.CharField(max_length=20, unique=True, default=_slug)
    title = models.CharField("公示标题", max_length=120)
    starts_on = models.DateField("公示开始日期")
    ends_on = models.DateField("公示结束日期")
    working_days = models.PositiveSmallIntegerField("公示工作日数")
    contact = models.CharField("异议受理联系方式", max_length=300)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name="+")
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = verbose_name_plural = "结果公示"

    def __str__(self):
        return self.title

    def running(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.starts_on <= today <= self.ends_on

    def over(self, today=None) -> bool:
        return (today or timezone.localdate()) > self.ends_on


class Entry(models.Model):
    """One person on a list, as published: only what the public page shows (the ID number masked)."""

    publicity = models.ForeignKey(Publicity, on_delete=models.CASCADE, related_name="entries")
    application = models.OneToOneField("applications.Application", on_delete=models.PROTECT,
                                       related_name="publicity_entry")
    seq = models.PositiveIntegerField("序号")
    name = models.CharField("姓名", max_length=50)
    id_masked = models.CharField("身份证号", max_length=18)
    unit_name = models.CharField("工作单位", max_length=200)
    series = models.CharField("系列", max_length=30)
    level = models.CharField("级别", max_length=10)
    title_name = models.CharField("资格名称", max_length=60, blank=True)
    result = models.CharField("评审结果", max_length=20, default="评审通过")

    class Meta:
        ordering = ["publicity", "seq"]
        constraints = [models.UniqueConstraint(fields=["publicity", "seq"], name="publicity_entry_seq")]

    def __str__(self):
        return f"{self.name}（{self.unit_name}）"


class Objection(models.Model):
    """异议: against one person on a list, filed during its period under a real name and an SMS-verified phone."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "待受理"
        ACCEPTED = "accepted", "已受理，调查核实中"
        REJECTED = "rejected", "不予受理"
        UPHELD = "upheld", "维持评审结果"
        REVOKED = "revoked", "撤销评审结果"

    OPEN = (Status.SUBMITTED, Status.ACCEPTED)

    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="objections")
    name = models.CharField("异议人姓名", max_length=50)
    phone = EncryptedCharField("联系电话", max_length=11)
    phone_bidx = BlindIndexField(source="phone")
    text = models.TextField("异议内容", max_length=2000)
    status = models.CharField("办理状态", max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    reason = models.CharField("受理意见", max_length=500, blank=True)  # 受理 / 不予受理 with its reason
    finding = models.TextField("核查结论", max_length=2000, blank=True)  # 维持 / 撤销 with the finding
    token = models.CharField(max_length=30, unique=True, default=_token)  # the objector's receipt URL
    created_at = models.DateTimeField("提交时间", default=timezone.now)
    decided_at = models.DateTimeField("办结时间", null=True, blank=True)

    objects = PersonalDataQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = verbose_name_plural = "异议"
        indexes = [models.Index(fields=["entry", "status"], name="objection_entry_status")]

    def __str__(self):
        return f"异议#{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN
