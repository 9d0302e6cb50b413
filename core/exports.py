"""Writing a list's export: an .xlsx built row by row with openpyxl's write-only workbook (rows go to a temporary
file as they come, so a 20,000-row list is never held in memory), its first row and its properties naming who
exported it and when (a watermark that travels with the file), every text a spreadsheet could take for a formula
stored as text with the quote prefix (the same rule as core.excel.cell_as_text)."""

from collections.abc import Callable, Iterable
from datetime import datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .excel import FORMULA_STARTS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PROGRESS_EVERY = 500  # rows between two progress reports


def watermark(exporter: str, at: datetime, *, masked: bool = True) -> str:
    return (f"导出人：{exporter}　导出时间：{at:%Y-%m-%d %H:%M}"
            + ("" if masked else "　含完整证件号码，仅限本次用途，不得外传"))


def _cell(sheet, value, *, bold: bool = False):
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True
    if bold:
        cell.font = Font(bold=True)
    return cell


def xlsx_write(target, *, title: str, columns: list[str], rows: Iterable[list], mark: str, exporter: str,
               at: datetime, progress: Callable[[int], None] | None = None) -> int:
    """Write the list to `target` (a path or a binary file): the watermark row, the header, the rows; returns the
    number of rows written. `progress(n)` is called every PROGRESS_EVERY rows."""
    workbook = Workbook(write_only=True)
    workbook.properties.creator = exporter
    workbook.properties.lastModifiedBy = exporter
    workbook.properties.title = title
    workbook.properties.description = mark
    workbook.properties.created = at.replace(tzinfo=None)
    sheet = workbook.create_sheet(title[:31])
    sheet.append([_cell(sheet, mark)])
    sheet.append([_cell(sheet, name, bold=True) for name in columns])
    written = 0
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
        written += 1
        if progress is not None and written % PROGRESS_EVERY == 0:
            progress(written)
    workbook.save(target)
    return written
