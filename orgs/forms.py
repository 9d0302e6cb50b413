import re

from django import forms

from core.uploads import FileRules, check_upload
from core.validators import parse_id_number, validate_credit_code, validate_phone

from .models import Announcement, PostQuota, Unit

FAX_RE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")
QUOTA_FILE = FileRules(types=("doc", "docx", "pdf", "jpg", "jpeg"), max_mb=10, max_count=1)


class UnitInfoForm(forms.ModelForm):
    """完善单位信息: basic and detailed data. The credit code of a registered unit is its login: read-only."""

    class Meta:
        model = Unit
        fields = [
            "name", "credit_code", "legal_rep_name", "legal_rep_phone", "legal_rep_id_number", "address",
            "contact_name", "contact_phone", "fax", "nature", "email", "industry_code", "status", "economic_type",
            "tax_number", "licence_type",
            "licence_number", "licence_issued_on", "licence_valid_until", "approval_number", "approved_on",
            "approved_by",
        ]
        widgets = {
            f: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            for f in ("licence_issued_on", "licence_valid_until", "approved_on")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["credit_code"].disabled = True
        self.fields["credit_code"].required = False
        for name in ("name", "legal_rep_phone", "address", "contact_name", "contact_phone", "email"):
            self.fields[name].required = True
        for field in self.fields.values():
            field.error_messages["required"] = f"请填写{field.label}。"
            field.error_messages["invalid"] = f"{field.label}格式不正确。"
            # Django's own wording ("确保该变量包含不超过 11 字符") speaks of a variable, not of the field.
            field.error_messages["max_length"] = f"{field.label}不能超过%(limit_value)d个字。"
        self.fields["contact_phone"].error_messages["max_length"] = "请输入11位手机号码。"

    def clean_contact_phone(self):
        return validate_phone(self.cleaned_data["contact_phone"])

    def clean_legal_rep_id_number(self):
        value = self.cleaned_data.get("legal_rep_id_number", "").strip()
        return parse_id_number(value).number if value else ""

    def clean_fax(self):
        value = self.cleaned_data.get("fax", "").strip()
        if value and not FAX_RE.match(value):
            raise forms.ValidationError("传真号码格式应为区号加号码，如 0591-87654321。")
        return value

    def clean_tax_number(self):
        value = self.cleaned_data.get("tax_number", "").strip().upper()
        if value and len(value) == 18:
            validate_credit_code(value)  # the USCC doubles as the tax number since 2015
        return value

    def clean(self):
        cleaned = super().clean()
        issued, until = cleaned.get("licence_issued_on"), cleaned.get("licence_valid_until")
        if issued and until and until < issued:
            self.add_error("licence_valid_until", "有效期限不能早于发照日期。")
        return cleaned


class PostQuotaForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100,
                              error_messages={"required": "请填写年度。", "invalid": "年度格式不正确。"})
    attachment = forms.FileField(label="岗位核准文件", required=False,
                                 help_text="doc、docx、pdf、jpg，不超过10MB，1个文件")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in PostQuota.LEVELS:
            self.fields[key] = forms.IntegerField(
                label=f"{label}空缺数", min_value=0, required=False,
                help_text="不填表示不限",
                error_messages={"invalid": f"{label}空缺数应为整数。", "min_value": f"{label}空缺数不能为负数。"},
            )

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload is not None:
            check_upload(upload, QUOTA_FILE)
        return upload

    def vacancies(self) -> dict:
        return {key: self.cleaned_data.get(key) for key, _ in PostQuota.LEVELS}


class AnnouncementForm(forms.ModelForm):
    class Meta:
        model = Announcement
        fields = ["title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages["required"] = f"请填写{field.label}。"
