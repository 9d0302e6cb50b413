"""The flow log (流程): the history of every record and application, below the apps that write it.

Records (dossier), decisions (review) and applications all append here, so the table sits in core. A row keeps
its Chinese label (`action_label`): the history renders without knowing who wrote it, and a new action is a new
string, never a migration.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone


class FlowEntry(models.Model):
    """One step in the flow of a record or an application: who, in which role, when, what, why.

    Append-only; written only by the services that perform the step (core.flow.flow_write), in the same
    transaction. `stage` names the review stage that acted (review/stages.toml), empty for the owner's steps."""

    subject_type = models.CharField(max_length=16)  # "record" | "application"
    subject_id = models.BigIntegerField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField("操作人", max_length=100)
    role = models.CharField("角色", max_length=32)
    stage = models.CharField("流程环节", max_length=40, blank=True)
    action = models.CharField("操作", max_length=40)
    action_label = models.CharField("操作名称", max_length=40)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    opinion = models.TextField("意见", blank=True)
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "at"], name="flow_subject")]
        verbose_name = verbose_name_plural = "流程记录"

    def __str__(self):
        return f"{self.action_label} · {self.actor_name}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("the flow log is append-only")
        super().save(*args, **kwargs)


def flow_file_path(instance, filename):
    # Random names; the original name is kept in the row, never in the path.
    return f"flow/{timezone.now():%Y/%m}/{secrets.token_hex(16)}"


class FlowAttachment(models.Model):
    """A file attached to a decision (公示证明, 推荐意见, a return's annotated page). Written with its entry."""

    entry = models.ForeignKey(FlowEntry, on_delete=models.PROTECT, related_name="attachments")
    label = models.CharField("附件类型", max_length=30)
    file = models.FileField(upload_to=flow_file_path, max_length=200)
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)

    class Meta:
        ordering = ["pk"]

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
