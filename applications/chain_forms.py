"""Forms of the review chain's decisions. Field errors are Chinese and shown next to the field; the services
check everything again."""

from django import forms
from django.utils import timezone

from dossier.catalogue import EvidenceSpec

from .chain import Recommendation, Tally, recommendation_problems

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
PROOF = EvidenceSpec(types=("jpg", "jpeg", "png", "pdf"), max_mb=10, max_count=3, required=True, key="proof",
                     label="公示证明", help="公示现场照片或公示文件，jpg/png/pdf，每个不超过10MB，至多3个")
ATTACHMENT = EvidenceSpec(types=("jpg", "jpeg", "png", "pdf", "doc", "docx"), max_mb=10, max_count=3,
                          required=False, key="attachment", label="附件",
                          help="选填：推荐意见扫描件、退回说明等，至多3个")
RECOMMENDATION = ("{name}同志申报评审{title}职称，按照规定程序，在我单位进行材料初审符合要求，"
                  "并公示无异议后同意推荐。")

DECISIONS = {"approve": "通过", "return": "退回", "terminate": "终止"}


class DecisionForm(forms.Form):
    """通过 / 退回 / 终止 at a review node; the unit's 通过 adds the recommendation and, for a public institution,
    the vacancy statement."""

    decision = forms.ChoiceField(label="审核结果", widget=forms.RadioSelect,
                                 error_messages={"required": "请选择审核结果。", "invalid_choice": "请选择审核结果。"})
    return_sections = forms.MultipleChoiceField(label="需修改的栏目", required=False,
                                                widget=forms.CheckboxSelectMultiple)
    opinion = forms.CharField(label="审核意见", required=False, max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="退回时请一次说明全部需要修改的内容")
    publicity_from = forms.DateField(label="公示开始日期", required=False, widget=DATE,
                                     error_messages={"invalid": "请输入正确的日期。"})
    publicity_to = forms.DateField(label="公示结束日期", required=False, widget=DATE,
                                   error_messages={"invalid": "请输入正确的日期。"})
    recommendation = forms.CharField(label="单位推荐意见", required=False, max_length=500,
                                     widget=forms.Textarea(attrs={"rows": 3}))
    takes_vacancy = forms.ChoiceField(label="是否占用岗位空缺", required=False, widget=forms.RadioSelect,
                                      choices=[("yes", "是，占用本单位岗位核准的空缺"), ("no", "否")])
    vacancy_note = forms.CharField(label="情况说明", required=False, max_length=200,
                                   help_text="不占用岗位空缺时必填")

    def __init__(self, *args, node, application, section_choices=(), **kwargs):
        self.node, self.application = node, application
        super().__init__(*args, **kwargs)
        allowed = ["approve", "return", "terminate"] if node.key == "unit" else ["approve", "return"]
        self.fields["decision"].choices = [(key, DECISIONS[key]) for key in allowed]
        self.fields["return_sections"].choices = list(section_choices)
        self.asks_vacancy = node.key == "unit" and application.unit is not None and \
            application.unit.nature == application.unit.Nature.PUBLIC_INSTITUTION
        if node.key != "unit":
            for name in ("publicity_from", "publicity_to", "recommendation", "takes_vacancy", "vacancy_note"):
                del self.fields[name]
        else:
            title = (application.snapshot or {}).get("sections", {}).get("basic", {}).get("values", {}).get(
                "title_name") or f"{application.series}{application.level}"
            self.fields["recommendation"].initial = RECOMMENDATION.format(name=application.applicant.name, title=title)
            if not self.asks_vacancy:
                del self.fields["takes_vacancy"]
                del self.fields["vacancy_note"]
        self.proofs: list = []

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        if decision in ("return", "terminate") and not (data.get("opinion") or "").strip():
            self.add_error("opinion", "退回时请一次说明全部需要修改的内容。" if decision == "return" else "终止时请填写理由。")
        if decision == "approve" and self.node.key == "unit":
            required = {"publicity_from": "请填写公示开始日期。", "publicity_to": "请填写公示结束日期。",
                        "recommendation": "请填写单位推荐意见。"}
            if self.asks_vacancy:
                required["takes_vacancy"] = "请选择是否占用岗位空缺。"
            for name, message in required.items():
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, message)
            if self.asks_vacancy and data.get("takes_vacancy") == "no" and not (data.get("vacancy_note") or "").strip():
                self.add_error("vacancy_note", "不占用岗位空缺时，请说明理由。")
            if not self.errors:
                for problem in recommendation_problems(self.application, self.recommendation_value(), [True]):
                    self.add_error("publicity_to", problem)
        return data

    def recommendation_value(self) -> Recommendation | None:
        data = self.cleaned_data
        if self.node.key != "unit" or not data.get("publicity_from") or not data.get("publicity_to"):
            return None
        takes = {"yes": True, "no": False}.get(data.get("takes_vacancy")) if self.asks_vacancy else None
        return Recommendation(publicity_from=data["publicity_from"], publicity_to=data["publicity_to"],
                              opinion=data.get("recommendation", ""), takes_vacancy=takes,
                              vacancy_note=data.get("vacancy_note", ""))

    def full_opinion(self) -> str:
        data = self.cleaned_data
        labels = dict(self.fields["return_sections"].choices)
        picked = [labels[key] for key in data.get("return_sections", []) if key in labels]
        opinion = (data.get("opinion") or "").strip()
        if data.get("decision") == "return" and picked:
            return f"需修改的栏目：{'、'.join(picked)}。{opinion}"
        return opinion


class AcceptForm(forms.Form):
    accepted_on = forms.DateField(label="接收日期", widget=DATE, error_messages={
        "required": "请填写接收日期。", "invalid": "请输入正确的日期。"})
    opinion = forms.CharField(label="备注", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accepted_on"].initial = timezone.localdate()

    def clean_accepted_on(self):
        value = self.cleaned_data["accepted_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("接收日期不能晚于今天。")
        return value


def _count(label: str, **kwargs) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, max_value=999, widget=forms.NumberInput(attrs={"min": 0}),
                              error_messages={"required": f"请填写{label}。", "invalid": f"{label}应为整数。",
                                              "min_value": f"{label}不能为负数。", "max_value": f"{label}不能超过999。"},
                              **kwargs)


class ResultForm(forms.Form):
    """评审结果 from the meeting's secret ballot as counted: the result follows from the counts (chain.Tally)."""

    members = _count("应到人数")
    attending = _count("实到人数")
    agree = _count("同意票")
    disagree = _count("不同意票")
    abstain = _count("弃权票", initial=0)
    opinion = forms.CharField(label="说明", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                              help_text="选填，如专家评议意见摘要")

    def clean(self):
        cleaned = super().clean()
        counts = {name: cleaned.get(name) for name in ("members", "attending", "agree", "disagree", "abstain")}
        if None not in counts.values():
            if counts["members"] == 0:
                self.add_error("members", "应到人数应大于0。")
            else:
                self.tally = Tally(**counts)
                for message in self.tally.problems():  # about the counts together: shown below them
                    self.add_error(None, message)
        return cleaned


class DelegateForm(forms.Form):
    unit = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_unit(self):
        from orgs.models import Unit

        pk = self.cleaned_data.get("unit")
        unit = Unit.objects.filter(pk=pk).first() if pk else None
        if unit is None:
            raise forms.ValidationError("请从列表中选择受托单位。")
        return unit
