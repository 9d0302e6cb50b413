from django.db import models
from django.db.models.functions import Lower


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
    legal_rep_phone = models.CharField("法定代表人电话", max_length=20, blank=True)
    address = models.CharField("单位通讯地址", max_length=200, blank=True)
    contact_name = models.CharField("单位联系人", max_length=50, blank=True)
    contact_phone = models.CharField("手机号码", max_length=11, blank=True)
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
