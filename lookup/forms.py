from django import forms


class QueryForm(forms.Form):
    q = forms.CharField(label="检索", max_length=60, strip=True,
                        error_messages={"required": "请输入姓名、身份证号、职称或关键词。",
                                        "max_length": "检索词最多60个字。"})
    after = forms.IntegerField(required=False, min_value=1)
