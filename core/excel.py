"""Excel templates (openpyxl) and uploads (python-calamine) for any list of field declarations.

A template has the header row, a drop-down for every choice field, date-formatted date columns, text-formatted
columns where digits must survive (住院号, ID numbers) and an instructions sheet. Reading refuses what cannot be
read faithfully — other formats, renamed or missing columns, numbers typed into text columns, oversized or
zip-bomb files, values outside the template's columns or row limit — before any row is validated, and the sheet
is read in a child process of bounded memory (core.xlsx_guard). Every workbook handed out is written through
`workbook_bytes`, which keeps values a spreadsheet would take for formulas as text.
"""

import datetime
import io
import zipfile
from dataclasses import dataclass, field

import magic
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .xlsx_guard import SheetRefused, column_letters, reading, sheet_extent

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_RATIO = 100  # uncompressed / compressed: more than this is a zip bomb
MAX_ROWS = 20_000
XLSX_MIMES = {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/zip",
              "application/octet-stream"}
HEADER_FILL = PatternFill("solid", fgColor="DCE6F2")
REQUIRED_FONT = Font(bold=True, color="C00000")


# A cell whose text starts with one of these is taken for a formula by Excel, WPS or LibreOffice when it is typed
# (and "=" is stored as one by openpyxl): an applicant named =HYPERLINK("http://…?"&B2,"…") would become a live
# link sending the cell next to it (the full ID number) to a stranger's server.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_as_text(cell) -> None:
    """Keep a cell's value as the text it is when a spreadsheet could take it for a formula: stored as a string
    (never a formula) and marked with Excel's quote prefix, so that editing the cell keeps it text too. The value
    itself is unchanged (an import of the file reads back the same text)."""
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True


def workbook_bytes(workbook: Workbook) -> bytes:
    """The .xlsx bytes of a workbook the platform hands out. Every producer serialises through here, so that no
    value it writes (names, units, titles, anything a person typed) reaches a reader as a formula."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                cell_as_text(cell)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class ExcelError(Exception):
    """The file as a whole cannot be imported; the message is Chinese."""


@dataclass
class Column:
    key: str
    label: str
    type: str = "text"  # the FieldSpec types, plus "index" for a 序号 column that is ignored
    required: bool = False
    choices: tuple = ()
    excel_text: bool = False
    help: str = ""


def columns_from_specs(specs, *, numbered: bool = False) -> list[Column]:
    columns = [Column(key="_index", label="序号", type="index")] if numbered else []
    for spec in specs:
        columns.append(Column(key=spec.key, label=spec.label, type=spec.type, required=spec.required,
                              choices=spec.choices, excel_text=spec.excel_text or spec.type == "text",
                              help=spec.help))
    return columns


def template_bytes(columns: list[Column], *, title: str, notes: list[str] = (), rows: list[list] = ()) -> bytes:
    """An .xlsx template for `columns`, with an instructions sheet; `rows` (values in column order) are
    written below the header, for a template that lists what is to be filled in (答辩安排)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.label)
        cell.fill = HEADER_FILL
        cell.font = REQUIRED_FONT if column.required else Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(12, len(column.label) * 2 + 4)
        cells = f"{letter}2:{letter}{MAX_ROWS + 1}"
        if column.type == "date":
            for row in range(2, 502):
                sheet.cell(row=row, column=index).number_format = "yyyy-mm-dd"
            validation = DataValidation(type="date", operator="greaterThan", formula1="DATE(1900,1,1)",
                                        allow_blank=not column.required, showErrorMessage=True,
                                        errorTitle="日期格式", error="请输入日期，如 2024-03-15")
            validation.add(cells)
            sheet.add_data_validation(validation)
        elif column.excel_text:
            for row in range(2, 502):
                sheet.cell(row=row, column=index).number_format = "@"
        if column.choices or column.type == "bool":
            options = column.choices or ("是", "否")
            validation = DataValidation(type="list", formula1='"' + ",".join(options) + '"',
                                        allow_blank=not column.required, showErrorMessage=True,
                                        errorTitle="请从下拉列表选择", error="请从下拉列表中选择")
            validation.add(cells)
            sheet.add_data_validation(validation)
    for line, values in enumerate(rows, start=2):
        for index, value in enumerate(values, start=1):
            sheet.cell(row=line, column=index, value=value)
    sheet.freeze_panes = "A2"
    guide = workbook.create_sheet("填写说明")
    guide.column_dimensions["A"].width = 22
    guide.column_dimensions["B"].width = 70
    guide.append(["填写说明", ""])
    guide["A1"].font = Font(bold=True, size=13)
    for note in (*notes, "请勿修改、删除或调整表头列；从第2行开始填写，每行一条。",
                 "日期请按 2024-03-15 的格式填写；文本列已设为文本格式，请勿改为数字格式。",
                 "红色表头为必填列；带下拉框的列请从下拉列表中选择。"):
        guide.append(["", note])
    guide.append([])
    guide.append(["列名", "说明"])
    for column in columns:
        if column.type == "index":
            continue
        hint = "必填" if column.required else "选填"
        if column.type == "date":
            hint += "；日期"
        if column.choices:
            hint += "；可选：" + "、".join(column.choices)
        if column.help:
            hint += "；" + column.help
        guide.append([column.label, hint])
    return workbook_bytes(workbook)


@dataclass
class ParsedRow:
    line: int  # the Excel row number (header is 1)
    values: dict
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column label, message)


def _check_container(upload) -> None:
    name = (getattr(upload, "name", "") or "").lower()
    if not name.endswith(".xlsx"):
        if name.endswith((".xls", ".csv", ".et", ".ods")):
            raise ExcelError("只支持 .xlsx 格式的Excel文件，请在Excel中“另存为” .xlsx 后再上传。")
        raise ExcelError("请上传从本系统下载的 .xlsx 模板文件。")
    if upload.size > MAX_UPLOAD_BYTES:
        raise ExcelError(f"文件超过{MAX_UPLOAD_BYTES // 1024 // 1024}MB，请分批导入。")
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    if magic.from_buffer(head, mime=True) not in XLSX_MIMES or not head.startswith(b"PK"):
        raise ExcelError("文件内容不是有效的 .xlsx 文件。")
    try:
        with zipfile.ZipFile(upload) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise ExcelError("文件已损坏，无法读取。") from None
    finally:
        upload.seek(0)
    if total > MAX_UNCOMPRESSED_BYTES or total > MAX_RATIO * max(upload.size, 1):
        raise ExcelError("文件解压后过大，疑似异常文件，已拒绝。")


_REFUSALS = {
    "structure": "文件结构异常，无法安全读取，请使用本系统下载的模板重新填写后上传。",
    "unreadable": "无法读取该Excel文件，请使用本系统下载的模板。",
    "memory": "文件内容过多或结构异常，读取时超出了允许的内存或时间，已拒绝。请使用本系统下载的模板，分批导入。",
}


def _check_extent(upload, width: int, max_rows: int) -> None:
    """Refuse, before loading, a file with a value right of the template's last column or below its row limit
    (in any worksheet: the reader takes the first, and a hidden one is no safer)."""
    try:
        extent = sheet_extent(upload, width=width, rows=max_rows + 1)
    except SheetRefused as error:
        raise ExcelError(_REFUSALS[error.reason]) from None
    if extent is None:
        return
    if extent.columns > width:
        raise ExcelError(f"第{column_letters(extent.columns)}列有内容，"
                         f"超出了模板的{width}列（A–{column_letters(width)}列）。请删除模板以外的列和内容后再上传。")
    raise ExcelError(f"第{extent.rows}行有内容，超出了一次最多导入的{max_rows}行数据。请删除多余的行、不要留空行，"
                     "或分批导入。")


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_rows(upload, columns: list[Column], *, max_rows: int = MAX_ROWS) -> list[ParsedRow]:
    """Read the first sheet: check the header, convert cells, and return every data row with its cell-level
    errors (numbers in text columns, unreadable dates). Field rules are the caller's (Django forms).

    The sheet is read in a child process of bounded memory (core.xlsx_guard) while every worksheet's last row
    and column holding a value are found: a file wider than the template or longer than `max_rows` data rows
    is refused with its reason, whatever the child makes of it."""
    _check_container(upload)
    with reading(upload) as child:  # reads while the extent is checked; ended if the check refuses the file
        _check_extent(upload, len(columns), max_rows)
        try:
            table = child.table()
        except SheetRefused as error:
            raise ExcelError(_REFUSALS[error.reason]) from None
    if not table:
        raise ExcelError("文件是空的。")
    header = [_cell_text(v) for v in table[0]]
    while header and header[-1] == "":
        header.pop()
    expected = [c.label for c in columns]
    if header != expected:
        missing = [label for label in expected if label not in header]
        extra = [label for label in header if label and label not in expected]
        parts = []
        if missing:
            parts.append("缺少列：" + "、".join(missing))
        if extra:
            parts.append("多出或被改名的列：" + "、".join(extra))
        if not parts:
            parts.append("列的顺序与模板不一致")
        raise ExcelError("表头与模板不一致（" + "；".join(parts) + "），请使用本系统下载的模板。")
    width = len(columns)
    rows, kept = [], []
    for offset, raw in enumerate(table[1:], start=2):
        cells = raw[:width] if len(raw) >= width else list(raw) + [None] * (width - len(raw))
        for value in cells:  # blank: every cell None or a blank string (the row is skipped)
            if value is not None and (value.__class__ is not str or value.strip()):
                break
        else:
            continue
        if len(rows) >= max_rows:
            raise ExcelError(f"一次最多导入{max_rows}行，请分批导入。")
        rows.append(ParsedRow(line=offset, values={}))
        kept.append(cells)
    if not rows:
        raise ExcelError("模板中没有数据行。")
    # Column by column, one list comprehension each, with the common cells (strings in text columns, dates in
    # date columns) converted inline as _convert would; every other cell goes through _convert, which adds the
    # row's errors (in column order, as a row-by-row pass would).
    keys, converted = [], []
    for position, column in enumerate(columns):
        if column.type == "index":
            continue
        keys.append(column.key)
        cells = [c[position] for c in kept]
        if column.type == "date":
            values = [v.isoformat() if v.__class__ is datetime.date else _convert(column, v, row)
                      for v, row in zip(cells, rows)]
        elif column.type == "bool":
            values = [_convert(column, v, row) for v, row in zip(cells, rows)]
        else:
            values = [v.strip() if v.__class__ is str else _convert(column, v, row) for v, row in zip(cells, rows)]
        converted.append(values)
    for row, values in zip(rows, zip(*converted)):
        row.values = dict(zip(keys, values))
    return rows


def _convert(column: Column, value, row: ParsedRow):
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return ""
    if column.type == "date":
        if isinstance(value, datetime.datetime):
            return value.date().isoformat()
        if isinstance(value, datetime.date):
            return value.isoformat()
        text = _cell_text(value).replace("/", "-").replace(".", "-")
        try:
            return datetime.date.fromisoformat(text).isoformat()
        except ValueError:
            row.errors.append((column.label, f"“{_cell_text(value)}”不是有效日期，请按 2024-03-15 的格式填写。"))
            return ""
    if column.excel_text and isinstance(value, (int, float)) and not isinstance(value, bool):
        row.errors.append((column.label, "该单元格是数字格式，数字可能已丢失（如开头的0或末尾几位），"
                                         "请将该列设为文本格式后重新录入。"))
        return _cell_text(value)
    if column.type == "bool":
        text = _cell_text(value)
        return {"是": "on", "否": ""}.get(text, text)
    return _cell_text(value)
