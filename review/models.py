from django.conf import settings
from django.db import models
from django.utils import timezone


class FlowEntry(models.Model):
    """One step in the flow (流程) of a record or an application: who, in which role, when, what, why.

    Append-only; written only by the services that perform the step, in the same transaction.
    """

    class Action(models.TextChoices):
        CREATE = "create", "新增"
        SAVE = "save", "保存"
        SUBMIT = "submit", "提交"
        APPROVE = "approve", "通过"
        RETURN = "return", "退回"
        TERMINATE = "terminate", "终止"
        WITHDRAW_REQUEST = "withdraw_request", "申请撤回"
        WITHDRAW_GRANT = "withdraw_grant", "同意撤回"
        WITHDRAW_REFUSE = "withdraw_refuse", "不同意撤回"
        IMPORT = "import", "平台提取"
        ADJUST = "adjust", "调整"
        EXCEL_IMPORT = "excel_import", "模板导入"
        CLAIM = "claim", "领取"
        ACCEPT = "accept", "评委会接收"
        RESULT_PASS = "result_pass", "评审通过"
        RESULT_FAIL = "result_fail", "评审未通过"
        CONFIRM = "confirm", "确认发证"
        DEFENCE = "defence", "答辩安排"
        DELEGATE = "delegate", "委托"
        DELEGATE_CANCEL = "delegate_cancel", "取消委托"

    subject_type = models.CharField(max_length=16)  # "record" | "application"
    subject_id = models.BigIntegerField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField("操作人", max_length=100)
    role = models.CharField("角色", max_length=32)
    node = models.CharField("流程节点", max_length=16, blank=True)  # applications: the chain node that acted
    action = models.CharField("操作", max_length=20, choices=Action.choices)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    opinion = models.TextField("意见", blank=True)
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "at"], name="flow_subject")]
        verbose_name = verbose_name_plural = "流程记录"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("the flow log is append-only")
        super().save(*args, **kwargs)


def flow_file_path(instance, filename):
    import secrets

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
