"""Imports recognise passing rows column by column with the generated form's own field objects, and give only the
other rows to a form (dossier.forms.validate_rows). For every form the catalogue generates, rows full of good and bad values get the
same errors (field, messages in order) and the same data from that path as from the form the page uses."""

import datetime
import random

import pytest
from django import forms as django_forms

from dossier import forms
from dossier.catalogue import catalogue
from dossier.forms import record_form_class, spec_form_class, validate_rows

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def _targets() -> list:
    return list(_each_target())


def _each_target():
    for kind in catalogue().kinds():
        yield pytest.param(kind.key, None, id=kind.key)
        for child in kind.children:
            yield pytest.param(kind.key, child.key, id=f"{kind.key}.{child.key}")


def _form_class(kind_key, child_key):
    kind = catalogue().kind(kind_key)
    if child_key:
        child = kind.child(child_key)
        return spec_form_class(child.fields, f"item_{child.key}")
    return record_form_class(kind)


def _candidates(spec) -> list:
    """Cell values as the Excel reader hands them over: good ones, empty ones and every kind of bad one."""
    blank = ["", "   "]
    match spec.type:
        case "text" | "textarea":
            limit = spec.max_length or (200 if spec.type == "text" else 2000)
            return [*blank, "正常内容", " 前后空格 ", "字" * limit, "字" * (limit + 1), f" {'字' * limit} ", "a\x00b",
                    "\x00", "ISSN 1234-5678", "ZL202310123456.7", "0023001", "x", "\u3000全角空格\u3000"]
        case "date":
            return [*blank, "2024-03-15", "2024-02-30", "2024/03/15", "15.03.2024", "不是日期",
                    (TODAY + datetime.timedelta(days=1)).isoformat(), "1999-12-31", TODAY.isoformat(),
                    " 2024-03-15 ", "0999-12-31", "0000-01-01", "2024-3-5", "２０２４-03-15", "2024-13-01"]
        case "year" | "int" | "decimal":
            return [*blank, "5", "0", "-3", "2024", "1800", "99999999999999999", "12.345", "3.5", "abc", "1e3"]
        case "choice":
            return [*blank, *spec.choices, "不在列表中"]
        case "multichoice":
            return [*blank, *spec.choices[:2], "不在列表中", [], list(spec.choices[:2]), ["不在列表中"]]
        case "bool":
            return [*blank, "on", "是", "否", "false"]
    raise AssertionError(spec.type)


GOOD_PATTERN_VALUES = {"journal_number": "ISSN 2095-882X", "isbn": "ISBN 978-7-114-12345-0", "issn": "ISSN 2095-882X", "cn_serial": "CN 11-2120/TU", "patent_number": "ZL202310123456.7", "digits": "0023001"}


def _good(spec) -> str:
    """A value every rule of the field accepts (for rows that pass)."""
    match spec.type:
        case "text" | "textarea":
            return GOOD_PATTERN_VALUES.get(spec.pattern, "正常内容")
        case "date":
            return "2020-01-01"
        case "year":
            return "2020"
        case "int" | "decimal":
            return str(int(spec.min or 0) + 1)
        case "choice":
            return spec.choices[0]
        case "multichoice":
            return [spec.choices[0]]
        case "bool":
            return "on"
    raise AssertionError(spec.type)


def _rows(form_class, n: int = 160) -> list[dict]:
    rng = random.Random(form_class.__name__)
    pool = {spec.key: _candidates(spec) for spec in form_class.specs}
    good = {spec.key: _good(spec) for spec in form_class.specs}
    rows = [{key: rng.choice(values) for key, values in pool.items()} for _ in range(n)]
    # Rows that pass, some with one cell changed.
    rows += [good] + [{**good, key: rng.choice(pool[key])} for key in rng.choices(list(pool), k=n // 4)]
    return rows + rows[:20]  # repeated rows take the remembered results


def _outcome(form, data):
    return {key: list(messages) for key, messages in form.errors.items()}, data


@pytest.mark.parametrize(("kind_key", "child_key"), _targets())
def test_cell_by_cell_validation_gives_the_page_forms_errors_and_data(kind_key, child_key):
    form_class = _form_class(kind_key, child_key)
    assert forms._PassingRows.applies(form_class()), "the form no longer qualifies for passing rows"
    rows = _rows(form_class)

    direct = [_outcome(form, data) for form, data in validate_rows(form_class, rows)]

    for row, got in zip(rows, direct):
        page_form = form_class(data=row)
        expected = _outcome(page_form, page_form.record_data() if page_form.is_valid() else None)
        assert got == expected, row
    assert any(data is None for _errors, data in direct) and any(data for _errors, data in direct)


def test_a_form_the_direct_path_cannot_reproduce_gets_the_full_form():
    kind = catalogue().kind("health_case")
    form_class = record_form_class(kind)
    assert not forms._PassingRows.applies(form_class(prefix="row"))
    assert forms._PassingRows.applies(form_class(unit_name="福州市第一医院"))  # no fill field here

    rows = [{"row-patient": "患者1"}, {"row-patient": "字" * 31}]
    prefixed = [_outcome(form, data) for form, data in validate_rows(form_class, rows, prefix="row")]

    for row, got in zip(rows, prefixed):
        page_form = form_class(data=row, prefix="row")
        assert got == _outcome(page_form, page_form.record_data() if page_form.is_valid() else None)


def test_rows_the_form_passes_never_reach_it_and_the_others_get_its_errors(monkeypatch):
    """Passing rows are recognised column by column, text and ISO dates without calling the fields' clean();
    only the rows with a problem go through the form's fields and clean()."""
    form_class = record_form_class(catalogue().kind("health_case"))
    good = {"inpatient_no": "0023001", "patient": "患者", "admitted_on": "2024-03-01", "discharged_on": "2024-03-08",
            "surgery": "", "admission_diagnosis": "肺炎", "discharge_diagnosis": "肺炎 好转", "outcome": "好转"}
    bad = [{**good, "discharged_on": "2024-02-28"}, {**good, "patient": "字" * 31},
           {**good, "admitted_on": (TODAY + datetime.timedelta(days=1)).isoformat()}, {**good, "outcome": "痊愈了"}]
    rows = [{**good, "inpatient_no": f"{i:07d}", "admitted_on": f"2023-{1 + i % 12:02d}-01"} for i in range(600)] + bad
    asked, cleaned_outside, in_form = [], [], []
    is_valid = form_class.is_valid

    def spy_form(form):
        asked.append(dict(form.data))
        in_form.append(True)
        try:
            return is_valid(form)
        finally:
            in_form.pop()

    def spy_field(field, value):
        if not in_form:
            cleaned_outside.append((type(field).__name__, value))
        return django_forms.Field.clean(field, value)

    monkeypatch.setattr(form_class, "is_valid", spy_form)
    monkeypatch.setattr(django_forms.CharField, "clean", spy_field, raising=False)
    monkeypatch.setattr(django_forms.DateField, "clean", spy_field, raising=False)

    got = [_outcome(form, data) for form, data in validate_rows(form_class, rows)]

    assert asked == bad
    # Outside the form: only the cells the shortcuts leave to the field (over-long text, a future date); the
    # choice fields are ChoiceFields, cleaned once per distinct value.
    assert cleaned_outside == [("CharField", "字" * 31), ("DateField", bad[2]["admitted_on"])]
    assert [data["inpatient_no"] for _errors, data in got[:600]] == [f"{i:07d}" for i in range(600)]
    assert [errors for errors, _data in got[600:]] == [
        {"discharged_on": ["出院日期不能早于入院日期。"]}, {"patient": ["姓名不能超过30个字。"]},
        {"admitted_on": ["入院日期不能晚于今天。"]}, {"outcome": ["请从列表中选择抢救或治疗结果。"]}]
