"""A file that cannot be imported faithfully is refused with its Chinese reason, and nothing is written: no
record, no row of a case list — not even when the commit itself fails part-way."""

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from core import excel
from dossier import services
from dossier.catalogue import catalogue
from dossier.models import ImportJob, Record, RecordItem
from tests.crafted_xlsx import header, inline, row, worksheet, xlsx
from tests.helpers import sign_in

from .support import (
    XLSX,
    as_cells,
    case_import_url,
    case_values,
    commit,
    fill,
    items_import_url,
    make_case,
    make_topic,
    png_bytes,
    rows_of,
    template_workbook,
    text,
    topic_case_values,
    upload,
    workbook_upload,
)

CASE_TEMPLATE = "/dossier/template/health_case/"
TOMORROW = datetime.date.today() + datetime.timedelta(days=1)


def _filled(client, rows: int = 3):
    kind = catalogue().kind("health_case")
    cells = [as_cells(kind.fields, case_values(i)) for i in range(1, rows + 1)]
    return fill(template_workbook(client, CASE_TEMPLATE), cells)


def _file(name: str, content: bytes, content_type: str = XLSX) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def _zip_bomb() -> bytes:
    """An .xlsx-looking zip whose one part inflates from ~50 KB to 50 MB of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (50 * 1024 * 1024))
    return buffer.getvalue()


# File-level problems: the whole file is refused with one message.
def xls(client):
    return _file("病案.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "application/vnd.ms-excel")


def csv(client):
    return _file("病案.csv", "住院号,姓名\n00230001,患者1\n".encode(), "text/csv")


def picture_renamed(client):
    return _file("病案.xlsx", png_bytes())


def text_renamed(client):
    return _file("病案.xlsx", "住院号,姓名\n00230001,患者1\n".encode() * 20)


def missing_column(client):
    workbook = _filled(client)
    workbook.worksheets[0].delete_cols(5)  # 手术类别
    return workbook_upload(workbook)


def renamed_column(client):
    workbook = _filled(client)
    workbook.worksheets[0]["B1"] = "患者姓名"
    return workbook_upload(workbook)


def zip_bomb(client):
    return _file("病案.xlsx", _zip_bomb())


def oversized(client):
    return _file("病案.xlsx", b"PK\x03\x04" + b"\0" * excel.MAX_UPLOAD_BYTES)


def empty_sheet(client):
    return workbook_upload(Workbook())


def header_only(client):
    return workbook_upload(template_workbook(client, CASE_TEMPLATE))


def _far(client, ref: str, number: int):
    """The template's header and one cell far away: a few KB that the reader would make a grid of GiBs."""
    labels = [cell.value for cell in template_workbook(client, CASE_TEMPLATE).worksheets[0][1]]
    return _file("病案.xlsx", xlsx(worksheet(header(labels) + row(number, inline(ref, "x")))))


def cell_at_XFD1048576(client):
    return _far(client, "XFD1048576", 1048576)


def cell_at_H1000000(client):
    return _far(client, "H1000000", 1000000)


ONLY_XLSX = "只支持 .xlsx 格式的Excel文件，请在Excel中“另存为” .xlsx 后再上传。"
NOT_XLSX = "文件内容不是有效的 .xlsx 文件。"
FILE_PROBLEMS = [
    (xls, ONLY_XLSX),
    (csv, ONLY_XLSX),
    (picture_renamed, NOT_XLSX),
    (text_renamed, NOT_XLSX),
    (missing_column, "表头与模板不一致（缺少列：手术类别），请使用本系统下载的模板。"),
    (renamed_column, "表头与模板不一致（缺少列：姓名；多出或被改名的列：患者姓名），请使用本系统下载的模板。"),
    (zip_bomb, "文件解压后过大，疑似异常文件，已拒绝。"),
    (oversized, "文件超过10MB，请分批导入。"),
    (empty_sheet, "文件是空的。"),
    (header_only, "模板中没有数据行。"),
    (cell_at_XFD1048576, "第XFD列有内容，超出了模板的8列（A–H列）。请删除模板以外的列和内容后再上传。"),
    (cell_at_H1000000, "第1000000行有内容，超出了一次最多导入的20000行数据。请删除多余的行、不要留空行，或分批导入。"),
]


def _nothing_written():
    assert not Record.objects.exists()
    assert not RecordItem.objects.exists()


@pytest.mark.parametrize(("make_file", "message"), FILE_PROBLEMS, ids=[f.__name__ for f, _ in FILE_PROBLEMS])
def test_a_file_that_cannot_be_read_faithfully_is_refused_with_its_reason(nurse_client, make_file, message):
    page, job = upload(nurse_client, case_import_url(), make_file(nurse_client))

    assert job.state == ImportJob.State.INVALID
    assert job.message == message
    assert message in text(page)
    assert "正式导入" not in text(page)
    _nothing_written()
    # 正式导入 cannot be forced either.
    refused = commit(nurse_client, job)
    assert "只有全部行都允许导入时才能正式导入。" in text(refused)
    _nothing_written()


def _case_list_file(client, make_file):
    """The same problem in the 专题 case-list template (its own columns: 性别, 病人姓名)."""
    workbook = template_workbook(client, "/dossier/template/health_topic/cases/")
    if make_file is header_only:
        return workbook_upload(workbook)
    child = catalogue().kind("health_topic").child("cases")
    fill(workbook, [as_cells(child.fields, topic_case_values(i)) for i in (5, 6)])
    if make_file is missing_column:
        workbook.worksheets[0].delete_cols(3)  # 性别
    if make_file is renamed_column:
        workbook.worksheets[0]["B1"] = "患者姓名"
    return workbook_upload(workbook)


CASE_LIST_PROBLEMS = [
    (xls, ONLY_XLSX),
    (csv, ONLY_XLSX),
    (picture_renamed, NOT_XLSX),
    (text_renamed, NOT_XLSX),
    (missing_column, "表头与模板不一致（缺少列：性别），请使用本系统下载的模板。"),
    (renamed_column, "表头与模板不一致（缺少列：病人姓名；多出或被改名的列：患者姓名），请使用本系统下载的模板。"),
    (zip_bomb, "文件解压后过大，疑似异常文件，已拒绝。"),
    (empty_sheet, "文件是空的。"),
    (header_only, "模板中没有数据行。"),
]


@pytest.mark.parametrize(("make_file", "message"), CASE_LIST_PROBLEMS, ids=[f.__name__ for f, _ in CASE_LIST_PROBLEMS])
def test_a_case_list_refuses_the_same_files_and_keeps_its_rows(nurse_client, nurse, make_file, message):
    record = make_topic(nurse, cases=2)
    before = rows_of(record, "cases")
    if make_file in (missing_column, renamed_column, header_only):
        file = _case_list_file(nurse_client, make_file)
    else:
        file = make_file(nurse_client)

    page, job = upload(nurse_client, items_import_url(record), file)

    assert job.state == ImportJob.State.INVALID
    assert job.message == message
    assert message in text(page)
    commit(nurse_client, job)
    assert rows_of(record, "cases") == before
    assert Record.objects.count() == 1


# Row-level problems: the preview lists each with its row and column; nothing may be committed.
def _rows_with(client, change):
    kind = catalogue().kind("health_case")
    rows = [as_cells(kind.fields, case_values(i)) for i in range(1, 4)]
    change(rows)
    return workbook_upload(fill(template_workbook(client, CASE_TEMPLATE), rows))


def numeric_hospital_number(rows):
    rows[0][0] = 230001  # typed as a number: leading zeros (and long numbers' digits) are lost


def admitted_in_the_future(rows):
    rows[1][2], rows[1][3] = TOMORROW, TOMORROW


def discharged_before_admission(rows):
    rows[2][3] = rows[2][2] - datetime.timedelta(days=1)


def duplicate_rows(rows):
    rows[2] = list(rows[0])


def unreadable_date(rows):
    rows[0][2] = "2024年13月"


def missing_required_value(rows):
    rows[1][7] = None  # 抢救或治疗结果


def choice_not_in_the_list(rows):
    rows[0][4] = "特级手术"


ROW_PROBLEMS = [
    (numeric_hospital_number, 2, "住院号", "该单元格是数字格式，数字可能已丢失（如开头的0或末尾几位），请将该列设为文本格式后重新录入。"),
    (admitted_in_the_future, 3, "入院日期", "入院日期不能晚于今天。"),
    (discharged_before_admission, 4, "出院日期", "出院日期不能早于入院日期。"),
    (duplicate_rows, 4, "住院号、入院日期", "与第2行重复。"),
    (unreadable_date, 2, "入院日期", "“2024年13月”不是有效日期，请按 2024-03-15 的格式填写。"),
    (missing_required_value, 3, "抢救或治疗结果", "请选择抢救或治疗结果。"),
    (choice_not_in_the_list, 2, "手术类别", "请从列表中选择手术类别。"),
]


@pytest.mark.parametrize(("change", "line", "column", "message"), ROW_PROBLEMS,
                         ids=[change.__name__ for change, *_ in ROW_PROBLEMS])
def test_a_bad_row_is_shown_with_its_row_column_and_message_and_nothing_is_imported(
    nurse_client, change, line, column, message
):
    page, job = upload(nurse_client, case_import_url(), _rows_with(nurse_client, change))

    assert job.state == ImportJob.State.INVALID
    assert {"line": line, "column": column, "message": message} in job.errors
    assert f"第{line}行 {column} {message}" in text(page)
    assert "本次未导入任何数据" in text(page)
    assert "正式导入" not in text(page)
    commit(nurse_client, job)
    _nothing_written()


def test_a_future_date_in_a_case_list_is_refused(nurse_client, nurse):
    record = make_topic(nurse)
    child = catalogue().kind("health_topic").child("cases")
    future = topic_case_values(1, admitted=TOMORROW)
    workbook = fill(template_workbook(nurse_client, "/dossier/template/health_topic/cases/"),
                    [as_cells(child.fields, future)])

    page, job = upload(nurse_client, items_import_url(record), workbook_upload(workbook))

    assert {"line": 2, "column": "入院日期", "message": "入院日期不能晚于今天。"} in job.errors
    commit(nurse_client, job)
    _nothing_written_to(record)


def _nothing_written_to(record):
    assert not RecordItem.objects.filter(record=record).exists()


def test_an_import_clashing_with_an_existing_record_is_refused_at_preview(nurse_client, nurse):
    make_case(nurse, 3)  # already entered by hand
    kind = catalogue().kind("health_case")
    workbook = fill(template_workbook(nurse_client, CASE_TEMPLATE),
                    [as_cells(kind.fields, case_values(i)) for i in range(1, 6)])
    page, job = upload(nurse_client, case_import_url(), workbook_upload(workbook))

    assert job.state == ImportJob.State.INVALID
    assert [(e["line"], e["message"]) for e in job.errors] == [(4, "与系统中已有的记录重复。")]
    assert "与系统中已有的记录重复。" in text(page)
    assert Record.objects.count() == 1


def test_a_clash_arriving_between_preview_and_commit_writes_nothing(nurse_client, nurse):
    kind = catalogue().kind("health_case")
    workbook = fill(template_workbook(nurse_client, CASE_TEMPLATE),
                    [as_cells(kind.fields, case_values(i)) for i in range(1, 6)])
    page, job = upload(nurse_client, case_import_url(), workbook_upload(workbook))
    assert job.state == ImportJob.State.READY
    make_case(nurse, 3)  # entered by hand after the preview

    done = commit(nurse_client, job)

    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED
    assert job.message == "第3条与已有的卫生-病案重复，请删除后再导入。"
    assert job.message in text(done)
    assert Record.objects.count() == 1


def test_a_case_list_import_clashing_with_a_listed_case_is_refused_at_preview(nurse_client, nurse):
    record = make_topic(nurse, cases=2)
    before = rows_of(record, "cases")
    child = catalogue().kind("health_topic").child("cases")
    workbook = fill(template_workbook(nurse_client, "/dossier/template/health_topic/cases/"),
                    [as_cells(child.fields, topic_case_values(i)) for i in (7, 8, 2, 9)])
    page, job = upload(nurse_client, items_import_url(record), workbook_upload(workbook))

    assert job.state == ImportJob.State.INVALID
    assert [(e["line"], e["message"]) for e in job.errors] == [(4, "与系统中已有的记录重复。")]
    assert rows_of(record, "cases") == before


def test_a_failure_after_the_first_batch_rolls_back_every_batch(nurse):
    kind = catalogue().kind("health_case")
    calls = []

    def progress(n):
        calls.append(n)
        if len(calls) == 2:
            raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        services.records_import_rows(owner=nurse, kind=kind, rows=[case_values(i) for i in range(1, 8)],
                                     progress=progress, batch=3)

    assert calls == [3, 6]
    _nothing_written()


def test_a_job_of_another_person_cannot_be_seen_or_committed(client, nurse_client, colleague):
    page, job = upload(nurse_client, case_import_url(), _rows_with(nurse_client, lambda rows: None))
    assert job.state == ImportJob.State.READY
    sign_in(client, colleague)

    assert client.get(f"/dossier/imports/{job.pk}/").status_code == 404
    assert client.post(f"/dossier/imports/{job.pk}/commit/").status_code == 404
    _nothing_written()
