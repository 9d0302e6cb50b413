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

    subject_type = models.CharField(max_length=16)  # "record"; "application" later
    subject_id = models.BigIntegerField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField("操作人", max_length=100)
    role = models.CharField("角色", max_length=32)
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
