"""What an application's decisions need besides the generic parts (review.parts), registered with the review
engine by applications.chain: the unit's recommendation with its publicity proof (SPEC §5), the vacancy of a
public institution's 岗位核准, the committee office's acceptance date and the meeting's counts (SPEC §6), the
certificate number the bureau's confirmation issues. Each part's rule is written once: the form shows its
messages by the field, the engine refuses with them."""

from __future__ import annotations

import datetime
import string
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.db.models import F
from django.utils import timezone

from dossier.catalogue import EvidenceSpec
from orgs.models import PostQuota, Unit
from orgs.services import QuotaError, post_quota_take
from review.parts import Part, UploadsField, uploads

from .models import CertificateSequence, Plan

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
PROOF = EvidenceSpec(types=("jpg", "jpeg", "png", "pdf"), max_mb=10, max_count=3, required=True, key="proof",
                     label="公示证明", help="公示现场照片或公示文件，jpg/png/pdf，每个不超过10MB，至多3个")
RECOMMENDATION = ("{name}同志申报评审{title}职称，按照规定程序，在我单位进行材料初审符合要求，"
                  "并公示无异议后同意推荐。")
LEVEL_QUOTA = {"正高": "senior", "副高": "associate", "中级": "intermediate", "初级": "junior"}


def _date(label: str) -> forms.DateField:
    return forms.DateField(label=label, required=False, widget=DATE, error_messages={"invalid": "请输入正确的日期。"})


# ---------------------------------------------------------------- working days and the unit's recommendation


def working_days(start: datetime.date, end: datetime.date) -> int:
    """Working days from start to end inclusive: Monday–Friday, less settings.PUBLIC_HOLIDAYS, plus the
    weekend days of settings.EXTRA_WORKDAYS (调休)."""
    if end < start:
        return 0
    holidays, extra = set(settings.PUBLIC_HOLIDAYS), set(settings.EXTRA_WORKDAYS)
    days, day = 0, start
    while day <= end:
        if (day.weekday() < 5 and day not in holidays) or day in extra:
            days += 1
        day += datetime.timedelta(days=1)
    return days


@dataclass(frozen=True)
class Recommendation:
    """单位推荐: what the unit's 通过 needs (SPEC §5), as a caller gives it (applications.chain.decide)."""

    publicity_from: datetime.date
    publicity_to: datetime.date
    opinion: str
    takes_vacancy: bool | None = None  # asked of public institutions only
    vacancy_note: str = ""

    def as_data(self) -> dict:
        """The values the parts read (as a decision form cleans them)."""
        return {"publicity_from": self.publicity_from, "publicity_to": self.publicity_to,
                "recommendation": self.opinion, "takes_vacancy": self.takes_vacancy,
                "vacancy_note": self.vacancy_note}


def publicity_problems(start: datetime.date, end: datetime.date) -> list[str]:
    today = timezone.localdate()
    minimum = settings.PUBLICITY_MIN_WORKING_DAYS
    if end < start:
        return ["公示结束日期不能早于开始日期。"]
    if end >= today:
        return ["公示期结束后才能推荐。"]
    if working_days(start, end) < minimum:
        return [f"公示期不少于{minimum}个工作日（所填期间只有{working_days(start, end)}个工作日）。"]
    return []


class RecommendationPart(Part):
    """单位推荐: the publicity period (≥ PUBLICITY_MIN_WORKING_DAYS working days, over), its proof and the
    recommendation opinion; kept on the application and on the decision row, the proof with the flow entry."""

    key = "recommendation"
    template = "applications/chain/parts/recommendation.html"
    unprefixed = ("proof",)

    def fields(self, subject):
        return {"publicity_from": _date("公示开始日期"), "publicity_to": _date("公示结束日期"),
                "recommendation": forms.CharField(label="单位推荐意见", required=False, max_length=500,
                                                  widget=forms.Textarea(attrs={"rows": 3})),
                "proof": UploadsField(label="公示证明", help_text=PROOF.help)}

    def initial(self, subject):
        title = subject.filed_title_name or f"{subject.series}{subject.level}"
        return {"recommendation": RECOMMENDATION.format(name=subject.applicant.name, title=title)}

    def context(self, subject):
        return {"proof_spec": PROOF, "publicity_days": settings.PUBLICITY_MIN_WORKING_DAYS}

    def clean(self, form, data, subject):
        proofs, errors = uploads(data, "proof", PROOF)
        data["proof"] = proofs
        for error in errors or ([] if proofs else ["请上传公示证明。"]):
            form.add_error("proof", error)
        missing = {"publicity_from": "请填写公示开始日期。", "publicity_to": "请填写公示结束日期。",
                   "recommendation": "请填写单位推荐意见。"}
        for name, message in missing.items():
            if not (data.get(name) or "") and name not in form.errors:
                form.add_error(name, message)
        if not any(name in form.errors for name in missing):
            for message in publicity_problems(data["publicity_from"], data["publicity_to"]):
                form.add_error("publicity_to", message)

    def problems(self, data, subject):
        start, end = data.get("publicity_from"), data.get("publicity_to")
        if not start or not end:
            return [("recommendation", "请填写单位推荐意见。")]
        found = [("publicity_to", message) for message in publicity_problems(start, end)]
        proofs, errors = uploads(data, "proof", PROOF)
        found += [("proof", error) for error in errors or ([] if proofs else ["请上传公示证明。"])]
        if not (data.get("recommendation") or "").strip():
            found.append(("recommendation", "请填写单位推荐意见。"))
        return found

    def apply(self, act):
        data = act.data
        recommendation = {"publicity_from": data["publicity_from"].isoformat(),
                          "publicity_to": data["publicity_to"].isoformat(), "opinion": data["recommendation"],
                          "takes_vacancy": data.get("takes_vacancy"), "vacancy_note": data.get("vacancy_note", "")}
        act.subject.recommendation = act.row["recommendation"] = recommendation
        proofs, _errors = uploads(data, "proof", PROOF)
        act.files += [("公示证明", f) for f in proofs]
        act.opinion = act.opinion or recommendation["opinion"]


# ---------------------------------------------------------------- 岗位核准 vacancies


def quota_line(application) -> str:
    """How many vacancies of the applied level the unit has left (shown beside the vacancy question)."""
    quota = PostQuota.objects.filter(unit=application.unit, year=application.plan.year).first()
    level = LEVEL_QUOTA.get(application.level)
    if quota is None or not quota.confirmed or level is None:
        return f"本单位{application.plan.year}年度岗位核准信息尚未确认。"
    limit, taken = getattr(quota, level), getattr(quota, f"{level}_taken")
    label = dict(PostQuota.LEVELS)[level]
    if limit is None:
        return f"{label}岗位空缺：不限（已推荐{taken}人）。"
    return f"{label}岗位空缺：核准{limit}个，已推荐{taken}人，剩余{max(limit - taken, 0)}个。"


def vacancy_release(application) -> None:
    """Give back the vacancy the application holds (under the quota row's lock)."""
    if not application.vacancy_level:
        return
    quota = PostQuota.objects.select_for_update().filter(unit=application.unit, year=application.plan.year).first()
    field = f"{application.vacancy_level}_taken"
    if quota is not None and getattr(quota, field) > 0:
        setattr(quota, field, getattr(quota, field) - 1)
        quota.save(update_fields=[field])
    application.vacancy_level = ""


class VacancyPart(Part):
    """A public institution (事业单位) says whether the applicant takes one of its approved vacancies (否 with its
    reason). 是 takes it under the quota row's lock (two clerks cannot both take the last one); a resubmission
    recommended without one gives back the vacancy it held."""

    key = "vacancy"
    template = "applications/chain/parts/vacancy.html"

    def applies(self, subject):
        return subject.unit is not None and subject.unit.nature == Unit.Nature.PUBLIC_INSTITUTION

    def fields(self, subject):
        return {"takes_vacancy": forms.ChoiceField(label="是否占用岗位空缺", required=False, widget=forms.RadioSelect,
                                                   choices=[("yes", "是，占用本单位岗位核准的空缺"), ("no", "否")]),
                "vacancy_note": forms.CharField(label="情况说明", required=False, max_length=200,
                                                help_text="不占用岗位空缺时必填")}

    def context(self, subject):
        return {"quota_line": quota_line(subject)}

    def clean(self, form, data, subject):
        data["takes_vacancy"] = {"yes": True, "no": False}.get(data.get("takes_vacancy"))
        if data["takes_vacancy"] is None:
            form.add_error("takes_vacancy", "请选择是否占用岗位空缺。")
        else:
            super().clean(form, data, subject)

    def problems(self, data, subject):
        takes = data.get("takes_vacancy")
        if takes is None:
            return [("takes_vacancy", "事业单位须说明是否占用本单位岗位核准的空缺。")]
        if not takes and not (data.get("vacancy_note") or "").strip():
            return [("vacancy_note", "不占用岗位空缺时，请说明理由。")]
        return []

    def apply(self, act):
        application = act.subject
        if act.data["takes_vacancy"] and not application.vacancy_level:
            level = LEVEL_QUOTA.get(application.level)
            if level is None:
                act.refuse(f"申报级别“{application.level}”没有对应的岗位核准。")
            try:
                post_quota_take(unit=application.unit, year=application.plan.year, level=level)
            except QuotaError as error:
                act.refuse(str(error))
            application.vacancy_level = level
        elif not act.data["takes_vacancy"] and application.vacancy_level:
            vacancy_release(application)
        act.row["vacancy_level"] = application.vacancy_level


class VacancyReturnPart(Part):
    """终止 gives back the vacancy the application took."""

    key = "vacancy_return"

    def apply(self, act):
        vacancy_release(act.subject)


# ---------------------------------------------------------------- the committee office


class AcceptedOnPart(Part):
    """评委会接收 with its date: not after today, not before the filing; shown on section 1 and the prints."""

    key = "accepted_on"

    def fields(self, subject):
        return {"accepted_on": forms.DateField(label="接收日期", widget=DATE, error_messages={
            "required": "请填写接收日期。", "invalid": "请输入正确的日期。"})}

    def initial(self, subject):
        return {"accepted_on": timezone.localdate()}

    def problems(self, data, subject):
        accepted_on = data.get("accepted_on")
        if accepted_on is None:
            return [("accepted_on", "请填写接收日期。")]
        if accepted_on > timezone.localdate():
            return [("accepted_on", "接收日期不能晚于今天。")]
        if subject.submitted_at and accepted_on < timezone.localtime(subject.submitted_at).date():
            return [("accepted_on", "接收日期不能早于申报日期。")]
        return []

    def apply(self, act):
        accepted_on = act.data["accepted_on"]
        act.subject.committee_accepted_at = act.row["accepted_on"] = accepted_on
        act.opinion = act.opinion or f"接收日期：{accepted_on:%Y-%m-%d}"


def _share(text: str) -> tuple[int, int]:
    num, _, den = text.partition("/")
    return int(num), int(den)


def quorum_label() -> str:
    """The quorum as the result form states it: 三分之二."""
    return Plan.SHARE_NAMES.get(settings.COMMITTEE_QUORUM_SHARE, settings.COMMITTEE_QUORUM_SHARE)


@dataclass(frozen=True)
class Tally:
    """The committee meeting's secret ballot on one application, as the office counted it (FORMS-AND-RULES §5):
    a valid vote needs at least COMMITTEE_QUORUM_SHARE of the members present, and the application passes when
    the 同意 votes reach the plan's share of those present ("以上" includes the bound: 6 of 9 is two thirds)."""

    members: int  # 应到
    attending: int  # 实到
    agree: int
    disagree: int
    abstain: int = 0

    def problems(self) -> list[str]:
        """Why the counts cannot stand (Chinese), empty when the vote is valid."""
        if self.attending > self.members:
            return ["实到人数不能多于应到人数。"]
        num, den = _share(settings.COMMITTEE_QUORUM_SHARE)
        if self.attending * den < self.members * num:
            return [f"实到{self.attending}人，不足应到人数的{quorum_label()}，表决无效。"]
        counted = self.agree + self.disagree + self.abstain
        if counted != self.attending:
            return [f"同意、不同意、弃权票数之和（{counted}）应等于实到人数（{self.attending}）。"]
        return []

    def passes(self, share: str) -> bool:
        num, den = _share(share)
        return self.agree * den >= self.attending * num

    def text(self) -> str:
        return (f"应到{self.members}人，实到{self.attending}人；同意{self.agree}票，不同意{self.disagree}票，"
                f"弃权{self.abstain}票")


COUNTS = ("members", "attending", "agree", "disagree", "abstain")


def _count(label: str, **kwargs) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, max_value=999, widget=forms.NumberInput(attrs={"min": 0}),
                              error_messages={"required": f"请填写{label}。", "invalid": f"{label}应为整数。",
                                              "min_value": f"{label}不能为负数。",
                                              "max_value": f"{label}不能超过999。"},
                              **kwargs)


class TallyPart(Part):
    """表决情况 from the meeting's secret ballot: the result follows from the counts and the plan's pass share
    (the stage's decided_by); the counts go on the decision row as integers and into the flow's opinion."""

    key = "tally"
    template = "applications/chain/parts/tally.html"
    shows_form_errors = True
    OPTIONS = {"missing": "请录入表决情况。"}

    def fields(self, subject):
        return {"members": _count("应到人数"), "attending": _count("实到人数"), "agree": _count("同意票"),
                "disagree": _count("不同意票"), "abstain": _count("弃权票", initial=0)}

    def context(self, subject):
        return {"pass_rule": subject.plan.get_pass_share_display(), "quorum_label": quorum_label()}

    def clean(self, form, data, subject):
        counts = {name: data.get(name) for name in COUNTS}
        if None in counts.values():
            return
        if counts["members"] == 0:
            form.add_error("members", "应到人数应大于0。")
            return
        data["tally"] = Tally(**counts)
        for message in data["tally"].problems():  # about the counts together: shown below them
            form.add_error(None, message)

    def problems(self, data, subject):
        tally = data.get("tally")
        return [("", message) for message in tally.problems()] if tally is not None else []

    def choose(self, act):
        tally = act.data.get("tally")
        if tally is None:
            return None
        for message in tally.problems():
            act.refuse(message)
        return "result_pass" if tally.passes(act.subject.plan.pass_share) else "result_fail"

    def apply(self, act):
        tally = act.data.get("tally")
        if tally is not None:
            act.row.update({name: getattr(tally, name) for name in COUNTS})
            act.opinion = "；".join(filter(None, [f"表决情况：{tally.text()}", act.opinion]))


# ---------------------------------------------------------------- certificate numbers

SERIES_CODES = {"卫生技术": "WS", "中小学教师": "JS", "工程技术": "GC", "会计": "KJ", "经济": "JJ"}
LEVEL_CODES = {"正高": "1", "副高": "2", "中级": "3", "初级": "4"}


def certificate_parts(application) -> dict:
    codes = {**SERIES_CODES, **settings.CERTIFICATE_SERIES_CODES}
    bureau = application.plan.committee.bureau
    return {"year": application.plan.year, "region": bureau.region_id, "series": codes.get(application.series, "QT"),
            "level": LEVEL_CODES.get(application.level, "0")}


def certificate_format_fields(fmt: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(fmt) if name]


def certificate_number_issue(application) -> str:
    """The next number of the application's prefix, from settings.CERTIFICATE_NUMBER_FORMAT (names year, region,
    series, level and seq). Call inside the confirming transaction: the UPDATE locks the sequence row until
    commit, so parallel confirmations queue and a rolled-back one gives its number back (no duplicates, no
    gaps)."""
    fmt = settings.CERTIFICATE_NUMBER_FORMAT
    parts = certificate_parts(application)
    key = "|".join(f"{name}={parts[name]}" for name in certificate_format_fields(fmt) if name != "seq")
    CertificateSequence.objects.get_or_create(key=key)
    CertificateSequence.objects.filter(key=key).update(last=F("last") + 1)
    seq = CertificateSequence.objects.get(key=key).last
    return fmt.format(seq=seq, **parts)


class CertificatePart(Part):
    """The bureau's confirmation issues the certificate number, in the same transaction."""

    key = "certificate"

    def apply(self, act):
        act.subject.certificate_no = certificate_number_issue(act.subject)
        act.opinion = act.opinion or f"证书编号：{act.subject.certificate_no}"


PARTS = (RecommendationPart, VacancyPart, VacancyReturnPart, AcceptedOnPart, TallyPart, CertificatePart)
