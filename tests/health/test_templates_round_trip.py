"""Excel templates (SPEC §3.2 types 19–22): each is downloaded over HTTP, checked as Excel shows it, filled with
openpyxl as an applicant would, uploaded, previewed (允许导入), committed (正式导入) — and the same rows come back."""

import datetime

import pytest
from openpyxl.styles.numbers import is_date_format
from openpyxl.utils import get_column_letter

from core.models import FlowEntry
from dossier.catalogue import catalogue
from dossier.models import ImportJob, Record, RecordItem

from .support import (
    allowed_rows,
    as_cells,
    case_import_url,
    case_values,
    commit,
    fill,
    items_import_url,
    make_review,
    make_topic,
    reference_values,
    rows_of,
    template_workbook,
    text,
    topic_case_values,
    upload,
    workbook_upload,
)

# (url, kind, child list): the 卫生-病案 template and the child-list templates.
TEMPLATES = [
    ("/dossier/template/health_case/", "health_case", None),
    ("/dossier/template/health_topic/cases/", "health_topic", "cases"),
    ("/dossier/template/health_paper/cases/", "health_paper", "cases"),
    ("/dossier/template/health_review/references/", "health_review", "references"),
]


def _specs(kind_key, child_key):
    kind = catalogue().kind(kind_key)
    return kind.child(child_key) if child_key else kind


def _validations_of(sheet, letter: str) -> list:
    return [dv for dv in sheet.data_validations.dataValidation if f"{letter}2" in dv.sqref]


@pytest.mark.parametrize(("url", "kind_key", "child_key"), TEMPLATES)
def test_each_template_has_its_header_dropdowns_formats_and_instructions(nurse_client, url, kind_key, child_key):
    spec = _specs(kind_key, child_key)
    numbered = bool(child_key) and spec.numbered
    workbook = template_workbook(nurse_client, url)
    sheet = workbook.worksheets[0]

    header = [cell.value for cell in sheet[1] if cell.value is not None]
    assert header == (["序号"] if numbered else []) + [f.label for f in spec.fields]

    offset = 2 if numbered else 1
    for index, field in enumerate(spec.fields, start=offset):
        letter = get_column_letter(index)
        lists = [dv for dv in _validations_of(sheet, letter) if dv.type == "list"]
        if field.type == "choice":
            assert len(lists) == 1, f"{field.label}: no drop-down"
            assert lists[0].formula1 == '"' + ",".join(field.choices) + '"'
            assert lists[0].sqref and f"{letter}500" in lists[0].sqref
        else:
            assert not lists, f"{field.label}: unexpected drop-down"
        if field.type == "date":
            assert is_date_format(sheet[f"{letter}2"].number_format), field.label
            assert is_date_format(sheet[f"{letter}300"].number_format), field.label
        if field.excel_text:
            assert sheet[f"{letter}2"].number_format == "@", field.label
    if kind_key != "health_review":
        hospital_no = next(f for f in spec.fields if f.key == "inpatient_no")
        assert hospital_no.label in ("住院号", "住院(门诊)号") and hospital_no.excel_text

    assert workbook.sheetnames[1] == "填写说明"
    guide = [c for row in workbook["填写说明"].iter_rows(values_only=True) for c in row if c]
    assert guide[0] == "填写说明"
    assert any(spec.label in line for line in guide)
    assert any("请勿修改" in line for line in guide)
    for field in spec.fields:
        assert field.label in guide, f"the instructions do not explain {field.label}"


def test_template_of_an_unknown_list_or_a_type_without_import_is_not_found(nurse_client):
    assert nurse_client.get("/dossier/template/health_topic/nothing/").status_code == 404
    assert nurse_client.get("/dossier/template/health_topic/").status_code == 404
    assert nurse_client.get("/dossier/template/no_such_kind/").status_code == 404


def test_case_records_come_back_exactly_as_filled(nurse_client, nurse):
    kind = catalogue().kind("health_case")
    expected = [case_values(i) for i in range(1, 8)]
    workbook = fill(template_workbook(nurse_client, "/dossier/template/health_case/"),
                    [as_cells(kind.fields, values) for values in expected])

    page, job = upload(nurse_client, case_import_url(), workbook_upload(workbook))

    assert job.state == ImportJob.State.READY, job.errors
    assert allowed_rows(page) == len(expected)
    assert "共7行，全部允许导入。" in text(page)
    assert "00230001" in text(page)  # the leading zeros survived
    assert not Record.objects.exists()  # the preview writes nothing

    done = commit(nurse_client, job)

    assert done.redirect_chain[-1][0] == "/dossier/k/health_case/"
    assert "已导入7条。" in text(done)
    records = list(Record.objects.filter(owner=nurse, kind="health_case").order_by("pk"))
    assert [r.data for r in records] == expected
    assert {r.status for r in records} == {"draft"}
    assert [r.title for r in records] == [v["patient"] for v in expected]
    assert FlowEntry.objects.filter(action="excel_import").count() == 7
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE and job.rows == []


@pytest.mark.parametrize("kind_key", ["health_topic", "health_paper"])
def test_case_list_rows_come_back_in_order_after_those_already_entered(nurse_client, nurse, kind_key):
    record = make_topic(nurse, kind_key=kind_key, cases=2)
    child = catalogue().kind(kind_key).child("cases")
    expected = [topic_case_values(i) for i in range(10, 22)]
    workbook = fill(template_workbook(nurse_client, f"/dossier/template/{kind_key}/cases/"),
                    [as_cells(child.fields, values) for values in expected])

    page, job = upload(nurse_client, items_import_url(record), workbook_upload(workbook, "病案列表.xlsx"))

    assert job.state == ImportJob.State.READY, job.errors
    assert allowed_rows(page) == 12
    assert RecordItem.objects.filter(record=record).count() == 2

    done = commit(nurse_client, job)

    assert done.redirect_chain[-1][0] == f"/dossier/r/{record.pk}/items/cases/"
    assert "已导入12条。" in text(done)
    rows = rows_of(record, "cases")
    assert rows[2:] == expected
    assert [topic_case_values(i)["inpatient_no"] for i in (1, 2)] == [r["inpatient_no"] for r in rows[:2]]
    assert list(record.items.order_by("position").values_list("position", flat=True)) == list(range(1, 15))


def test_references_come_back_in_order_and_their_numbers_are_only_a_guide(nurse_client, nurse):
    record = make_review(nurse)
    child = catalogue().kind("health_review").child("references")
    this_year = datetime.date.today().year
    expected = [reference_values(i, year=this_year - i % 5) for i in range(1, 24)]
    # 序号 as people type it: not necessarily 1, 2, 3…
    workbook = fill(template_workbook(nurse_client, "/dossier/template/health_review/references/"),
                    [as_cells(child.fields, values, index=i * 10) for i, values in enumerate(expected, start=1)])

    page, job = upload(nurse_client, items_import_url(record, "references"), workbook_upload(workbook, "文献.xlsx"))
    assert job.state == ImportJob.State.READY, job.errors
    assert allowed_rows(page) == 23
    commit(nurse_client, job)

    assert rows_of(record, "references") == expected
    # Imported references still need their attachments, one by one, before the 综述 can be submitted.
    page = nurse_client.get(f"/dossier/r/{record.pk}/items/references/")
    assert "每条参考文献都须上传附件：第1条、第2条" in text(page)
