from django import forms
from django.contrib.auth import authenticate, password_validation

from core.audit import EVENTS
from core.captcha import CaptchaFormMixin
from core.validators import parse_id_number, validate_credit_code, validate_phone
from orgs.models import Region, Unit

from .models import POLITICAL_CHOICES, SERIES_CHOICES, SmsCode, User
from .sms import SmsError, sms_code_check
from .validators import normalise_username


class RequestFormMixin(CaptchaFormMixin):
    def __init__(self, *args, request=None, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)
        self.add_captcha_field()


def _password_fields(form, first="password1", second="password2", user=None):
    """Shared password-twice validation: shape, common and similarity validators, equality."""
    p1, p2 = form.cleaned_data.get(first), form.cleaned_data.get(second)
    if p1:
        try:
            password_validation.validate_password(p1, user)
        except forms.ValidationError as error:
            form.add_error(first, error)
    if p1 and p2 and p1 != p2:
        form.add_error(second, "两次输入的密码不一致。")


class RegistrationForm(RequestFormMixin, forms.Form):
    name = forms.CharField(label="姓名", max_length=50, error_messages={"required": "请输入姓名。"})
    id_number = forms.CharField(
        label="身份证号", max_length=18, min_length=1, error_messages={"required": "请输入身份证号。"},
        help_text="18位居民身份证号，作为登录账号",
    )
    email = forms.EmailField(
        label="邮箱", error_messages={"required": "请输入邮箱。", "invalid": "请输入有效的邮箱地址。"}
    )
    password1 = forms.CharField(
        label="密码", strip=False, widget=forms.PasswordInput(render_value=False),
        help_text="以字母开头，由字母和数字组成，8到20位", error_messages={"required": "请输入密码。"},
    )
    password2 = forms.CharField(
        label="确认密码", strip=False, widget=forms.PasswordInput(render_value=False),
        error_messages={"required": "请再次输入密码。"},
    )
    phone = forms.CharField(label="手机号", max_length=11, error_messages={"required": "请输入手机号。"})
    sms_code = forms.CharField(label="短信验证码", max_length=6, error_messages={"required": "请输入短信验证码。"})
    unit = forms.ModelChoiceField(
        label="工作单位", queryset=Unit.objects.filter(kind=Unit.Kind.UNIT), widget=forms.HiddenInput,
        error_messages={"required": "请从列表中选择工作单位。", "invalid_choice": "请从列表中选择已注册的工作单位。"},
    )
    agreement = forms.BooleanField(
        label="我已阅读并同意《职称网上申报协议》", error_messages={"required": "请阅读并同意网上申报协议。"}
    )

    id_warning = ""

    def clean_id_number(self):
        parsed = parse_id_number(self.cleaned_data["id_number"])
        self.id_warning = parsed.warning
        self.parsed_id = parsed
        return parsed.number

    def clean_phone(self):
        return validate_phone(self.cleaned_data["phone"])

    def clean(self):
        cleaned = super().clean()
        probe = User(
            username=cleaned.get("id_number", ""), name=cleaned.get("name", ""),
            email=cleaned.get("email", ""), phone=cleaned.get("phone", ""),
        )
        _password_fields(self, user=probe)
        phone, code = cleaned.get("phone"), cleaned.get("sms_code")
        if phone and code and not self.errors:
            try:
                sms_code_check(phone=phone, purpose=SmsCode.Purpose.REGISTER, code=code, consume=False)
            except SmsError as error:
                self.add_error("sms_code", str(error))
            else:
                self._refuse_a_taken_account(phone, code)
        return cleaned

    def _refuse_a_taken_account(self, phone: str, code: str) -> None:
        """Whether the ID number (or the phone) already has an account is said only here: after the captcha and
        every other check passed, to whoever holds a live code sent to this phone (a phone with an account is
        sent none). Saying it uses the code up, so every such answer costs a new captcha and a new SMS."""
        taken = []
        if User.objects.by_id_number(self.cleaned_data["id_number"]).exists():
            taken.append(("id_number", "该身份证号已注册，请直接登录或找回密码。"))
        if User.objects.by_phone(phone).exists():  # registered since its code was sent
            taken.append(("phone", "该手机号已绑定其他账号，一个手机号只能注册一个账号。"))
        if taken:
            try:
                sms_code_check(phone=phone, purpose=SmsCode.Purpose.REGISTER, code=code, consume=True)
            except SmsError:
                pass  # used up meanwhile by another request: spent all the same
            for field, message in taken:
                self.add_error(field, message)


class LoginForm(RequestFormMixin, forms.Form):
    username = forms.CharField(
        label="身份证号 / 单位账号", max_length=32, error_messages={"required": "请输入身份证号或单位账号。"}
    )
    password = forms.CharField(
        label="密码", strip=False, widget=forms.PasswordInput, error_messages={"required": "请输入密码。"}
    )

    user = None

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        self.user = authenticate(
            self.request, username=normalise_username(cleaned["username"]), password=cleaned["password"]
        )
        if self.user is None or not self.user.is_active:
            # The same words for an unknown account and a wrong password: no enumeration.
            raise forms.ValidationError("账号或密码错误。", code="invalid_login")
        return cleaned


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label="原密码", strip=False, widget=forms.PasswordInput)
    password1 = forms.CharField(
        label="新密码", strip=False, widget=forms.PasswordInput, help_text="以字母开头，由字母和数字组成，8到20位"
    )
    password2 = forms.CharField(label="确认新密码", strip=False, widget=forms.PasswordInput)

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages["required"] = f"请输入{field.label}。"

    def clean_old_password(self):
        value = self.cleaned_data["old_password"]
        if not self.user.check_password(value):
            raise forms.ValidationError("原密码不正确。")
        return value

    def clean(self):
        cleaned = super().clean()
        _password_fields(self, user=self.user)
        if cleaned.get("password1") and cleaned.get("password1") == cleaned.get("old_password"):
            self.add_error("password1", "新密码不能与原密码相同。")
        return cleaned


class PasswordForgotForm(RequestFormMixin, forms.Form):
    """找回密码, step 1: the account's ID number and bound phone, and the image captcha."""

    id_number = forms.CharField(label="身份证号", max_length=18, error_messages={"required": "请输入身份证号。"})
    phone = forms.CharField(label="绑定手机号", max_length=11, error_messages={"required": "请输入手机号。"})

    def clean_id_number(self):
        return normalise_username(self.cleaned_data["id_number"])

    def clean_phone(self):
        return validate_phone(self.cleaned_data["phone"])


class PasswordResetForm(forms.Form):
    """找回密码, step 2: the code sent to the bound phone and the new password, twice. The password's similarity to
    the account's own data is checked by the service once the code is right (password_reset): checked here it
    would answer differently for an ID number and phone that belong together."""

    sms_code = forms.CharField(label="短信验证码", max_length=6, error_messages={"required": "请输入短信验证码。"})
    password1 = forms.CharField(
        label="新密码", strip=False, widget=forms.PasswordInput, help_text="以字母开头，由字母和数字组成，8到20位",
        error_messages={"required": "请输入新密码。"},
    )
    password2 = forms.CharField(
        label="确认新密码", strip=False, widget=forms.PasswordInput, error_messages={"required": "请再次输入新密码。"}
    )

    def __init__(self, *args, id_number: str, phone: str, **kwargs):
        self.id_number, self.phone = id_number, phone
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        _password_fields(self, user=User(username=self.id_number, phone=self.phone))
        return cleaned


class SmsSendForm(RequestFormMixin, forms.Form):
    """获取验证码 on the registration pages: the phone, the code's purpose and the page's image captcha."""

    phone = forms.CharField(max_length=11)
    purpose = forms.ChoiceField(choices=[(SmsCode.Purpose.REGISTER, ""), (SmsCode.Purpose.UNIT_REGISTER, ""),
                                         (SmsCode.Purpose.OBJECTION, "")])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "captcha" in self.fields:
            self.fields["captcha"].error_messages["required"] = "请先输入图形验证码。"

    def clean_phone(self):
        return validate_phone(self.cleaned_data["phone"])


class UnitRegistrationForm(RequestFormMixin, forms.ModelForm):
    region = forms.ModelChoiceField(
        label="属地", queryset=Region.objects.all(), widget=forms.HiddenInput,
        error_messages={"required": "请选择属地。", "invalid_choice": "请选择有效的属地。"},
    )
    password1 = forms.CharField(
        label="登录密码", strip=False, widget=forms.PasswordInput, help_text="以字母开头，由字母和数字组成，8到20位"
    )
    password2 = forms.CharField(label="确认密码", strip=False, widget=forms.PasswordInput)
    sms_code = forms.CharField(label="短信验证码", max_length=6)

    class Meta:
        model = Unit
        fields = [
            "name", "credit_code", "legal_rep_name", "legal_rep_phone", "address", "contact_name",
            "contact_phone", "nature", "email", "region",
        ]

    required_fields = (
        "name", "credit_code", "legal_rep_phone", "address", "contact_name", "contact_phone", "nature", "email",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.required_fields:
            self.fields[name].required = True
        for field in self.fields.values():
            field.error_messages["required"] = f"请填写{field.label}。"
        self.fields["region"].error_messages["required"] = "请选择属地。"
        self.fields["credit_code"].error_messages["unique"] = "该统一社会信用代码已注册。"
        self.fields["email"].error_messages["invalid"] = "请输入有效的邮箱地址。"

    def clean_credit_code(self):
        code = validate_credit_code(self.cleaned_data["credit_code"])
        if Unit.objects.filter(credit_code=code).exists():
            raise forms.ValidationError("该统一社会信用代码已注册，请直接登录。")
        return code

    def clean_contact_phone(self):
        return validate_phone(self.cleaned_data["contact_phone"])

    def clean(self):
        cleaned = super().clean()
        _password_fields(self, user=User(username=cleaned.get("credit_code") or "", name=cleaned.get("name") or ""))
        phone, code = cleaned.get("contact_phone"), cleaned.get("sms_code")
        if phone and code and not self.errors:
            try:
                sms_code_check(phone=phone, purpose=SmsCode.Purpose.UNIT_REGISTER, code=code, consume=False)
            except SmsError as error:
                self.add_error("sms_code", str(error))
        return cleaned


class RegistrationDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "通过"), ("reject", "不通过")])
    reason = forms.CharField(label="审核意见", max_length=200, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "reject" and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", "请填写不通过的原因。")
        return cleaned


class BuiltinUnitForm(forms.ModelForm):
    region = forms.ModelChoiceField(label="属地", queryset=Region.objects.all(), widget=forms.HiddenInput,
                                    error_messages={"required": "请选择属地。"})

    class Meta:
        model = Unit
        fields = ["name", "nature", "address", "contact_name", "contact_phone", "email", "region", "department"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("name", "nature", "contact_name", "contact_phone"):
            self.fields[name].required = True
        self.fields["department"].empty_label = "无（不设主管部门）"
        for field in self.fields.values():
            field.error_messages["required"] = f"请填写{field.label}。"
        self.fields["region"].error_messages["required"] = "请选择属地。"  # picked in the cascader, not typed

    def clean_contact_phone(self):
        return validate_phone(self.cleaned_data["contact_phone"])


class ProfileForm(forms.ModelForm):
    """个人信息: what a person may change themselves (name, ID, gender and birth date are fixed)."""

    class Meta:
        model = User
        fields = ["email", "political_status", "series"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["political_status"] = forms.ChoiceField(
            label="政治面貌", choices=[("", "请选择")] + POLITICAL_CHOICES, required=False)
        self.fields["series"] = forms.ChoiceField(
            label="专业技术系列", choices=[("", "请选择")] + SERIES_CHOICES, required=False,
            help_text="选择“卫生技术”后，个人业绩库显示“行业专用”类别")
        self.fields["email"].error_messages.update({"required": "请输入邮箱。", "invalid": "请输入有效的邮箱地址。"})


class AuditFilterForm(forms.Form):
    """The audit log's filter and keyset position (a row id)."""

    event = forms.ChoiceField(label="事件", required=False, choices=[("", "全部事件"), *EVENTS.items()],
                              widget=forms.Select(attrs={"class": "form-select"}))
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label="验证码", max_length=16, error_messages={"required": "请输入验证码。"},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
    )


class SmsFactorForm(forms.Form):
    on = forms.BooleanField(label="登录时须输入发送到本人手机的短信验证码", required=False)
