"""Imports validate each cell with the generated form's own field objects instead of a full form per row
(dossier.forms.validate_rows). For every form the catalogue generates, rows full of good and bad values get the
same errors (field, messages in order) and the same data from that path as from the form the page uses."""

import datetime
import random

import pytest

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
            return [*blank, "正常内容", " 前后空格 ", "字" * limit, "字" * (limit + 1), "a\x00b", "ISSN 1234-5678",
                    "ZL202310123456.7", "0023001", "x"]
        case "date":
            return [*blank, "2024-03-15", "2024-02-30", "2024/03/15", "15.03.2024", "不是日期",
                    (TODAY + datetime.timedelta(days=1)).isoformat(), "1999-12-31", TODAY.isoformat()]
        case "year" | "int" | "decimal":
            return [*blank, "5", "0", "-3", "2024", "1800", "99999999999999999", "12.345", "3.5", "abc", "1e3"]
        case "choice":
            return [*blank, *spec.choices, "不在列表中"]
        case "multichoice":
            return [*blank, *spec.choices[:2], "不在列表中", [], list(spec.choices[:2]), ["不在列表中"]]
        case "bool":
            return [*blank, "on", "是", "否", "false"]
    raise AssertionError(spec.type)


GOOD_PATTERN_VALUES = {"journal_number": "ISSN 1234-5678", "patent_number": "ZL202310123456.7", "digits": "0023001"}


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
    assert forms._direct_columns(form_class()) is not None, "the form no longer qualifies for the direct path"
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
    assert forms._direct_columns(form_class(prefix="row")) is None
    assert forms._direct_columns(form_class(unit_name="福州市第一医院")) is not None  # no fill field here

    rows = [{"row-patient": "患者1"}, {"row-patient": "字" * 31}]
    prefixed = [_outcome(form, data) for form, data in validate_rows(form_class, rows, prefix="row")]

    for row, got in zip(rows, prefixed):
        page_form = form_class(data=row, prefix="row")
        assert got == _outcome(page_form, page_form.record_data() if page_form.is_valid() else None)
