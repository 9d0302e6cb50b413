"""The committee's expert pool (专家库), the panels drawn from it for a meeting, the exclusions (回避) computed
for each panel member and application, the experts' commitments, scores and secret ballot (docs/experts.md).

Ballot secrecy: who voted is a `BallotMark` (draw, application, expert); what was voted is a `Vote` (draw,
application, choice) with a random primary key and no time, written in the same transaction. Nothing joins a
vote to its voter: no foreign key, no shared sequence, no timestamp."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class Expert(models.Model):
    """A registered person in a committee's pool, for a term of at most three years (FORMS-AND-RULES §5)."""

    class Status(models.TextChoices):
        ACTIVE = "active", "在库"
        PAUSED = "paused", "暂停"
        OUT = "out", "出库"

    LEVELS = [("正高", "正高"), ("副高", "副高")]

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="expert_terms")
    committee = models.ForeignKey("applications.Committee", verbose_name="评委会", on_delete=models.PROTECT,
                                  related_name="experts")
    series = models.CharField("评审系列", max_length=30)
    specialty = models.CharField("专业/学科组", max_length=50)
    level = models.CharField("职称级别", max_length=10, choices=LEVELS)
    region = models.CharField("属地", max_length=50, blank=True)
    unit = models.ForeignKey("orgs.Unit", verbose_name="工作单位", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    term_start = models.DateField("聘期开始")
    term_end = models.DateField("聘期结束")
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "评审专家"
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["committee", "person"], name="expert_once_per_committee")]

    def __str__(self):
        return f"{self.person.name}（{self.committee.name}）"


class Draw(models.Model):
    """A panel (评审组) drawn for a plan and a 学科组: `random.Random(seed)` over `snapshot` (the eligible pool,
    sorted by id) picks `size` members and `reserves` reserves, so anyone can repeat it (experts.draws.repeat).
    The meeting closes when the office closes the ballot; the panel's access ends then."""

    plan = models.ForeignKey("applications.Plan", verbose_name="评审计划", on_delete=models.PROTECT,
                             related_name="draws")
    group = models.CharField("学科组", max_length=50)
    size = models.PositiveSmallIntegerField("评审组人数")
    reserves = models.PositiveSmallIntegerField("候补人数", default=0)
    seed = models.BigIntegerField("随机种子")
    snapshot = models.JSONField("专家库快照", default=list)  # [{id, name, unit}] sorted by id
    application_ids = models.JSONField("评审的申报", default=list)
    meeting_on = models.DateField("评审会日期")
    drawn_at = models.DateTimeField("抽取时间", default=timezone.now)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField("表决结束时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "专家抽取"
        ordering = ["-drawn_at", "-pk"]

    def __str__(self):
        return f"{self.plan.name} · {self.group}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Assignment(models.Model):
    """One drawn expert on a panel: a member, or a reserve (in drawn order) until a member declines."""

    draw = models.ForeignKey(Draw, on_delete=models.CASCADE, related_name="assignments")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="assignments")
    position = models.PositiveSmallIntegerField("抽取顺序")
    reserve = models.BooleanField("候补", default=False)
    replaces = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    declined_at = models.DateTimeField("谢绝时间", null=True, blank=True)
    declined_reason = models.CharField("谢绝原因", max_length=200, blank=True)
    committed_at = models.DateTimeField("承诺时间", null=True, blank=True)

    class Meta:
        ordering = ["draw", "position"]
        constraints = [models.UniqueConstraint(fields=["draw", "expert"], name="assignment_once_per_draw")]

    @property
    def serving(self) -> bool:
        return not self.reserve and self.declined_at is None


class Exclusion(models.Model):
    """回避: an expert excluded from one application, with its ground. Computed ones come from verified history
    (experts.recusal); an override by the office needs a reason and is written to the application's flow."""

    class Ground(models.TextChoices):
        SELF = "self", "专家本人为申报人"
        UNIT = "unit", "与申报人同一现工作单位"
        WORK = "work", "工作经历重叠（单位审核通过）"
        COAUTHOR = "coauthor", "共同完成的业绩（审核通过）"
        KIN = "kin", "亲属关系"
        MENTOR = "mentor", "师生关系"
        OTHER = "other", "其他利害关系"
        DECLARED = "declared", "专家本人申请回避"

    draw = models.ForeignKey(Draw, on_delete=models.CASCADE, related_name="exclusions")
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="exclusions")
    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="+")
    ground = models.CharField("回避事由", max_length=12, choices=Ground.choices)
    detail = models.CharField("依据", max_length=300, blank=True)
    overridden_at = models.DateTimeField("撤销回避时间", null=True, blank=True)
    overridden_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")
    override_reason = models.CharField("撤销回避理由", max_length=300, blank=True)

    class Meta:
        ordering = ["application", "expert", "ground"]
        constraints = [models.UniqueConstraint(fields=["draw", "expert", "application", "ground"],
                                               name="exclusion_unique")]

    @property
    def standing(self) -> bool:
        return self.overridden_at is None


class Relation(models.Model):
    """A declared relation between an expert (a person) and another person (亲属, 师生, 其他), entered by either."""

    class Kind(models.TextChoices):
        KIN = "kin", "亲属"
        MENTOR = "mentor", "师生"
        OTHER = "other", "其他"

    expert_person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("关系", max_length=8, choices=Kind.choices)
    note = models.CharField("说明", max_length=200, blank=True)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    declared_at = models.DateTimeField(default=timezone.now)


class Score(models.Model):
    """An expert's scoring sheet for one application: points per criterion (experts/criteria.toml) and an
    opinion."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="scores")
    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="+")
    points = models.JSONField("评分", default=dict)
    opinion = models.TextField("评审意见")
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assignment", "application"], name="score_once")]


class BallotMark(models.Model):
    """That an expert has voted on an application (never how)."""

    draw = models.ForeignKey(Draw, on_delete=models.CASCADE, related_name="marks")
    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="+")
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["draw", "application", "expert"], name="ballot_once")]


class Vote(models.Model):
    """A ballot's content, without its voter: a random key, no time, no sequence."""

    class Choice(models.TextChoices):
        AGREE = "agree", "同意"
        DISAGREE = "disagree", "不同意"
        ABSTAIN = "abstain", "弃权"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    draw = models.ForeignKey(Draw, on_delete=models.CASCADE, related_name="+")
    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="+")
    choice = models.CharField(max_length=8, choices=Choice.choices)


class Feedback(models.Model):
    """Anonymised feedback released to an applicant who failed: the experts' opinions without names, in random
    order (kept as released), or a summary typed by the office (settings.EXPERT_FEEDBACK)."""

    application = models.OneToOneField("applications.Application", on_delete=models.CASCADE,
                                       related_name="expert_feedback")
    draw = models.ForeignKey(Draw, on_delete=models.CASCADE, related_name="+")
    opinions = models.JSONField("评审意见", default=list)
    summary = models.TextField("意见摘要", blank=True)
    released_at = models.DateTimeField("发布时间", default=timezone.now)
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
