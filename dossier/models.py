"""Records of every type live in one table: `kind` names the catalogue entry, `data` holds its fields.

One indexed query answers "this person's records of type T with status S" (owner, kind, status) and "this
unit's pending records" (unit, status, submitted_at).
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from core.fields import BlindIndexField, EncryptedCharField, PersonalDataQuerySet

from . import rules as record_rules
from .catalogue import catalogue


class Status(models.TextChoices):
    DRAFT = "draft", "编辑中"
    PENDING = "pending", "审核中"
    APPROVED = "approved", "审核通过"
    RETURNED = "returned", "退回"
    TERMINATED = "terminated", "终止"


class Source(models.TextChoices):
    USER = "user", "用户申报"
    AUTO = "auto", "自动生成"


class Record(models.Model):
    # No single-column indexes on the keys: the composite indexes below lead with them and serve their lookups
    # (an index fewer for every record written, which a 10,000-row import feels).
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="records",
                              db_index=False)
    unit = models.ForeignKey(
        "orgs.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="records", db_index=False,
        help_text="the unit that reviews this record: the owner's unit when last submitted",
    )
    kind = models.CharField("业绩类型", max_length=40)
    status = FSMField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT)
    data = models.JSONField("内容", default=dict)
    title = models.CharField("业绩名称", max_length=200, blank=True)
    search_text = models.TextField(blank=True, help_text="lower-cased values of the type's search fields")
    source = models.CharField("来源", max_length=8, choices=Source.choices, default=Source.USER)
    # NULL, not "": the unique constraint below holds only among records that have a key.
    external_key = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001
    submitted_at = models.DateTimeField("申报日期", null=True, blank=True)
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        verbose_name = verbose_name_plural = "业绩记录"
        indexes = [
            models.Index(fields=["owner", "kind", "status"], name="record_owner_kind_status"),
            models.Index(fields=["unit", "status", "submitted_at"], name="record_unit_queue"),
            # A review queue's order (newest submission, then id) is the index order itself: a page is the next
            # rows of the index whatever plan the database picks, even one made without the cursor's values.
            models.Index(fields=["unit", "kind", "status", "submitted_at", "id"], name="record_unit_kind_queue"),
            models.Index(fields=["unit", "kind", "submitted_at", "id"], name="record_unit_kind_time"),
        ]
        constraints = [
            # Only imported rows have a key: the index holds them alone.
            models.UniqueConstraint(fields=["owner", "external_key"], condition=models.Q(external_key__isnull=False),
                                    name="record_external_key_unique"),
        ]

    def __str__(self):
        return self.title or f"{self.kind}#{self.pk}"

    @property
    def editable(self) -> bool:
        return self.status in (Status.DRAFT, Status.RETURNED)

    # The lifecycle, declared once (docs/lifecycle.md has the same table). dossier.services calls the owner's,
    # the review engine (review/stages.toml: record_unit, record_withdrawal) the unit's.
    @transition(field=status, source=[Status.DRAFT, Status.RETURNED], target=Status.PENDING,
                permission=record_rules.may_submit)
    def submit(self):
        pass

    @transition(field=status, source=Status.PENDING, target=Status.APPROVED, permission=record_rules.may_review)
    def approve(self):
        self.decided_at = timezone.now()

    @transition(field=status, source=Status.PENDING, target=Status.RETURNED, permission=record_rules.may_review)
    def return_(self):
        self.decided_at = timezone.now()

    @transition(field=status, source=Status.PENDING, target=Status.TERMINATED, permission=record_rules.may_review)
    def terminate(self):
        self.decided_at = timezone.now()

    @transition(field=status, source=Status.APPROVED, target=Status.DRAFT, permission=record_rules.may_review)
    def reopen(self):
        """A granted withdrawal: the record goes back to its owner for editing and resubmission."""


def evidence_path(instance, filename):
    # Random names outside static files; the original name is kept in the row, never in the path.
    return f"evidence/{timezone.now():%Y/%m}/{secrets.token_hex(16)}"


class RecordItem(models.Model):
    """A row of a record's child list (a 病案 of a 专题, a 参考文献 of a 综述), in the owner's order."""

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="items")
    list_key = models.CharField(max_length=30)
    position = models.PositiveIntegerField()
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["list_key", "position", "pk"]
        indexes = [models.Index(fields=["record", "list_key", "position"], name="record_item_order")]


class Evidence(models.Model):
    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="evidence")
    slot = models.CharField("材料类型", max_length=30, default="evidence")
    item = models.ForeignKey(RecordItem, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_path, max_length=200)
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小")
    content_type = models.CharField(max_length=100)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = verbose_name_plural = "佐证材料"

    @property
    def slot_label(self) -> str:
        """The catalogue's label of this file's slot (查重文档附件, 纸质扫描版…)."""
        try:
            return catalogue().kind(self.record.kind).slot(self.slot).label
        except (KeyError, StopIteration):
            return self.slot

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def is_pdf(self) -> bool:
        return self.content_type == "application/pdf"


class Withdrawal(models.Model):
    """An owner's request to withdraw (撤回) an approved record; the unit grants or refuses it."""

    class State(models.TextChoices):
        PENDING = "pending", "待处理"
        GRANTED = "granted", "同意"
        REFUSED = "refused", "不同意"

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="withdrawals")
    unit = models.ForeignKey("orgs.Unit", null=True, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField("撤回原因", max_length=500, blank=True)
    state = models.CharField("处理情况", max_length=8, choices=State.choices, default=State.PENDING)
    requested_at = models.DateTimeField("申请时间", default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    opinion = models.CharField("处理意见", max_length=500, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = verbose_name_plural = "撤回申请"
        indexes = [models.Index(fields=["unit", "state", "requested_at"], name="withdrawal_unit_queue")]
        constraints = [
            models.UniqueConstraint(
                fields=["record"], condition=models.Q(state="pending"), name="withdrawal_one_pending"
            ),
        ]


class ContinuingEducationFeed(models.Model):
    """Hours received from the continuing-education platform, keyed by ID number, before and after they are
    pulled (提取) into a person's dossier as 自动生成 records."""

    id_number = EncryptedCharField(max_length=18)
    id_number_bidx = BlindIndexField(source="id_number", db_index=True)
    external_key = models.CharField(max_length=100, unique=True)
    data = models.JSONField()
    received_at = models.DateTimeField(default=timezone.now)

    objects = PersonalDataQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "继续教育平台学时"


class RecordCounter(models.Model):
    """How many records of a kind in a status a unit has: the unit's menu and tab counts read these rows
    instead of counting a large unit's records on every page. Maintained by dossier.services in the same
    transaction as each change; `manage.py recount_records` rebuilds them."""

    # The composite indexes below lead with the unit: a third index on it alone would only cost writes.
    unit = models.ForeignKey("orgs.Unit", on_delete=models.CASCADE, related_name="+", db_index=False)
    kind = models.CharField(max_length=40)
    status = models.CharField(max_length=16, choices=Status.choices)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "kind", "status"], name="record_counter_unique")]
        # A unit's counts (every review page reads them) from the index alone, without visiting the table rows.
        indexes = [models.Index(fields=["unit", "kind", "status", "n"], name="record_counter_cover")]


class ImportJob(models.Model):
    """One Excel import: the uploaded file, its validation result and its progress. Large files are
    validated and imported by a background task; the page polls this row, so a reload loses nothing."""

    class State(models.TextChoices):
        VALIDATING = "validating", "校验中"
        READY = "ready", "校验通过"
        INVALID = "invalid", "有错误"
        IMPORTING = "importing", "导入中"
        DONE = "done", "已导入"
        FAILED = "failed", "导入失败"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40)
    record = models.ForeignKey(Record, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    child_key = models.CharField(max_length=30, blank=True)
    file = models.FileField(upload_to="imports/%Y/%m/", max_length=200, blank=True)  # only while a worker needs it
    file_name = models.CharField(max_length=200)
    state = models.CharField(max_length=12, choices=State.choices, default=State.VALIDATING)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list)  # [{"line": 3, "column": "入院日期", "message": "..."}] or file-level
    rows = models.JSONField(default=list)  # validated values (a record import: the first rows, for the preview)
    # A record import ready for 正式导入: its rows as written, one JSON document per line (import_batches).
    batches = models.TextField(blank=True)
    message = models.CharField(max_length=300, blank=True)
    # Which run owns the job: each 正式导入 and each expiry takes the next number, so a run overtaken by them
    # (a worker thought dead) finds its number gone and writes nothing.
    attempt = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)  # also the running job's heartbeat (progress writes set it)

    @property
    def retryable(self) -> bool:
        """导入失败 (or interrupted) with its validated rows still kept: 正式导入 may be run again."""
        return self.state == self.State.FAILED and not self.errors and bool(self.batches or self.rows)

    @property
    def percent(self) -> int:
        return int(self.processed * 100 / self.total) if self.total else 0
