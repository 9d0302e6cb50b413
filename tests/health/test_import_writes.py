"""正式导入 writes its rows with a few multi-row statements: every record as the form left it, its history row and
one flow entry per record, the unit's counters as a recount finds them; on PostgreSQL the job page sees the progress while the
import's transaction is still open. Reading takes a shortcut for string cells that must change nothing."""

import datetime
import io
import json

import pytest
from django.db import connection, connections
from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from accounts.models import Role
from core import excel
from core.models import FlowEntry
from dossier import imports, services
from dossier.catalogue import catalogue
from dossier.models import ImportJob, Record, RecordCounter

from .support import case_values


def _counters() -> set[tuple]:
    return set(RecordCounter.objects.filter(n__gt=0).values_list("unit_id", "kind", "status", "n"))


@pytest.mark.django_db
def test_each_row_becomes_a_draft_record_with_its_flow_entry_and_the_counters_match_a_recount(nurse):
    kind = catalogue().kind("health_case")
    services.record_create(owner=nurse, kind=kind, data=case_values(100))  # one entered by hand before
    rows = [case_values(i) for i in range(1, 26)]

    created = services.records_import_rows(owner=nurse, kind=kind, rows=rows, batch=7)

    assert created == 25
    records = list(Record.objects.filter(owner=nurse, kind="health_case").exclude(data=case_values(100))
                   .order_by("pk"))
    assert sorted((r.data for r in records), key=lambda d: d["inpatient_no"]) == rows
    for record in records:
        assert (record.status, record.source, record.unit_id, record.external_key) == ("draft", "user", nurse.unit_id,
                                                                                       None)
        assert record.title == record.data["patient"]
        assert record.search_text == " ".join(
            str(record.data[k] or "") for k in ("inpatient_no", "patient", "admission_diagnosis")).lower()
        assert record.created_at and record.updated_at and record.submitted_at is None
    entries = FlowEntry.objects.filter(action="excel_import")
    assert sorted(entries.values_list("subject_id", flat=True)) == [r.pk for r in records]
    assert {(e.subject_type, e.actor_id, e.actor_name, e.role, e.from_status, e.to_status) for e in entries} == {
        ("record", nurse.pk, nurse.name, Role.APPLICANT.label, "", "draft")}
    history = Record.history.filter(id__in=[r.pk for r in records])
    assert sorted(history.values_list("id", "history_type", "history_user_id", "status")) == [
        (r.pk, "+", nurse.pk, "draft") for r in records]
    before = _counters()
    assert (nurse.unit_id, "health_case", "draft", 26) in before
    services.counters_rebuild()
    assert _counters() == before


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kept", ["batches", "rows"])
def test_the_job_page_sees_the_progress_of_a_commit_before_it_ends(nurse, monkeypatch, kept):
    """PostgreSQL: another connection (the job page) sees the count move while the records are not yet visible.
    SQLite has one writer, so there the progress lands with the import's own (short) commit; the batches still
    report their progress in order. A job keeps its rows as the batches to write; one validated before that
    (its rows as dicts) is committed the same way."""
    outside = connection.vendor == "postgresql"
    rows = [case_values(i) for i in range(1, 10)]
    job = ImportJob.objects.create(owner=nurse, kind="health_case", file_name="病案.xlsx", total=len(rows),
                                   state=ImportJob.State.IMPORTING, **(
                                       {"rows": rows[:2], "batches": "\n".join(services.import_batches(rows, 3))}
                                       if kept == "batches" else {"rows": rows}))
    seen = []
    real = services.records_import if kept == "batches" else services.records_import_rows

    def in_small_batches(*, progress, **kwargs):
        assert (progress is not None) == outside  # SQLite: no second writer, so no outside progress

        def watched(n):
            if progress is not None:
                progress(n)
            seen.append((n, _processed_seen_from_outside(job.pk) if outside else n, Record.objects.count()))
        return real(progress=watched, **kwargs) if kept == "batches" else real(progress=watched, batch=3, **kwargs)

    monkeypatch.setattr(services, real.__name__, in_small_batches)

    imports._commit(job.pk)

    # Another connection saw the count move while the records themselves were not yet visible to it.
    assert [(n, seen_outside) for n, seen_outside, _inside in seen] == [(3, 3), (6, 6), (9, 9)]
    assert [inside for _n, _outside, inside in seen] == [3, 6, 9]  # inside the transaction, batch by batch
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE and job.processed == 9 and Record.objects.count() == 9
    assert (job.rows, job.batches) == ([], "")
    assert sorted(Record.objects.values_list("data", flat=True), key=lambda d: d["inpatient_no"]) == rows


def _processed_seen_from_outside(job_id: int) -> int:
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT processed FROM dossier_importjob WHERE id = %s", [job_id])
            (processed,) = cursor.fetchone()
            cursor.execute("SELECT count(*) FROM dossier_record")
            assert cursor.fetchone() == (0,)
        return processed
    finally:
        other.close()


def test_the_stored_batches_hold_every_value_as_validated_one_document_per_line(nurse):
    """A job's batches: one JSON document per line, each the rows as validated, back as they were whatever they
    hold (a line or paragraph separator, an integer beyond 64 bits, which the fast encoder refuses and the
    standard one takes); the records then get their title and search text from them."""
    kind = catalogue().kind("health_case")
    rows = [case_values(i) for i in range(1, 6)]
    rows[1]["patient"] = "患者\u2028二\n行"
    rows[3]["extra"] = 2**70
    text = "\n".join(services.import_batches(rows, 2))
    lines = text.split("\n")

    assert len(lines) == 3
    assert [row for line in lines for row in json.loads(line)] == rows
    assert "\\u" not in text  # Chinese text as itself, not as escapes
    assert services.records_import(owner=nurse, kind=kind, batches=lines) == 5
    records = {r.data["inpatient_no"]: r for r in Record.objects.filter(owner=nurse)}
    assert [records[row["inpatient_no"]].data for row in rows] == rows
    assert records[rows[1]["inpatient_no"]].title == "患者\u2028二\n行"
    assert records[rows[0]["inpatient_no"]].search_text == "00230001 患者1 社区获得性肺炎1"


def test_reading_converts_every_kind_of_cell_as_the_plain_conversion_does():
    """read_rows' shortcuts for string cells and dates give what core.excel._convert gives for every cell type."""
    columns = [excel.Column(key="_index", label="序号", type="index"),
               excel.Column(key="code", label="编号", excel_text=True),
               excel.Column(key="name", label="名称"),
               excel.Column(key="when", label="日期", type="date"),
               excel.Column(key="flag", label="是否", type="bool"),
               excel.Column(key="level", label="级别", type="choice", choices=("一级", "二级")),
               excel.Column(key="count", label="数量", type="int")]
    cells = [" 0023 ", "", "   ", None, 230001, 3.0, 2.5, True, "是", "否", "2024/03/15", "2024年13月",
             datetime.datetime(2024, 3, 15, 8, 30), datetime.date(2020, 1, 2), " 一级 "]
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([c.label for c in columns])
    lines = []
    for i in range(len(cells)):
        sheet.append([i] + [cells[(i + k) % len(cells)] for k in range(len(columns) - 1)])
        lines.append(i + 2)
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = io.BytesIO(buffer.getvalue())
    upload.name, upload.size = "测试.xlsx", len(buffer.getvalue())
    table = CalamineWorkbook.from_filelike(io.BytesIO(buffer.getvalue())).get_sheet_by_index(0).to_python()

    rows = excel.read_rows(upload, columns)

    assert [row.line for row in rows] == lines
    for row, raw in zip(rows, table[1:]):
        expected = excel.ParsedRow(line=row.line, values={})
        for column, value in zip(columns, raw):
            if column.type != "index":
                expected.values[column.key] = excel._convert(column, value, expected)
        assert (row.values, row.errors) == (expected.values, expected.errors)


def test_a_row_of_empty_or_blank_cells_is_skipped_and_one_with_any_value_kept():
    """Blank rows between the data (spaces only, or nothing) are not rows; a 0, a 否 cell, a date, or a value
    in the last column alone keeps its row (and its line number)."""
    columns = [excel.Column(key="name", label="名称"), excel.Column(key="count", label="数量", type="int"),
               excel.Column(key="flag", label="是否", type="bool"), excel.Column(key="when", label="日期", type="date")]
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([c.label for c in columns])
    for cells in (["甲", 1, "是", None], [None, None, None, None], ["  ", " ", "\u3000 ", None], [None, 0, None, None],
                  [None, None, "否", None], [], [None, None, None, datetime.date(2024, 3, 15)], ["乙"]):
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = io.BytesIO(buffer.getvalue())
    upload.name, upload.size = "测试.xlsx", len(buffer.getvalue())

    rows = excel.read_rows(upload, columns)

    assert [row.line for row in rows] == [2, 5, 6, 8, 9]
    assert [row.values["name"] for row in rows] == ["甲", "", "", "", "乙"]
    assert rows[1].values["count"] == "0" and rows[3].values["when"] == "2024-03-15"
