"""The flow log (流程): the history of every record and application, below the apps that write it.

Records (dossier), decisions (review) and applications all append here, so the table sits in core. A row keeps
its Chinese label (`action_label`): the history renders without knowing who wrote it, and a new action is a new
string, never a migration.
"""

import datetime
import hashlib
import json
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from .masking import mask_id_number


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


AUDIT_GENESIS = "0" * 64

# Event names and what people read. The second factor's names are for the TOTP sign-in step.
AUDIT_EVENTS = {
    "login": "登录",
    "login_failed": "登录失败",
    "lockout": "账号锁定",
    "logout": "退出",
    "idle_timeout": "超时退出",
    "password_change": "修改密码",
    "password_reset": "找回密码",
    "password_expired": "密码过期",
    "register": "注册",
    "registration_approved": "注册审核通过",
    "registration_rejected": "注册审核不通过",
    "unit_register": "单位注册",
    "first_bureau_account": "首个人社局账号",
    "otp_enrol": "绑定二次验证",
    "otp_verify": "二次验证",
    "otp_failed": "二次验证失败",
    "otp_recovery": "使用恢复码",
    "otp_reset": "重置二次验证",
    "sms_factor_on": "开启短信二次验证",
    "sms_factor_off": "关闭短信二次验证",
    "id_number_viewed": "查看完整身份证号",
    "download": "下载/导出",
    "export": "导出列表",
    "decision": "审核决定",
    "role_granted": "授予角色",
    "role_revoked": "撤销角色",
    "config_changed": "配置变更",
    "account_disabled": "停用账号",
    "audit_viewed": "查看审计日志",
    "audit_purged": "清理审计日志",
}



def audit_canonical(*, at, user_id, username, role, ip, event, object, outcome, prev_hash) -> bytes:  # noqa: A002
    """The bytes a row's hash is taken over: its fields as a JSON array in a fixed order, the time in UTC with
    microseconds. Changing this function invalidates every stored hash: never change it, add a version."""
    values = [at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"), user_id, username or "", role or "",
              ip or "", event, object or "", outcome or "", prev_hash]
    return json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode()


def audit_hash(**fields) -> str:
    return hashlib.sha256(audit_canonical(**fields)).hexdigest()


# What people read for the usual outcomes; others (a decision's key, a count) are shown as written.
AUDIT_OUTCOMES = {"success": "成功", "failure": "失败", "locked": "锁定", "approved": "通过", "rejected": "驳回",
                  "forced_change": "须修改密码", "created": "新增", "changed": "修改", "deleted": "删除"}


class AuditQuerySet(models.QuerySet):
    """Append-only in the ORM; the database role refuses UPDATE and DELETE too (manage.py audit_grants)."""

    def update(self, **kwargs):
        raise PermissionError("the audit log is append-only")

    def delete(self):
        raise PermissionError("the audit log is append-only")

    def bulk_create(self, *args, **kwargs):
        raise PermissionError("audit rows are written one by one through core.audit.record")


class AuditEvent(models.Model):
    """One row of the audit log (审计日志): who, in which role, from where, did what to which object, with what
    outcome, at which UTC time. Rows form a SHA-256 chain: each stores the previous row's hash and its own over
    `audit_canonical`, so an altered or deleted row breaks the chain (manage.py audit_verify).

    Written only by core.audit.record. The user is kept without a foreign-key constraint (and the account name
    beside it) so that nothing about a person ever has to update an audit row."""

    at = models.DateTimeField("时间(UTC)", db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING,
                             db_constraint=False, related_name="+")
    username = models.CharField("账号", max_length=64, blank=True)
    role = models.CharField("角色", max_length=64, blank=True)
    ip = models.GenericIPAddressField("IP", null=True, blank=True)
    event = models.CharField("事件", max_length=32)
    object = models.CharField("对象", max_length=1000, blank=True)
    outcome = models.CharField("结果", max_length=16, default="success")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = verbose_name_plural = "审计日志"

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.event} {self.username}"

    def save(self, *args, **kwargs):
        if self.pk is not None or not self.hash:
            raise PermissionError("the audit log is append-only: write through core.audit.record")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("the audit log is append-only")

    @property
    def event_label(self) -> str:
        return AUDIT_EVENTS.get(self.event, self.event)

    @property
    def outcome_label(self) -> str:
        return AUDIT_OUTCOMES.get(self.outcome, self.outcome)

    @property
    def masked_username(self) -> str:
        """A person's account name is a handle, never the number; rows written before it was hold the number:
        masked wherever the log is read."""
        return mask_id_number(self.username) if len(self.username) == 18 else self.username

    def canonical_fields(self) -> dict:
        return {"at": self.at, "user_id": self.user_id, "username": self.username, "role": self.role,
                "ip": self._meta.get_field("ip").get_prep_value(self.ip), "event": self.event,
                "object": self.object, "outcome": self.outcome, "prev_hash": self.prev_hash}

    def computed_hash(self) -> str:
        return audit_hash(**self.canonical_fields())
