"""Committees, review plans and title applications (SPEC §4)."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import FSMField, transition


class Committee(models.Model):
    """评委会: reviews one series at some levels, owned by an HR bureau."""

    name = models.CharField("评委会名称", max_length=100)
    series = models.CharField("评审系列", max_length=30)
    levels = models.JSONField("评审级别", default=list)
    bureau = models.ForeignKey("orgs.Unit", verbose_name="组建单位", on_delete=models.PROTECT, related_name="committees")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "评委会"

    def __str__(self):
        return self.name


class Plan(models.Model):
    """评审计划: what may be applied for, when, through which review chain, on which conditions."""

    CHAIN_NODES = [("unit", "用人单位"), ("department", "主管部门"), ("bureau", "人社部门"), ("committee", "评委会")]
    FORMS = ["常规申报", "破格申报", "转系列"]

    year = models.PositiveSmallIntegerField("年度")
    name = models.CharField("计划名称", max_length=100)
    committee = models.ForeignKey(Committee, verbose_name="评委会", on_delete=models.PROTECT, related_name="plans")
    levels = models.JSONField("评审级别", default=list)
    opens_on = models.DateField("申报开始日期")
    closes_on = models.DateField("申报截止日期")
    series = models.JSONField("申报系列", default=list)
    specialties = models.JSONField("申报专业", default=list, blank=True, help_text="empty: any specialty")
    forms = models.JSONField("申报形式", default=list)
    chain = models.JSONField("审核流程", default=list, help_text="ordered node keys of CHAIN_NODES")
    # Eligibility parameters (pre-check).
    min_years = models.JSONField("任现职最低年限", default=dict, help_text="{level: years}, e.g. {\"副高\": 5}")
    ce_hours_per_year = models.PositiveIntegerField("每年继续教育学时", default=96)
    ce_hours_senior = models.PositiveIntegerField("高级职称持有人每年学时", default=144)
    ce_years = models.PositiveSmallIntegerField("继续教育年数", default=5)
    appraisal_years = models.PositiveSmallIntegerField("考核年数", default=5)
    appraisal_grades = models.JSONField("合格的考核等次", default=list)
    health_requires = models.JSONField("卫生系列须有的业绩", default=list, blank=True,
                                       help_text="dossier kinds of which the applicant needs an approved record")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = verbose_name_plural = "评审计划"

    def __str__(self):
        return self.name

    def is_open(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.opens_on <= today <= self.closes_on


class Application(models.Model):
    """One person's application against one plan. Its sections live in `data` while it is edited; submission
    freezes `snapshot`, which every review and print reads from then on."""

    class Status(models.TextChoices):
        DRAFT = "draft", "填报中"
        SUBMITTED = "submitted", "已提交"
        RETURNED = "returned", "退回修改"
        TERMINATED = "terminated", "终止"

    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="applications")
    unit = models.ForeignKey("orgs.Unit", null=True, on_delete=models.PROTECT, related_name="applications")
    status = FSMField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT)
    series = models.CharField("申报专业技术系列", max_length=30)
    level = models.CharField("申报专业技术级别", max_length=10)
    form = models.CharField("申报形式", max_length=20, default="常规申报")
    data = models.JSONField(default=dict)
    snapshot = models.JSONField(null=True, blank=True)
    submitted_at = models.DateTimeField("申报日期", null=True, blank=True)
    certificate_no = models.CharField("证书编号", max_length=40, blank=True)
    committee_accepted_at = models.DateField("评委会接收日期", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "职称申报"
        constraints = [
            # One application per person and plan, whatever the double-clicks and parallel requests.
            models.UniqueConstraint(fields=["applicant", "plan"], name="application_one_per_plan"),
        ]
        indexes = [models.Index(fields=["unit", "status", "submitted_at"], name="application_unit_queue")]

    def __str__(self):
        return f"{self.applicant} · {self.plan}"

    @property
    def editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)

    @transition(field=status, source=[Status.DRAFT, Status.RETURNED], target=Status.SUBMITTED)
    def submit(self):
        """Only applications.services.application_submit calls this, after the pre-check."""


def application_file_path(instance, filename):
    return f"applications/{timezone.now():%Y/%m}/{secrets.token_hex(16)}"


class ApplicationFile(models.Model):
    """An attachment of an application: a section slot (照片) or a row's file (学历证书). Files picked from the
    dossier are copied here, so later dossier edits never reach a filed application."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="files")
    section = models.CharField(max_length=30)
    slot = models.CharField(max_length=30)
    row_id = models.CharField(max_length=32, blank=True)
    file = models.FileField(upload_to=application_file_path, max_length=200)
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class Citation(models.Model):
    """A dossier record an application's row was filled from."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="citations")
    record = models.ForeignKey("dossier.Record", on_delete=models.PROTECT, related_name="citations")
    section = models.CharField(max_length=30)
    row_id = models.CharField(max_length=32)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "record", "section"], name="citation_unique")]


class PrintFile(models.Model):
    """A generated print (简表 PDF, 评审表 PDF/Excel) of a submitted application's snapshot."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="prints")
    kind = models.CharField(max_length=20)  # brief_pdf | review_pdf | review_xlsx
    snapshot_hash = models.CharField(max_length=64)
    file = models.FileField(upload_to="prints/%Y/%m/", max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "kind", "snapshot_hash"], name="print_unique")]
