import datetime

from django import forms
from django.conf import settings
from django.utils import timezone

from core.captcha import CaptchaFormMixin
from core.uploads import FileRules, check_uploads
from core.validators import validate_phone
from review.parts import UploadsField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
EVIDENCE = FileRules(types=("jpg", "jpeg", "png", "pdf"), max_mb=10, max_count=3)
EVIDENCE_HELP = "选填：证明材料，jpg/png/pdf，每个不超过10MB，至多3个"


class PublishForm(forms.Form):
    title = forms.CharField(label="公示标题", max_length=120, required=False,
                            help_text="不填时为“<计划名称>结果公示”")
    starts_on = forms.DateField(label="公示开始日期", widget=DATE, error_messages={
        "required": "请填写公示开始日期。", "invalid": "请输入正确的日期。"})
    days = forms.IntegerField(label="公示工作日数", min_value=1, max_value=30, error_messages={
        "required": "请填写公示工作日数。", "invalid": "请输入整数。", "min_value": "公示工作日数应大于0。",
        "max_value": "公示工作日数不能超过30。"})
    contact = forms.CharField(label="异议受理联系方式", max_length=300, widget=forms.Textarea(attrs={"rows": 2}),
                              error_messages={"required": "请填写异议受理的联系方式。"},
                              help_text="受理部门、电话、地址等，显示在公示页面上")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["starts_on"].initial = timezone.localdate()
        self.fields["days"].initial = settings.PUBLICITY_MIN_WORKING_DAYS

    def clean_days(self):
        days = self.cleaned_data["days"]
        if days < settings.PUBLICITY_MIN_WORKING_DAYS:
            raise forms.ValidationError(f"公示期不少于{settings.PUBLICITY_MIN_WORKING_DAYS}个工作日。")
        return days

    def clean_starts_on(self):
        starts_on: datetime.date = self.cleaned_data["starts_on"]
        if starts_on < timezone.localdate():
            raise forms.ValidationError("公示开始日期不能早于今天。")
        return starts_on


class ObjectionForm(CaptchaFormMixin, forms.Form):
    entry = forms.TypedChoiceField(label="异议对象", coerce=int, error_messages={
        "required": "请选择异议对象。", "invalid_choice": "请选择公示名单中的人员。"})
    name = forms.CharField(label="异议人姓名", max_length=50, error_messages={"required": "请填写您的真实姓名。"})
    phone = forms.CharField(label="手机号", max_length=11, error_messages={"required": "请填写手机号。"})
    sms_code = forms.CharField(label="短信验证码", max_length=6, error_messages={"required": "请输入短信验证码。"})
    text = forms.CharField(label="异议内容", max_length=2000, widget=forms.Textarea(attrs={"rows": 5}),
                           error_messages={"required": "请填写异议内容。",
                                           "max_length": "异议内容不能超过2000字。"},
                           help_text="请写明具体事实，并尽量提供证明材料")
    attachment = UploadsField(label="证明材料", help_text=EVIDENCE_HELP)

    def __init__(self, *args, request=None, entries=(), **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)
        self.fields["entry"].choices = [("", "请选择")] + [
            (e.pk, f"{e.seq}. {e.name}（{e.unit_name}）") for e in entries]
        self.add_captcha_field()
        self.files_checked = []

    def clean_phone(self):
        return validate_phone(self.cleaned_data["phone"])

    def clean_attachment(self):
        files, errors = check_uploads(self.cleaned_data.get("attachment") or [], EVIDENCE, existing=0)
        if errors:
            raise forms.ValidationError(errors)
        self.files_checked = files
        return files


class DecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", "受理"), ("reject", "不予受理"), ("uphold", "维持评审结果"),
                                          ("revoke", "撤销评审结果")])
    text = forms.CharField(label="意见", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
