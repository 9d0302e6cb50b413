"""The eligibility pre-check (申报条件预检): every unmet condition of the plan, named, with where to fix it.

Hard conditions block submission; soft ones (e.g. years in title for 破格申报) are shown for information.
"""

import datetime
import decimal
from dataclasses import dataclass

from django.urls import reverse

from dossier.catalogue import catalogue
from dossier.forms import spec_form_class
from dossier.models import Evidence, Record
from dossier.models import Status as RecordStatus

from .models import Application
from .sections import SectionSpec, sections

SENIOR_LEVELS = ("副高", "正高")


def years_between(start: datetime.date, end: datetime.date) -> int:
    """Whole years from `start` to `end` (never negative)."""
    years = end.year - start.year - ((end.month, end.day) < (start.month, start.day))
    return max(years, 0)


@dataclass(frozen=True)
class Problem:
    message: str
    url: str
    hard: bool = True


def _section_url(application, section_key: str) -> str:
    return reverse("applications:section", args=[application.pk, section_key])


def _values(application: Application, key: str) -> dict:
    return application.data.get(key, {}).get("values", {})


def _rows(application: Application, key: str) -> list[dict]:
    return application.data.get(key, {}).get("rows", [])


def _years(plan, count: int) -> list[int]:
    return [plan.year - i for i in range(1, count + 1)]


def _fields_problems(application, section: SectionSpec) -> list[Problem]:
    values = _values(application, section.key)
    form = spec_form_class(section.fields, f"section_{section.key}")(data=_as_form_data(section.fields, values))
    problems = []
    if not form.is_valid():
        labels = [section.field(key).label for key in form.errors if key != "__all__"]
        problems.append(Problem(f"{section.label}：{'、'.join(labels)}未填写或填写有误。",
                                _section_url(application, section.key)))
    for spec in sections().stale_picks(section.fields, values, application.data):
        problems.append(Problem(f"{section.label}：{spec.label}所选的一条已不在{sections().get(spec.pick_row).label}"
                                f"中（已修改或删除），请重新选择。", _section_url(application, section.key)))
    present = {f.slot for f in application.files.all() if f.section == section.key and not f.row_id}
    for slot in section.attachments:
        if slot.required and slot.applies(values) and slot.key not in present:
            problems.append(Problem(f"{section.label}：请上传{slot.label}。", _section_url(application, section.key)))
    for group in section.groups:
        if group.applies(values):
            rows = application.data.get(section.key, {}).get("groups", {}).get(group.key, [])
            problems.extend(_rows_problems(application, section, f"{section.label}·{group.label}", group.fields,
                                           f"group_{section.key}_{group.key}", rows))
    return problems


def _rows_problems(application, section: SectionSpec, label: str, fields, form_name: str,
                   rows: list[dict]) -> list[Problem]:
    """Each row checked as a new row would be: a picked row may lack what the dossier does not hold (期刊号)."""
    form_class = spec_form_class(fields, form_name)
    problems = []
    for number, row in enumerate(rows, start=1):
        form = form_class(data=_as_form_data(fields, row["values"]))
        if not form.is_valid():
            by_key = {f.key: f for f in fields}
            labels = [by_key[key].label for key in form.errors if key in by_key]
            problems.append(Problem(f"{label}第{number}条：{'、'.join(labels)}未填写或填写有误，请修改。",
                                    _section_url(application, section.key)))
    return problems


def _as_form_data(fields, values: dict) -> dict:
    """Stored JSON values back into form data (booleans as checkbox values, lists kept)."""
    data = {}
    for spec in fields:
        value = values.get(spec.key)
        if value is None:
            continue
        if spec.type == "bool":
            if value:
                data[spec.key] = "on"
        else:
            data[spec.key] = value
    return data


def precheck(application: Application, today: datetime.date | None = None) -> list[Problem]:
    """Every unmet condition, in section order, then the plan's conditions."""
    plan = application.plan
    problems: list[Problem] = []
    all_sections = sections()
    for section in all_sections.for_series(application.series):
        if section.is_rows:
            rows = _rows(application, section.key)
            problems.extend(_rows_problems(application, section, section.label, section.fields,
                                           f"section_{section.key}", rows))
            if section.key == "education" and not rows:
                problems.append(Problem("学历信息：至少填写一条学历。", _section_url(application, section.key)))
            if section.one_per_year_last:
                have = {str(r["values"].get("year")) for r in rows}
                missing = [y for y in _years(plan, section.one_per_year_last) if str(y) not in have]
                if missing:
                    problems.append(Problem(f"{section.label}：缺少{'、'.join(str(y) for y in missing)}年度。",
                                            _section_url(application, section.key)))
        else:
            problems.extend(_fields_problems(application, section))

    # 申报/现资格名称: one of their series and level's names, or 其他 with the name typed beside it.
    for section in all_sections.for_series(application.series):
        values = _values(application, section.key)
        for spec in all_sections.wrong_titles(section, values, application.series, application.level):
            names = all_sections.title_choices(section, spec.key, values, application.series, application.level)
            problems.append(Problem(f"{section.label}：{spec.label}应为{'、'.join(names)}之一（“其他”须填写名称）。",
                                    _section_url(application, section.key)))

    # Years in the current title.
    minimum = (plan.min_years or {}).get(application.level)
    qualification = _values(application, "qualification")
    if minimum:
        obtained = qualification.get("title_obtained")
        exceptional = application.form == "破格申报"
        if not obtained:
            problems.append(Problem(f"资历信息：请填写现资格取得时间（申报{application.level}须任现职满{minimum}年）。",
                                    _section_url(application, "qualification"), hard=not exceptional))
        else:
            years = years_between(datetime.date.fromisoformat(obtained), plan.closes_on)
            if years < minimum:
                problems.append(Problem(
                    f"任现职年限不足：申报{application.level}须满{minimum}年，截至{plan.closes_on:%Y-%m-%d}为{years}年"
                    + ("（破格申报，供参考）" if exceptional else "") + "。",
                    _section_url(application, "qualification"), hard=not exceptional))

    # Continuing education hours a year.
    if plan.ce_years:
        required = plan.ce_hours_senior if qualification.get("title_level") in SENIOR_LEVELS else plan.ce_hours_per_year
        by_year: dict[str, decimal.Decimal] = {}
        for row in _rows(application, "continuing_education"):
            year = str(row["values"].get("year"))
            hours = decimal.Decimal(str(row["values"].get("hours") or 0))
            by_year[year] = by_year.get(year, decimal.Decimal(0)) + hours
        short = [f"{y}年{by_year.get(str(y), 0):g}学时" for y in _years(plan, plan.ce_years)
                 if by_year.get(str(y), 0) < required]
        if short:
            problems.append(Problem(f"继续教育学时不足（每年须{required}学时）：{'、'.join(short)}。",
                                    _section_url(application, "continuing_education")))

    # Appraisal grades.
    if plan.appraisal_years and plan.appraisal_grades:
        results = {str(r["values"].get("year")): r["values"].get("result") for r in _rows(application, "appraisals")}
        bad = [f"{y}年{results[str(y)]}" for y in _years(plan, plan.appraisal_years)
               if str(y) in results and results[str(y)] not in plan.appraisal_grades]
        if bad:
            problems.append(Problem(f"年度考核须为{'、'.join(plan.appraisal_grades)}：{'、'.join(bad)}。",
                                    _section_url(application, "appraisals")))

    # 查重 reports, when the plan requires them: every paper row comes from a dossier paper holding one.
    if plan.papers_need_plagiarism:
        rows = _rows(application, "papers")
        record_ids = {r.get("record_id") for r in rows if r.get("record_id")}
        checked = set(Evidence.objects.filter(record_id__in=record_ids, record__owner=application.applicant,
                                              slot="plagiarism_report").values_list("record_id", flat=True))
        missing = [str(n) for n, r in enumerate(rows, start=1) if r.get("record_id") not in checked]
        if missing:
            problems.append(Problem(f"本计划要求论文附查重报告：论文情况第{'、'.join(missing)}条没有查重报告，请在"
                                    "业绩库的论文发表情况中上传查重报告后从业绩库选择该论文。",
                                    _section_url(application, "papers")))

    # The health series' dossier thresholds.
    if application.series == "卫生技术":
        for kind_key in plan.health_requires or []:
            if not Record.objects.filter(owner=application.applicant, kind=kind_key,
                                         status=RecordStatus.APPROVED).exists():
                label = catalogue().kind(kind_key).label
                problems.append(Problem(f"卫生系列须有审核通过的{label}（病案数量、年限等要求见业绩库）。",
                                        reverse("dossier:list", args=[kind_key])))
    return problems
