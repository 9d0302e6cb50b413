"""Committees, review plans and title applications (SPEC §4)."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from core.fields import PersonalJSONField
from review.stages import stages

from .sections import title_name


class Committee(models.Model):
    """评委会: reviews one series at some levels, owned by an HR bureau."""

    name = models.CharField("评委会名称", max_length=100)
    series = models.CharField("评审系列", max_length=30)
    levels = models.JSONField("评审级别", default=list)
    bureau = models.ForeignKey("orgs.Unit", verbose_name="组建单位", on_delete=models.PROTECT,
                               related_name="committees")
    created_at = models.DateTimeField(auto_now_add=True)
    # 停用: no new plan may name it; 归档: kept (plans refer to it) but out of the bureau's working lists.
    closed_at = models.DateTimeField("停用时间", null=True, blank=True)
    archived_at = models.DateTimeField("归档时间", null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = verbose_name_plural = "评委会"

    def __str__(self):
        return self.name

    @property
    def state_label(self) -> str:
        return "已归档" if self.archived_at else "已停用" if self.closed_at else "启用"


class Plan(models.Model):
    """评审计划: what may be applied for, when, through which review chain, on which conditions."""

    # The review stages a plan may name (review/stages.toml `plan_key`), in their order.
    CHAIN_NODES = [("unit", "用人单位"), ("department", "主管部门"), ("bureau", "人社部门"), ("committee", "评委会")]
    FORMS = ["常规申报", "破格申报", "转系列"]
    # Shares as the rules name them; the share of the attending experts whose 同意 passes an application ("以上"
    # includes the bound).
    SHARE_NAMES = {"2/3": "三分之二", "1/2": "二分之一", "3/4": "四分之三"}
    PASS_SHARES = [(share, f"出席专家的{name}以上") for share, name in SHARE_NAMES.items()]

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
    # Seeds 000/001: a plan may require a 查重 report on every paper an application cites.
    papers_need_plagiarism = models.BooleanField("论文须附查重报告", default=False,
                                                 help_text="勾选后，申报所列论文须在业绩库中上传查重报告")
    # 结果公示 (publicity/): the bureau confirms a result of this plan only once it was on a finished list with no
    # open objection; unticked, a result on no list may be confirmed (one on a list still waits for its period).
    publicity_required = models.BooleanField("需结果公示", default=True,
                                             help_text="勾选后，评审通过人员须经结果公示期满且无未办结异议方可确认发证")
    pass_share = models.CharField("表决通过比例", max_length=5, choices=PASS_SHARES, default="2/3")
    created_at = models.DateTimeField(auto_now_add=True)
    # 提前截止 (reopened before closes_on by clearing it) and 归档 (kept because applications refer to it).
    closed_at = models.DateTimeField("提前截止时间", null=True, blank=True)
    archived_at = models.DateTimeField("归档时间", null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = verbose_name_plural = "评审计划"

    def __str__(self):
        return self.name

    @classmethod
    def open_on(cls, today=None):
        """The plans taking applications on `today`: within their dates, not closed early, not archived."""
        today = today or timezone.localdate()
        return cls.objects.filter(opens_on__lte=today, closes_on__gte=today, closed_at__isnull=True,
                                  archived_at__isnull=True)

    def is_open(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.opens_on <= today <= self.closes_on and self.closed_at is None and self.archived_at is None

    @property
    def chain_labels(self) -> list[str]:
        """The chain as its Chinese node names (用人单位 → 主管部门 → …), for people; `chain` holds the keys."""
        names = dict(self.CHAIN_NODES)
        return [names.get(key, key) for key in self.chain]

    @property
    def state_label(self) -> str:
        if self.archived_at:
            return "已归档"
        if self.closed_at:
            return "已提前截止"
        today = timezone.localdate()
        return "未开始" if today < self.opens_on else "已截止" if today > self.closes_on else "申报中"


class Application(models.Model):
    """One person's application against one plan. Its sections live in `data` while it is edited; submission
    freezes `snapshot`, which every review and print reads from then on.

    Filed, it travels the stages of its plan's review chain (review/stages.toml, applications.chain): `status`
    is its one lifecycle, `stage` the one stage it waits at (empty when it waits at none). `claimed_by` is the
    clerk holding it at that stage: a work assignment, released whenever it moves, not lifecycle state. What a
    desk has seen of it comes from its decision rows (review.Decision), not from flags."""

    class Status(models.TextChoices):
        DRAFT = "draft", "填报中"
        SUBMITTED = "submitted", "审核中"
        RETURNED = "returned", "退回修改"
        TERMINATED = "terminated", "终止"
        ACCEPTED = "accepted", "评审中"
        PASSED = "passed", "评审通过"
        FAILED = "failed", "评审未通过"
        CONFIRMED = "confirmed", "已确认"

    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="applications")
    unit = models.ForeignKey("orgs.Unit", null=True, on_delete=models.PROTECT, related_name="applications")
    status = FSMField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT)
    stage = models.CharField("流程环节", max_length=40, blank=True)
    claimed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="领取人")
    series = models.CharField("申报专业技术系列", max_length=30)
    level = models.CharField("申报专业技术级别", max_length=10)
    form = models.CharField("申报形式", max_length=20, default="常规申报")
    data = models.JSONField(default=dict)
    snapshot = PersonalJSONField(null=True, blank=True,
                                 encrypted_paths=[["account", "id_number"], ["account", "phone"]])
    submitted_at = models.DateTimeField("申报日期", null=True, blank=True)
    node_since = models.DateTimeField("到达环节时间", null=True, blank=True)
    # 单位推荐: publicity period, opinion, vacancy statement (applications.chain_parts.RecommendationPart).
    recommendation = models.JSONField("单位推荐意见", null=True, blank=True)
    vacancy_level = models.CharField("占用岗位空缺", max_length=16, blank=True)
    certificate_no = models.CharField("证书编号", max_length=40, blank=True)
    committee_accepted_at = models.DateField("评委会接收日期", null=True, blank=True)
    result_at = models.DateTimeField("评审结果录入时间", null=True, blank=True)
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "职称申报"
        constraints = [
            # One application per person and plan, whatever the double-clicks and parallel requests.
            models.UniqueConstraint(fields=["applicant", "plan"], name="application_one_per_plan"),
            models.UniqueConstraint(fields=["certificate_no"], condition=~models.Q(certificate_no=""),
                                    name="application_certificate_unique"),
        ]
        indexes = [
            models.Index(fields=["unit", "status", "submitted_at"], name="application_unit_queue"),
            models.Index(fields=["stage", "status", "submitted_at"], name="application_stage_queue"),
        ]

    def __str__(self):
        return f"{self.applicant} · {self.plan}"

    @property
    def editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)

    @property
    def filed(self) -> bool:
        return self.status != self.Status.DRAFT

    @property
    def filed_title_name(self) -> str | None:
        """申报专业技术资格名称 as filed: the name chosen, or the one typed beside 其他."""
        return title_name((self.snapshot or {}).get("sections", {}).get("basic", {}).get("values", {}))

    @property
    def stage_label(self) -> str:
        """流程节点 as the lists show it: where its stage says it waits, else with the applicant or done."""
        stage = stages().stages.get(self.stage)
        if stage is not None:
            return stage.place
        return "申报人" if self.editable else "已办结"

    # The transitions, declared once; applications.services (submit) and the review engine (every decision of
    # review/stages.toml) call them after their checks, inside the transaction that writes the flow entry.
    @transition(field=status, source=[Status.DRAFT, Status.RETURNED], target=Status.SUBMITTED)
    def submit(self):
        """Filed (again): the chain starts at its first node."""

    @transition(field=status, source=Status.SUBMITTED, target=Status.SUBMITTED)
    def forward(self):
        """通过 at a review stage followed by another: on to it."""

    @transition(field=status, source=Status.SUBMITTED, target=Status.RETURNED)
    def send_back(self):
        """退回 at any stage: back to the applicant, who edits and files again."""

    @transition(field=status, source=Status.SUBMITTED, target=Status.TERMINATED)
    def terminate(self):
        """终止 by the unit: no further application by that person this year."""

    @transition(field=status, source=Status.SUBMITTED, target=Status.ACCEPTED)
    def accept(self):
        """评委会接收 with its date, or the last review stage's 通过 when the plan leaves the committee office's
        stage out (a filing with no review stage at all, too): accepted that day."""
        self.committee_accepted_at = self.committee_accepted_at or timezone.localdate()

    @transition(field=status, source=Status.ACCEPTED, target=Status.PASSED)
    def record_pass(self):
        """The committee's result: 通过."""
        self.result_at = timezone.now()

    @transition(field=status, source=Status.ACCEPTED, target=Status.FAILED)
    def record_fail(self):
        """The committee's result: 不通过."""
        self.result_at = timezone.now()

    @transition(field=status, source=Status.PASSED, target=Status.FAILED)
    def revoke_result(self):
        """A passed result revoked before confirmation (an objection upheld during its publicity): 不通过."""

    @transition(field=status, source=Status.PASSED, target=Status.CONFIRMED)
    def confirm(self):
        """The HR bureau confirms a passed result; the certificate number is issued in the same step."""
        self.confirmed_at = timezone.now()


class Delegation(models.Model):
    """委托: a unit hands its review node for one plan to another organisation, whose admins then see and decide
    those applications instead of the unit's."""

    unit = models.ForeignKey("orgs.Unit", on_delete=models.CASCADE, related_name="delegations_given")
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="delegations")
    delegate = models.ForeignKey("orgs.Unit", verbose_name="受托单位", on_delete=models.PROTECT,
                                 related_name="delegations_taken")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "委托"
        constraints = [models.UniqueConstraint(fields=["unit", "plan"], name="delegation_one_per_plan")]


class CertificateSequence(models.Model):
    """The last number issued within one certificate-number prefix (year, region, series, level as the format
    names them). Incremented by an UPDATE inside the confirming transaction: no duplicates, no gaps."""

    key = models.CharField(max_length=100, unique=True)
    last = models.PositiveIntegerField(default=0)


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
    """A print (简表 PDF, 评审表 PDF/Excel) of a submitted application's snapshot: queued when first asked for,
    generated by a task (applications.print_jobs), then kept and served."""

    class State(models.TextChoices):
        PENDING = "pending", "生成中"
        READY = "ready", "已生成"
        FAILED = "failed", "生成失败"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="prints")
    kind = models.CharField(max_length=20)  # brief_pdf | review_pdf | review_xlsx | result_pdf | result_xlsx
    snapshot_hash = models.CharField(max_length=64)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempt = models.PositiveIntegerField(default=1)  # each generation run has its own: an overtaken run writes nothing
    message = models.CharField(max_length=300, blank=True)  # why it failed, for the person who asked
    file = models.FileField(upload_to="prints/%Y/%m/", max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "kind", "snapshot_hash"], name="print_unique")]


class Defence(models.Model):
    """答辩安排: when and where an accepted application is defended, imported by the committee office
    (applications.defences); the applicant sees it on the application page and prints the 答辩通知单."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="defence")
    group = models.CharField("学科组", max_length=30)
    starts_at = models.DateTimeField("答辩时间")
    place = models.CharField("答辩地点", max_length=100)
    seq = models.PositiveSmallIntegerField("答辩序号")
    notes = models.CharField("备注", max_length=200, blank=True)
    arranged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    arranged_at = models.DateTimeField("导入时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "答辩安排"

    def __str__(self):
        return f"{self.application} · {self.starts_at:%Y-%m-%d %H:%M}"
