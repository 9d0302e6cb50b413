from django import forms

from core.captcha import CaptchaFormMixin


class VerifyForm(CaptchaFormMixin, forms.Form):
    number = forms.CharField(label="证书编号", max_length=40, error_messages={"required": "请填写证书编号。"})
    name = forms.CharField(label="持证人姓名", max_length=50, error_messages={"required": "请填写持证人姓名。"})

    def __init__(self, *args, request=None, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)
        self.add_captcha_field()


class RevokeForm(forms.Form):
    reason = forms.CharField(label="撤销原因", max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "请填写撤销原因。", "max_length": "撤销原因不能超过500字。"})
