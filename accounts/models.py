from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django_otp.models import Device

from core.fields import (
    BlindIndexField,
    EncryptedCharField,
    PersonalDataQuerySet,
    PersonalJSONField,
    blind_index_update_fields,
)
from core.personal_data import blind_index


class UserManager(BaseUserManager.from_queryset(PersonalDataQuerySet)):
    use_in_migrations = True

    def create_user(self, username, password=None, **extra):
        user = self.model(username=username, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, username, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("name", username)
        return self.create_user(username, password, **extra)


SERIES_CHOICES = [
    (s, s) for s in ("卫生技术", "中小学教师", "高等学校教师", "工程技术", "会计", "经济", "农业技术", "其他")
]
POLITICAL_CHOICES = [(s, s) for s in ("中共党员", "中共预备党员", "共青团员", "民主党派", "无党派人士", "群众")]


class User(AbstractBaseUser, PermissionsMixin):
    """A login. A person logs in with their ID number; a unit account with its credit code or built-in name."""

    class Kind(models.TextChoices):
        PERSON = "person", "个人"
        UNIT = "unit", "单位账号"

    class Gender(models.TextChoices):
        MALE = "M", "男"
        FEMALE = "F", "女"

    class Registration(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "审核通过"
        REJECTED = "rejected", "审核不通过"

    username = models.CharField("账号", max_length=32, unique=True)
    kind = models.CharField("账号类型", max_length=8, choices=Kind.choices, default=Kind.PERSON)
    name = models.CharField("姓名", max_length=50)
    id_number = EncryptedCharField("身份证号", max_length=18, null=True, blank=True)
    id_number_bidx = BlindIndexField(source="id_number", unique=True)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices, blank=True)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    phone = EncryptedCharField("手机号", max_length=11, null=True, blank=True)
    phone_bidx = BlindIndexField(source="phone", unique=True)
    email = models.EmailField("邮箱", blank=True)
    political_status = models.CharField("政治面貌", max_length=20, blank=True)
    series = models.CharField(
        "专业技术系列", max_length=30, blank=True,
        help_text="decides series-limited dossier categories (行业专用 for 卫生技术); set on 个人信息",
    )
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name="工作单位", null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    registration = models.CharField(
        "审核状态", max_length=10, choices=Registration.choices, default=Registration.PENDING
    )
    registration_note = models.CharField("审核意见", max_length=200, blank=True)
    registration_decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    must_change_password = models.BooleanField("下次登录须修改密码", default=False)
    password_changed_at = models.DateTimeField("密码修改时间", default=timezone.now)
    is_active = models.BooleanField("启用", default=True)
    is_staff = models.BooleanField("可进入后台", default=False)
    date_joined = models.DateTimeField("注册时间", default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = verbose_name_plural = "用户"
        indexes = [models.Index(fields=["unit", "registration", "-date_joined"], name="user_unit_reg")]

    def __str__(self):
        return self.name or self.username

    def save(self, *args, update_fields=None, **kwargs):
        super().save(*args, update_fields=blind_index_update_fields(self, update_fields), **kwargs)

    def set_password(self, raw_password):
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    @property
    def sign_in_name(self) -> str:
        """What the person types to sign in: a person's ID number, any other account's name."""
        return self.id_number if self.kind == self.Kind.PERSON and self.id_number else self.username

    @property
    def is_approved(self) -> bool:
        """Only approved staff may submit dossier records or apply (SPEC §2)."""
        return self.registration == self.Registration.APPROVED


def person_username(id_number: str) -> str:
    """A person's account name: never the ID number itself (stored only encrypted), but a handle derived from its
    blind index when the account is made. People sign in with their ID number (accounts.backends.login_name)."""
    return "P" + blind_index(id_number)[:24].upper()


class Role(models.TextChoices):
    APPLICANT = "applicant", "个人"
    UNIT_ADMIN = "unit_admin", "单位管理员"
    DEPARTMENT_REVIEWER = "department_reviewer", "主管部门"
    BUREAU_STAFF = "bureau_staff", "人社部门"
    COMMITTEE_STAFF = "committee_staff", "评委会"
    EXPERT = "expert", "评审专家"
    SYSTEM_ADMIN = "system_admin", "系统管理员"


class RoleAssignment(models.Model):
    """A role held in a scope: unit admin of unit X, HR-bureau staff of region Y. One person may hold several."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField("角色", max_length=24, choices=Role.choices)
    unit = models.ForeignKey("orgs.Unit", verbose_name="单位", null=True, blank=True, on_delete=models.CASCADE)
    region = models.ForeignKey(
        "orgs.Region", verbose_name="属地", null=True, blank=True, on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "角色授权"
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "unit", "region"], name="role_assignment_unique"),
        ]

    def __str__(self):
        scope = self.unit or self.region or "全局"
        return f"{self.get_role_display()}（{scope}）"


class SmsCode(models.Model):
    """A one-time code sent to a phone for one purpose. Only a hash of the code is stored."""

    class Purpose(models.TextChoices):
        REGISTER = "register", "注册"
        RESET_PASSWORD = "reset", "找回密码"
        UNIT_REGISTER = "unit_register", "单位注册"
        OBJECTION = "objection", "结果公示异议"
        SECOND_FACTOR = "second_factor", "登录二次验证"

    phone = EncryptedCharField(max_length=11)
    phone_bidx = BlindIndexField(source="phone")
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    failed_tries = models.PositiveSmallIntegerField(default=0)

    objects = PersonalDataQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["phone_bidx", "purpose", "-created_at"], name="smscode_lookup")]


class SmsDevice(Device):
    """An applicant's optional second factor: a code sent to the account's own phone at each sign-in (SmsCode with
    the SECOND_FACTOR purpose, its limits included). Present and confirmed while the applicant has it switched on;
    accounts.second_factor checks the code and marks the session verified with django_otp.login."""

    class Meta:
        verbose_name = verbose_name_plural = "短信二次验证"


class SmsMessage(models.Model):
    """The development outbox: what the outbox SMS backend 'sent'. Shown on the demo's SMS page."""

    phone = EncryptedCharField("手机号", max_length=11)
    phone_bidx = BlindIndexField(source="phone", db_index=True)
    text = models.CharField("内容", max_length=300)
    created_at = models.DateTimeField("发送时间", default=timezone.now)

    objects = PersonalDataQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = "短信发件箱"


class ExportJob(models.Model):
    """A list export too long for the request (accounts.exports): the list's kind and filters as the exporter
    chose them, generated by the task queue into a stored file that only its owner may download. Each run has
    its own `attempt`, so a run overtaken by a retry writes nothing."""

    class State(models.TextChoices):
        PENDING = "pending", "生成中"
        READY = "ready", "已生成"
        FAILED = "failed", "生成失败"

    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40)
    title = models.CharField("列表", max_length=100)
    params = PersonalJSONField(default=dict, encrypted_paths=[["q"]])  # a search term may be an ID number
    masked = models.BooleanField(default=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    attempt = models.PositiveIntegerField(default=1)
    file = models.FileField(upload_to="exports/%Y/%m/", max_length=200, blank=True)
    message = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "导出任务"

    @property
    def percent(self) -> int:
        return min(100, self.done * 100 // self.total) if self.total else 0
