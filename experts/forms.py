"""Forms of the expert pool, the draw and the console. One form checks an expert added by hand and every row of
an import (experts.services.experts_import), so the messages are the same."""

import datetime

from django import forms

from accounts.models import User
from applications.models import Committee, Plan

from .models import Expert, Relation, Vote

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SERIES = ["卫生技术", "工程技术", "中小学教师", "会计", "经济"]
MAX_TERM_YEARS = 3


def _date(label: str) -> forms.DateField:
    return forms.DateField(label=label, widget=DATE, error_messages={"required": f"请填写{label}。",
                                                                    "invalid": "请输入正确的日期。"})


def term_limit(start: datetime.date) -> datetime.date:
    """The last day of a three-year term starting on `start`."""
    try:
        end = start.replace(year=start.year + MAX_TERM_YEARS)
    except ValueError:  # 29 February
        end = start.replace(year=start.year + MAX_TERM_YEARS, day=28)
    return end - datetime.timedelta(days=1)


class ExpertForm(forms.Form):
    id_number = forms.CharField(label="身份证号", max_length=18, error_messages={"required": "请填写身份证号。"})
    name = forms.CharField(label="姓名", max_length=50, error_messages={"required": "请填写姓名。"})
    series = forms.ChoiceField(label="评审系列", choices=[(s, s) for s in SERIES],
                               error_messages={"required": "请选择评审系列。", "invalid_choice": "评审系列不正确。"})
    specialty = forms.CharField(label="专业/学科组", max_length=50, error_messages={"required": "请填写专业/学科组。"})
    level = forms.ChoiceField(label="职称级别", choices=Expert.LEVELS,
                              error_messages={"required": "请选择职称级别。",
                                              "invalid_choice": "职称级别应为正高或副高。"})
    term_start = _date("聘期开始")
    term_end = _date("聘期结束")

    def __init__(self, *args, committee=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.committee = committee

    def clean_id_number(self):
        return self.cleaned_data["id_number"].strip().upper()

    def clean(self):
        data = super().clean()
        start, end = data.get("term_start"), data.get("term_end")
        if start and end:
            if end < start:
                self.add_error("term_end", "聘期结束日期不能早于开始日期。")
            elif end > term_limit(start):
                self.add_error("term_end", f"聘期最长{MAX_TERM_YEARS}年（至{term_limit(start):%Y-%m-%d}）。")
        number = data.get("id_number")
        if number:
            person = User.objects.by_id_number(number).filter(kind=User.Kind.PERSON).select_related("unit").first()
            if person is None:
                self.add_error("id_number", "该身份证号没有注册账号，请专家先注册。")
            elif data.get("name") and person.name != data["name"].strip():
                self.add_error("name", "姓名与该身份证号注册的姓名不符。")
            elif self.committee is not None and Expert.objects.filter(committee=self.committee,
                                                                      person=person).exists():
                self.add_error("id_number", "该专家已在本评委会专家库中。")
            data["person"] = person
        return data


class PoolAddForm(ExpertForm):
    """An expert added on the pool page: the committee among the office's, then the expert's fields."""

    committee = forms.ModelChoiceField(label="评委会", queryset=Committee.objects.none(),
                                       error_messages={"required": "请选择评委会。",
                                                       "invalid_choice": "请选择评委会。"})
    field_order = ["committee"]

    def __init__(self, *args, committees=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = committees if committees is not None else Committee.objects.none()

    def clean(self):
        self.committee = self.cleaned_data.get("committee")
        return super().clean() if self.committee is not None else self.cleaned_data


class DrawForm(forms.Form):
    plan = forms.ModelChoiceField(label="评审计划", queryset=Plan.objects.none(),
                                  error_messages={"required": "请选择评审计划。", "invalid_choice": "请选择评审计划。"})
    group = forms.CharField(label="学科组", max_length=50, error_messages={"required": "请填写学科组。"})
    size = forms.IntegerField(label="评审组人数", min_value=1, max_value=99,
                              error_messages={"required": "请填写评审组人数。", "min_value": "评审组至少1人。",
                                              "max_value": "评审组最多99人。", "invalid": "请填写整数。"})
    reserves = forms.IntegerField(label="候补人数", min_value=0, max_value=99, initial=2,
                                  error_messages={"required": "请填写候补人数。", "min_value": "候补人数不能为负数。",
                                                  "max_value": "候补最多99人。", "invalid": "请填写整数。"})
    meeting_on = _date("评审会日期")

    def __init__(self, *args, plans=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans if plans is not None else Plan.objects.none()


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", max_length=200, error_messages={"required": "请填写理由。"})

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("请填写理由。")
        return reason


class CommitForm(forms.Form):
    agree = forms.BooleanField(label="本人承诺：公正评审，遵守回避规定；对评审材料、评审意见和表决情况保密。",
                               error_messages={"required": "请勾选承诺后再进入评审。"})


class RelationForm(forms.Form):
    """A relation declared with another registered person (an expert or an applicant), found by ID number and
    name together."""

    id_number = forms.CharField(label="对方身份证号", max_length=18,
                                error_messages={"required": "请填写对方身份证号。"})
    name = forms.CharField(label="对方姓名", max_length=50, error_messages={"required": "请填写对方姓名。"})
    kind = forms.ChoiceField(label="关系", choices=Relation.Kind.choices,
                             error_messages={"required": "请选择关系。", "invalid_choice": "请选择关系。"})
    note = forms.CharField(label="说明", max_length=200, required=False)

    def clean(self):
        data = super().clean()
        number, name = (data.get("id_number") or "").strip().upper(), (data.get("name") or "").strip()
        if number and name:
            data["other"] = User.objects.by_id_number(number).filter(name=name, kind=User.Kind.PERSON).first()
            if data["other"] is None:
                self.add_error("id_number", "没有找到身份证号和姓名都相符的注册人员。")
        return data


def score_form(criteria: list[dict], data=None, initial=None) -> forms.Form:
    """The scoring sheet of a series: a points field per criterion (0..max) and the written opinion."""
    fields = {}
    for item in criteria:
        label, top = item["label"], item["max"]
        fields[f"c_{item['key']}"] = forms.IntegerField(
            label=f"{label}（满分{top}）", min_value=0, max_value=top,
            error_messages={"required": f"请为“{label}”打分。", "min_value": "分数不能为负数。",
                            "max_value": f"“{label}”最高{top}分。", "invalid": "请填写整数分数。"})
    fields["opinion"] = forms.CharField(label="评审意见", max_length=1000, widget=forms.Textarea(attrs={"rows": 4}),
                                        error_messages={"required": "请填写评审意见。"})
    form_class = type("ScoreForm", (forms.Form,), fields)
    return form_class(data=data, initial=initial, prefix="s")


class VoteForm(forms.Form):
    choice = forms.ChoiceField(label="表决", choices=Vote.Choice.choices, widget=forms.RadioSelect,
                               error_messages={"required": "请选择同意、不同意或弃权。",
                                               "invalid_choice": "请选择同意、不同意或弃权。"})
