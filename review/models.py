"""Decisions: one row per decision taken at a review stage (review/stages.toml) on a record or an application."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Decision(models.Model):
    """Who decided what at which stage, with the typed facts the decision carried (the committee's counts as
    integers, the unit's recommendation, the vacancy it took, the acceptance date, the sections to correct).

    Written by review.engine.decide only, in the transaction that moves the subject and writes its flow entry
    (`entry`, one-to-one): the history people read is the flow, the numbers anyone may query are here (a pass
    rate is one query on (stage, decision)). An application's decision names the hash of the snapshot it was
    made against (applications.services.snapshot_hash)."""

    subject_type = models.CharField(max_length=16)  # "record" | "application"
    subject_id = models.BigIntegerField()
    stage = models.CharField("环节", max_length=40)
    decision = models.CharField("决定", max_length=40)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    role = models.CharField("角色", max_length=24)  # accounts.Role value the actor decided in
    at = models.DateTimeField("时间", default=timezone.now)
    opinion = models.TextField("意见", blank=True)
    entry = models.OneToOneField("core.FlowEntry", on_delete=models.PROTECT, related_name="decision")
    snapshot_hash = models.CharField(max_length=64, blank=True)
    # 表决情况 (committee_result): null when the decision was not a counted vote.
    members = models.PositiveSmallIntegerField("应到", null=True, blank=True)
    attending = models.PositiveSmallIntegerField("实到", null=True, blank=True)
    agree = models.PositiveSmallIntegerField("同意", null=True, blank=True)
    disagree = models.PositiveSmallIntegerField("不同意", null=True, blank=True)
    abstain = models.PositiveSmallIntegerField("弃权", null=True, blank=True)
    recommendation = models.JSONField("单位推荐意见", null=True, blank=True)
    vacancy_level = models.CharField("占用岗位空缺", max_length=16, blank=True)
    accepted_on = models.DateField("接收日期", null=True, blank=True)
    return_sections = models.JSONField("需修改的栏目", default=list, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = verbose_name_plural = "审核决定"
        indexes = [
            models.Index(fields=["subject_type", "subject_id", "stage"], name="decision_subject_stage"),
            models.Index(fields=["stage", "decision"], name="decision_stage_outcome"),
        ]

    def __str__(self):
        return f"{self.subject_type}#{self.subject_id} · {self.stage} · {self.decision}"
