from django.db import models
from django.db.models.functions import Lower

from core.fields import EncryptedCharField


class Region(models.Model):
    """An administrative division (GB/T 2260): province › city › district, keyed by its 6-digit code."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, "省"
        CITY = 2, "市"
        DISTRICT = 3, "区县"

    code = models.CharField("区划代码", max_length=6, primary_key=True)
    name = models.CharField("名称", max_length=64)
    level = models.PositiveSmallIntegerField("级别", choices=Level.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "行政区划"

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        parts, node = [], self
        while node is not None:
            if not parts or parts[-1] != node.name:
                parts.append(node.name)
            node = node.parent
        return " › ".join(reversed(parts))

    def ancestor_codes(self) -> list[str]:
        """Codes of this region and every region above it (a scope at any of them covers this one)."""
        codes = [self.code]
        if self.level >= self.Level.CITY:
            codes.append(self.code[:4] + "00")
        if self.level >= self.Level.DISTRICT or self.level == self.Level.CITY:
            codes.append(self.code[:2] + "0000")
        return list(dict.fromkeys(codes))


class Unit(models.Model):
    """An organisation: an employer (用人单位), a competent department (主管部门) or an HR bureau (人社部门)."""

    class Kind(models.TextChoices):
        UNIT = "unit", "用人单位"
        DEPARTMENT = "department", "主管部门"
        BUREAU = "bureau", "人社部门"

    class Nature(models.TextChoices):
        PUBLIC_INSTITUTION = "public_institution", "事业单位"
        ENTERPRISE = "enterprise", "企业"
        SOCIAL_ORGANISATION = "social_organisation", "社会组织"
        GOVERNMENT = "government", "机关"
        OTHER = "other", "其他"

    kind = models.CharField("类型", max_length=16, choices=Kind.choices, default=Kind.UNIT)
    name = models.CharField("单位名称", max_length=100)
    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True, null=True, blank=True)
    legal_rep_name = models.CharField("法定代表人姓名", max_length=50, blank=True)
    legal_rep_phone = EncryptedCharField("法定代表人电话", max_length=20, blank=True)
    legal_rep_id_number = EncryptedCharField("法定代表人身份证号码", max_length=18, blank=True)
    fax = models.CharField("传真号码", max_length=20, blank=True)
    address = models.CharField("单位通讯地址", max_length=200, blank=True)
    contact_name = models.CharField("单位联系人", max_length=50, blank=True)
    contact_phone = EncryptedCharField("手机号码", max_length=11, blank=True)
    nature = models.CharField("单位性质", max_length=32, choices=Nature.choices, default=Nature.ENTERPRISE)
    email = models.EmailField("电子邮箱", blank=True)
    region = models.ForeignKey(Region, verbose_name="属地", on_delete=models.PROTECT, related_name="units")
    department = models.ForeignKey(
        "self",
        verbose_name="主管部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subordinates",
        limit_choices_to={"kind": "department"},
    )
    # 管理设置 › 单位信息: detailed data, completed through 完善单位信息 (SPEC §5).
    industry_code = models.CharField("行业代码", max_length=20, blank=True)
    status = models.CharField("单位状态", max_length=10, default="active",
                              choices=[("active", "正常"), ("closed", "注销"), ("suspended", "停业")])
    economic_type = models.CharField("经济类型", max_length=40, blank=True)
    tax_number = models.CharField("税号", max_length=20, blank=True)
    licence_type = models.CharField("工商登记执照种类", max_length=40, blank=True)
    licence_number = models.CharField("工商登记执照号码", max_length=40, blank=True)
    licence_issued_on = models.DateField("发照日期", null=True, blank=True)
    licence_valid_until = models.DateField("有效期限", null=True, blank=True, help_text="不填表示长期")
    approval_number = models.CharField("批准文号", max_length=60, blank=True)
    approved_on = models.DateField("批准日期", null=True, blank=True)
    approved_by = models.CharField("批准成立单位", max_length=100, blank=True)
    builtin = models.BooleanField("内置单位", default=False, help_text="由人社部门创建、无本单位信用代码的单位账号")
    created_at = models.DateTimeField("注册时间", auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = verbose_name_plural = "单位"
        indexes = [models.Index(Lower("name"), name="unit_name_lower")]

    def __str__(self):
        return self.name

    @property
    def is_public_institution(self) -> bool:
        return self.nature == self.Nature.PUBLIC_INSTITUTION


class PostQuota(models.Model):
    """岗位核准信息 of a public institution for one year: approved vacancies per level (None = 不限).

    Confirmed (确认) quotas are immutable; recommendations take vacancies through orgs.services.post_quota_take.
    """

    LEVELS = [("senior", "正高"), ("associate", "副高"), ("intermediate", "中级"), ("junior", "初级")]

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="post_quotas")
    year = models.PositiveSmallIntegerField("年度")
    senior = models.PositiveIntegerField("正高", null=True, blank=True)
    associate = models.PositiveIntegerField("副高", null=True, blank=True)
    intermediate = models.PositiveIntegerField("中级", null=True, blank=True)
    junior = models.PositiveIntegerField("初级", null=True, blank=True)
    senior_taken = models.PositiveIntegerField(default=0)
    associate_taken = models.PositiveIntegerField(default=0)
    intermediate_taken = models.PositiveIntegerField(default=0)
    junior_taken = models.PositiveIntegerField(default=0)
    attachment = models.FileField("核准文件", upload_to="quotas/%Y/", max_length=200, blank=True)
    attachment_name = models.CharField(max_length=200, blank=True)
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = verbose_name_plural = "岗位核准信息"
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="post_quota_unit_year")]

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def recommended(self) -> int:
        return self.senior_taken + self.associate_taken + self.intermediate_taken + self.junior_taken

    def rows(self):
        """[(level label, vacancies or None for 不限, taken)] for display."""
        return [(label, getattr(self, key), getattr(self, f"{key}_taken")) for key, label in self.LEVELS]


class Announcement(models.Model):
    """Title news (职称资讯) published by HR-bureau staff; shown on unit home pages."""

    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文")
    publisher = models.ForeignKey(Unit, verbose_name="发布单位", on_delete=models.PROTECT, related_name="announcements")
    published_at = models.DateTimeField("发布时间", auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-published_at"]
        verbose_name = verbose_name_plural = "职称资讯"

    def __str__(self):
        return self.title
