from django import forms

from .models import Application, Committee, Plan
from .sections import sections


def _list(value: str) -> list[str]:
    return [part.strip() for part in value.replace("，", ",").split(",") if part.strip()]


class StartForm(forms.Form):
    """申报: the series, level and form of application against a plan."""

    # Styled like the page's other Bootstrap controls (the plan cards of 职称申报).
    series = forms.ChoiceField(label="申报专业技术系列", widget=forms.Select(attrs={"class": "form-select"}))
    level = forms.ChoiceField(label="申报专业技术级别", widget=forms.Select(attrs={"class": "form-select"}))
    form = forms.ChoiceField(label="申报形式", widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["series"].choices = [(s, s) for s in plan.series]
        self.fields["level"].choices = [(lv, lv) for lv in plan.levels]
        self.fields["form"].choices = [(f, f) for f in (plan.forms or ["常规申报"])]


class CommitteeForm(forms.ModelForm):
    levels_text = forms.CharField(label="评审级别", help_text="逗号分隔，如：中级,副高,正高")

    class Meta:
        model = Committee
        fields = ["name", "series"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("levels_text", ",".join(self.instance.levels))

    def clean_series(self):
        allowed = sections().choices["series"]
        if self.cleaned_data["series"] not in allowed:
            raise forms.ValidationError(f"评审系列只能是{'、'.join(allowed)}。")
        return self.cleaned_data["series"]

    def clean_levels_text(self):
        levels = _list(self.cleaned_data["levels_text"])
        allowed = sections().choices["level"]
        if not levels or any(lv not in allowed for lv in levels):
            raise forms.ValidationError(f"评审级别只能是{'、'.join(allowed)}。")
        return levels


class PlanForm(forms.ModelForm):
    levels_text = forms.CharField(label="评审级别", help_text="逗号分隔")
    series_text = forms.CharField(label="申报系列", help_text="逗号分隔")
    specialties_text = forms.CharField(label="申报专业", required=False, help_text="逗号分隔，不填表示不限")
    forms_text = forms.CharField(label="申报形式", initial="常规申报,破格申报", help_text="逗号分隔")
    chain_text = forms.CharField(label="审核流程", initial="用人单位,主管部门,人社部门,评委会",
                                 help_text="用人单位、主管部门、人社部门、评委会中的环节，按顺序逗号分隔")
    min_years_text = forms.CharField(label="任现职最低年限", required=False, initial="中级:4,副高:5,正高:5",
                                     help_text="级别:年数，逗号分隔")
    grades_text = forms.CharField(label="合格的考核等次", required=False, initial="优秀,合格")
    health_text = forms.CharField(label="卫生系列须有的业绩类型", required=False, initial="health_topic",
                                  help_text="业绩类型代码，逗号分隔")
    pass_share = forms.ChoiceField(label="表决通过比例", choices=Plan.PASS_SHARES, required=False, initial="2/3",
                                   help_text="评审会议表决时，同意票达到该比例即为通过")

    class Meta:
        model = Plan
        fields = ["year", "name", "committee", "opens_on", "closes_on", "ce_hours_per_year", "ce_hours_senior",
                  "ce_years", "appraisal_years", "papers_need_plagiarism",
                  "publicity_required"]
        widgets = {"opens_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "closes_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        plan = self.instance
        if plan.pk:  # editing: the list fields as they are typed
            self.initial.update({
                "levels_text": ",".join(plan.levels), "series_text": ",".join(plan.series),
                "specialties_text": ",".join(plan.specialties), "forms_text": ",".join(plan.forms),
                "chain_text": ",".join(plan.chain_labels),
                "min_years_text": ",".join(f"{level}:{years}" for level, years in plan.min_years.items()),
                "grades_text": ",".join(plan.appraisal_grades), "health_text": ",".join(plan.health_requires),
                "pass_share": plan.pass_share,
            })

    def clean(self):
        cleaned = super().clean()
        allowed_levels = sections().choices["level"]
        for name, key in (("levels_text", "levels"), ("series_text", "series"), ("specialties_text", "specialties"),
                          ("forms_text", "forms"), ("grades_text", "appraisal_grades"),
                          ("health_text", "health_requires")):
            cleaned[key] = _list(cleaned.get(name, ""))
        if any(lv not in allowed_levels for lv in cleaned["levels"]) or not cleaned["levels"]:
            self.add_error("levels_text", f"评审级别只能是{'、'.join(allowed_levels)}。")
        allowed_series = sections().choices["series"]
        if any(s not in allowed_series for s in cleaned["series"]) or not cleaned["series"]:
            self.add_error("series_text", f"申报系列只能是{'、'.join(allowed_series)}。")
        # The chain is typed with its Chinese node names (the keys are accepted too).
        keys = {name: key for key, name in Plan.CHAIN_NODES} | {key: key for key, _ in Plan.CHAIN_NODES}
        typed = _list(cleaned.get("chain_text", ""))
        chain = [keys.get(node, "") for node in typed]
        if not chain or not all(chain) or len(set(chain)) != len(chain):
            self.add_error("chain_text", "审核流程只能由用人单位、主管部门、人社部门、评委会组成，且不能重复。")
        elif self.instance.pk and chain != self.instance.chain and self.instance.applications.exclude(
                status=Application.Status.DRAFT).exists():
            self.add_error("chain_text", "已有申报进入审核流程，不能再修改审核流程。")
        cleaned["chain"] = chain
        min_years = {}
        for part in _list(cleaned.get("min_years_text", "")):
            level, _, years = part.partition(":")
            if level not in allowed_levels or not years.isdigit():
                self.add_error("min_years_text", "格式应为 级别:年数，如 副高:5。")
                break
            min_years[level] = int(years)
        cleaned["min_years"] = min_years
        if cleaned.get("opens_on") and cleaned.get("closes_on") and cleaned["closes_on"] < cleaned["opens_on"]:
            self.add_error("closes_on", "申报截止日期不能早于开始日期。")
        return cleaned

    def save(self, commit=True):
        plan = super().save(commit=False)
        for key in ("levels", "series", "specialties", "forms", "appraisal_grades", "health_requires", "chain",
                    "min_years"):
            setattr(plan, key, self.cleaned_data[key])
        plan.pass_share = self.cleaned_data.get("pass_share") or "2/3"
        if commit:
            plan.save()
        return plan
