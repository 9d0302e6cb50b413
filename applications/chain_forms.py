"""Forms of the chain's pages that are not decisions (those are composed from their stage's parts: review.forms).
Field errors are Chinese and shown next to the field."""

from django import forms

from orgs.models import Unit

from .chain_parts import PROOF  # noqa: F401 — the publicity proof's upload rules, as callers check them
from .sections import sections


class DelegateForm(forms.Form):
    unit = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_unit(self):
        pk = self.cleaned_data.get("unit")
        unit = Unit.objects.filter(pk=pk).first() if pk else None
        if unit is None:
            raise forms.ValidationError("请从列表中选择受托单位。")
        return unit


class PlanFilterForm(forms.Form):
    """The unit's 评审计划 list filters (seed 002 §四): 计划名称, 年度, 评审级别, 计划类型 (the committee's series).
    A value the list cannot hold is refused by its field and that filter left out; the others still apply."""

    name = forms.CharField(label="计划名称", required=False, max_length=100)
    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100, widget=forms.TextInput(
        attrs={"inputmode": "numeric", "maxlength": 4}), error_messages={
        "invalid": "请输入四位数字的年度。",
        "min_value": "请输入2000至2100之间的年度。",
        "max_value": "请输入2000至2100之间的年度。",
    })
    level = forms.ChoiceField(label="评审级别", required=False,
                              error_messages={"invalid_choice": "请从列表中选择评审级别。"})
    series = forms.ChoiceField(label="计划类型", required=False,
                               error_messages={"invalid_choice": "请从列表中选择计划类型。"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = sections().choices
        self.fields["level"].choices = [("", "全部")] + [(lv, lv) for lv in choices["level"]]
        self.fields["series"].choices = [("", "全部")] + [(s, f"{s}系列") for s in choices["series"]]

    def filters(self) -> dict:
        """The valid filters, whatever the others hold."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in ("", None)}
