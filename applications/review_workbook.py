"""The 评审表 as an Excel workbook laid out as the national printed form (FORMS-AND-RULES §1.1), drawing the same
description as the PDF (applications.review_form):

- 封面: the title, 姓名, 工作单位, 申报系列（专业）, 现任专业技术职务, 申报资格 and 填表日期 on ruled lines, the
  imprint;
- 评审表: 基本情况 (the photo in the top right cell), then every section in the template's order as a bordered
  form on eight columns (merged cells, A4 portrait, fitted to the page width, a page break before each opinion
  page), each list with the form's fixed rows, each fixed-size text cell cut where the PDF cuts it;
- 附页: what did not fit (the list rows beyond the fixed ones, the cut texts in full), each headed by the section
  it continues; the form says where each continues. Only when something overflowed.

A draft's preview is stamped 草稿 · 未提交 in every sheet's printed header, in a red first row and in a note on
the form; the filed print carries none of them. The re-print after the committee's result fills 答辩情况 and the
vote block, as the PDF's does.
"""

import io
import logging

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.drawing.image import Image as SheetImage
from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, OneCellAnchor
from openpyxl.drawing.xdr import XDRPositiveSize2D
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.units import pixels_to_EMU
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties

from core.excel import workbook_bytes
from core.pdf import break_lines

from .review_form import (
    ATTACHMENT_NOTE,
    ATTACHMENT_TITLE,
    CONTINUED,
    DRAFT_NOTE,
    DRAFT_STAMP,
    IMPRINT,
    REVIEW_TITLE,
    Box,
    Grid,
    Part,
    ReviewForm,
    Text,
    Vote,
    cn_date,
    review_form,
    series_fields,
    series_groups,
)

logger = logging.getLogger(__name__)

COLUMNS = (12, 12, 11, 12, 11, 12, 12, 12)  # A–H in character widths: about the A4 page's printable width
LAST = len(COLUMNS)
FONT_NAME = "宋体"
SIZE = 10
LINE = 13.5  # points a line of 10 pt text takes
CJK_WIDTH = 1.9  # a column width unit is the width of a "0"; a 10 pt Chinese character takes about 1.9
CHUNK = 24  # lines in one row of a long text (a row is at most 409 pt high)
SERIES_LINES = 6  # lines a series field's cell holds before it continues on the 附页
MM = 72 / 25.4
THIN = Side(style="thin", color="000000")
RED = "CC0000"
SHEETS = ("封面", "评审表", "附页")
VOTE_SPANS = (1, 1, 2, 2, 1, 1)  # 总人数 … 备注: the two longest headings on two columns


def spans(weights, columns: int = LAST) -> list[int]:
    """The form's columns shared among a table's columns by weight: each at least one, all of them used."""
    count = len(weights)
    if count >= columns:  # the last cell takes what is left (_grid_row)
        return [1] * columns
    total = sum(weights)
    shares = [columns * w / total for w in weights]
    result = [max(1, int(s)) for s in shares]
    while sum(result) > columns:
        result[result.index(max(result))] -= 1
    by_remainder = sorted(range(count), key=lambda i: shares[i] - int(shares[i]), reverse=True)
    i = 0
    while sum(result) < columns:
        result[by_remainder[i % count]] += 1
        i += 1
    return result


def _escape_code(text: str) -> str:
    """A value in a printed header or footer: "&" starts a code there."""
    return text.replace("&", "&&")


class Sheet:
    """A worksheet written top to bottom on the form's eight columns; `row` is the next free row."""

    def __init__(self, ws, *, draft: bool, name: str):
        self.ws, self.row, self.draft, self.name = ws, 1, draft, name
        for i, width in enumerate(COLUMNS, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        if draft:
            cell = self.put(self.next(LINE + 6), 1, LAST, DRAFT_STAMP, border="", bold=True, color=RED, size=12,
                            align="center")
            cell.comment = Comment(f"{DRAFT_STAMP}：{DRAFT_NOTE}", "zhicheng", width=240, height=60)

    def width(self, first: int, last: int) -> float:
        return sum(COLUMNS[first - 1:last])

    def lines(self, text, first: int, last: int) -> list[str]:
        """`text` broken into the lines a cell from column `first` to `last` holds."""
        room = max(self.width(first, last) - 1.5, 1) / CJK_WIDTH
        text = "" if text is None else str(text)
        return [line for paragraph in text.split("\n") for line in break_lines(paragraph, room)]

    def fit(self, text, first: int, last: int, max_lines: int) -> tuple[str, bool]:
        """The text as a cell of `max_lines` shows it, and whether it was cut (then it ends with 续见附页)."""
        lines = self.lines(text, first, last)
        if len(lines) <= max_lines:
            return "\n".join(lines), False
        room = max(self.width(first, last) - 1.5, 1) / CJK_WIDTH - len(CONTINUED)
        kept = break_lines("".join(lines[:max_lines]), room)[:max_lines]
        return "\n".join(kept) + CONTINUED, True

    def next(self, height: float | None = None) -> int:
        row = self.row
        if height:
            self.ws.row_dimensions[row].height = height
        self.row += 1
        return row

    def put(self, row: int, first: int, last: int, value, *, rows: int = 1, border: str = "lrtb",
            bold: bool = False, size: float = SIZE, align: str = "left", valign: str = "center",
            color: str | None = None, indent: int = 0, underline: str | None = None):
        """`value` in the cell from (row, first) to (row + rows - 1, last), merged, its edges bordered as
        `border` says (l, r, t, b)."""
        ws = self.ws
        bottom = row + rows - 1
        if last > first or rows > 1:
            ws.merge_cells(start_row=row, start_column=first, end_row=bottom, end_column=last)
        for r in range(row, bottom + 1):
            for c in range(first, last + 1):
                ws.cell(r, c).border = Border(left=THIN if "l" in border and c == first else None,
                                              right=THIN if "r" in border and c == last else None,
                                              top=THIN if "t" in border and r == row else None,
                                              bottom=THIN if "b" in border and r == bottom else None)
        cell = ws.cell(row, first)
        cell.value = "" if value is None else str(value)
        cell.font = Font(name=FONT_NAME, size=size, bold=bold, color=color, underline=underline)
        cell.alignment = Alignment(horizontal=align, vertical=valign, wrap_text=True, indent=indent)
        return cell

    def heading(self, text: str, *, size: float = 11, align: str = "left") -> None:
        self.put(self.next(size * 1.9), 1, LAST, text, border="", bold=True, size=size, valign="bottom", align=align)

    def page_break(self) -> None:
        if self.row > 1:
            self.ws.row_breaks.append(Break(id=self.row - 1))

    def finish(self, *, fit_height: int = 0, title_rows: str | None = None, numbered: bool = True) -> None:
        """A4 portrait, fitted to the page's width (`fit_height` pages high, 0: as many as it takes), the print
        area the form's columns, the page number in the footer, the draft's stamp in the header."""
        ws = self.ws
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = ws.ORIENTATION_PORTRAIT
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = fit_height
        ws.page_margins = PageMargins(left=0.7, right=0.7, top=0.75, bottom=0.75, header=0.3, footer=0.3)
        ws.print_options.horizontalCentered = True
        ws.print_area = f"A1:{get_column_letter(LAST)}{max(self.row - 1, 1)}"
        if title_rows:
            ws.print_title_rows = title_rows
        ws.sheet_view.showGridLines = False
        if numbered:
            ws.oddFooter.center.text = f"{_escape_code(self.name)}　第 &P 页"
            ws.oddFooter.center.size = 8
        if self.draft:
            for header in (ws.oddHeader, ws.evenHeader, ws.firstHeader):
                header.center.text = f"{DRAFT_STAMP}　{DRAFT_NOTE}"
                header.center.color = RED


class Attachment:
    """What the form's fixed cells and rows could not hold, for the 附页 sheet, in the order it overflowed."""

    def __init__(self):
        self.texts: list[tuple[str, str]] = []
        self.grids: list[tuple[str, Grid, int]] = []  # (section title, grid, rows already on the form)
        self.order: list[tuple[str, int]] = []

    def text(self, label: str, text: str) -> None:
        self.order.append(("text", len(self.texts)))
        self.texts.append((label, text))

    def grid(self, title: str, grid: Grid, shown: int) -> None:
        self.order.append(("grid", len(self.grids)))
        self.grids.append((title, grid, shown))


# ------------------------------------------------------------------------------------------------------- 封面

def _cover(ws, form: ReviewForm, *, draft: bool) -> None:
    sheet = Sheet(ws, draft=draft, name=form.name)
    for _ in range(4):
        sheet.next(30)
    sheet.put(sheet.next(60), 1, LAST, REVIEW_TITLE, border="", bold=True, size=24, align="center")
    for _ in range(5):
        sheet.next(30)
    for label, value in form.cover:
        row = sheet.next(40)
        sheet.put(row, 1, 3, label, border="", size=14, align="right", valign="bottom")
        sheet.put(row, 4, 7, value, border="b", size=14, align="center", valign="bottom")
    for _ in range(6):
        sheet.next(30)
    sheet.put(sheet.next(30), 1, LAST, IMPRINT, border="", size=13, align="center")
    sheet.finish(fit_height=1, numbered=False)


# ------------------------------------------------------------------------------------------------------- 评审表

def _photo(sheet: Sheet, row: int, content: bytes | None, *, rows: int, row_height: float) -> None:
    """The photo in the cell G:H of the first `rows` rows, centred; 照片 when there is none."""
    sheet.put(row, 7, LAST, "照片", rows=rows, align="center")
    if not content:
        return
    try:
        image = SheetImage(io.BytesIO(content))
    except (OSError, ValueError):  # printed without it rather than not at all
        logger.error("the photo of %s could not be read for the 评审表 workbook", sheet.name)
        return
    sheet.ws.cell(row, 7).value = ""
    box_width = sheet.width(7, LAST) * 7  # pixels: a width unit is about 7 pixels
    box_height = rows * row_height * 96 / 72
    scale = min((box_width - 8) / image.width, (box_height - 8) / image.height)
    width, height = int(image.width * scale), int(image.height * scale)
    image.width, image.height = width, height
    marker = AnchorMarker(col=6, colOff=pixels_to_EMU(int((box_width - width) / 2)), row=row - 1,
                          rowOff=pixels_to_EMU(int((box_height - height) / 2)))
    image.anchor = OneCellAnchor(_from=marker, ext=XDRPositiveSize2D(pixels_to_EMU(width), pixels_to_EMU(height)))
    sheet.ws.add_image(image)


def _basic(sheet: Sheet, form: ReviewForm, attachment: Attachment, *, photo: bytes | None) -> None:
    sheet.put(sheet.next(34), 1, LAST, REVIEW_TITLE, border="", bold=True, size=16, align="center")
    sheet.heading("一、基本情况", size=13, align="center")
    height = 30
    first = sheet.row
    for cells in form.head:
        row = sheet.next(height)
        for j in range(0, 6, 2):
            label, value = cells[j], cells[j + 1]
            if label is None:
                continue
            wide = j + 2 < 6 and cells[j + 2] is None
            sheet.put(row, j + 1, j + 1, label, align="center")
            sheet.put(row, j + 2, j + 4 if wide else j + 2, value, align="center")
    _photo(sheet, first, photo, rows=len(form.head), row_height=height)

    header, values = form.education
    top, bottom = sheet.next(30), sheet.next(30)
    sheet.put(top, 1, 1, header[0], rows=2, align="center")
    for (first_col, last_col), head, value in zip(((2, 2), (3, 4), (5, 5), (6, 6), (7, 8)), header[1:], values[1:],
                                                  strict=True):
        sheet.put(top, first_col, last_col, head, align="center")
        sheet.put(bottom, first_col, last_col, value, align="center")

    for text in form.basic:
        shown, cut = sheet.fit(text.text, 4, LAST, text.lines)
        if cut:
            attachment.text(text.label, text.text)
        row = sheet.next(max(shown.count("\n") + 1, 2) * LINE + 8)
        sheet.put(row, 1, 3, text.label)
        sheet.put(row, 4, LAST, shown)


def _grid(sheet: Sheet, title: str, grid: Grid, attachment: Attachment, *, numbered: bool = False) -> None:
    """A list with the form's fixed rows (blank ones below what was filed); the rest on the 附页, said so
    under the list."""
    columns = spans((0.6,) * numbered + tuple(grid.weights))
    header = ("序号",) * numbered + tuple(grid.header)
    shown = grid.rows[:grid.fixed]
    _grid_row(sheet, columns, header, bold=True, align="center")
    for number, row in enumerate(shown, start=1):
        _grid_row(sheet, columns, [number] * numbered + list(row))
    for _ in range(max(grid.fixed, grid.minimum) - len(shown)):
        _grid_row(sheet, columns, [""] * len(header))
    rest = len(grid.rows) - len(shown)
    if rest:
        attachment.grid(title, grid, len(shown))
        sheet.put(sheet.next(LINE + 8), 1, LAST, f"（以下{rest}项续见附页：{title}）", align="right")


def _grid_row(sheet: Sheet, columns: list[int], texts, *, bold: bool = False, align: str = "left") -> None:
    """One table row on the form's columns; a table wider than the form puts its last columns in the last cell."""
    texts = ["" if t is None else str(t) for t in texts]
    if len(texts) > len(columns):
        texts = texts[:len(columns) - 1] + ["；".join(filter(None, texts[len(columns) - 1:]))]
    height = 1
    start = 1
    places = []
    for span, text in zip(columns, texts, strict=True):
        places.append((start, min(start + span - 1, LAST), text))
        height = max(height, len(sheet.lines(text, start, min(start + span - 1, LAST))))
        start += span
    row = sheet.next(min(height * LINE + 8, 409))
    for first, last, text in places:
        sheet.put(row, first, last, text, bold=bold, align=align)


def _text(sheet: Sheet, text: Text, attachment: Attachment) -> None:
    """A fixed-size text cell (rows of at most CHUNK lines, bordered as one cell), cut as the PDF cuts it."""
    shown, cut = sheet.fit(text.text, 1, LAST, text.lines)
    if cut:
        attachment.text(text.label, text.text)
    _long(sheet, shown.split("\n"), 1, LAST, minimum=3)


def _long(sheet: Sheet, lines: list[str], first: int, last: int, *, minimum: int = 1, label: str = "") -> None:
    chunks = [lines[i:i + CHUNK] for i in range(0, len(lines), CHUNK)] or [[""]]
    rows = []
    for i, chunk in enumerate(chunks):
        row = sheet.next(max(len(chunk), minimum) * LINE + 8)
        edges = "lr" + ("t" if i == 0 else "") + ("b" if i == len(chunks) - 1 else "")
        sheet.put(row, first, last, "\n".join(chunk), border=edges, valign="top")
        rows.append(row)
    if label:
        sheet.put(rows[0], 1, first - 1, label, rows=len(rows), valign="top")


def _box(sheet: Sheet, box: Box) -> None:
    """Its title, the text indented, the signature line at the bottom right; bordered as one box."""
    sheet.put(sheet.next(LINE + 8), 1, LAST, f"{box.title}：", border="lrt", valign="top")
    lines = len(sheet.lines(box.text, 1, LAST))
    sheet.put(sheet.next(max(box.height * MM, lines * LINE + 8)), 1, LAST, box.text, border="lr", valign="top",
              indent=4)
    sheet.put(sheet.next(LINE + 10), 1, LAST, f"{box.sign}　　{cn_date(box.date)}　　", border="lrb",
              align="right")


def _vote(sheet: Sheet, vote: Vote) -> None:
    """评审组织意见: the six counts under their headings, 评审结果, the chair's signature and the date."""
    sheet.put(sheet.next(LINE + 8), 1, LAST, vote.title)
    columns = VOTE_SPANS if len(vote.header) == len(VOTE_SPANS) else spans((1,) * len(vote.header))
    _grid_row(sheet, columns, vote.header, align="center")
    row = sheet.next(10 * MM)
    start = 1
    for span, count in zip(columns, vote.counts, strict=True):
        sheet.put(row, start, start + span - 1, count, align="center", size=12)
        start += span
    sheet.put(sheet.next(max(14 * MM, (vote.result.count("\n") + 1) * LINE + 8)), 1, LAST, vote.result,
              valign="top")
    sheet.put(sheet.next(LINE + 10), 1, LAST, f"{vote.sign}　　{cn_date(vote.date)}　　", align="right")


def _series(sheet: Sheet, part: Part, snapshot: dict, attachment: Attachment) -> None:
    """A series' own section: its fields as label and value rows, then its row lists."""
    for label, value in series_fields(snapshot, part.series):
        shown, cut = sheet.fit(value, 4, LAST, SERIES_LINES)
        if cut:
            attachment.text(f"{part.series.label}：{label}", value)
        row = sheet.next(max(shown.count("\n") + 1, 1) * LINE + 8)
        sheet.put(row, 1, 3, label)
        sheet.put(row, 4, LAST, shown)
    for label, grid in series_groups(snapshot, part.series):
        sheet.heading(label, size=10)
        _grid(sheet, f"{part.title}·{label}", grid, attachment, numbered=len(grid.header) < LAST)


def _form(ws, form: ReviewForm, snapshot: dict, attachment: Attachment, *, draft: bool,
          photo: bytes | None) -> None:
    sheet = Sheet(ws, draft=draft, name=form.name)
    _basic(sheet, form, attachment, photo=photo)
    sheet.page_break()
    for part in form.parts:
        if part.page:
            sheet.page_break()
            sheet.heading(part.title, size=13, align="center")
        else:
            sheet.heading(part.title)
        if part.series:
            _series(sheet, part, snapshot, attachment)
        for i, item in enumerate(part.items):
            if part.page and i:
                sheet.next(12)  # the space between two boxes of an opinion page
            if isinstance(item, Grid):
                _grid(sheet, part.title, item, attachment)
            elif isinstance(item, Text):
                _text(sheet, item, attachment)
            elif isinstance(item, Box):
                _box(sheet, item)
            else:
                _vote(sheet, item)
    sheet.finish()


# ------------------------------------------------------------------------------------------------------- 附页

def _attachment(ws, form: ReviewForm, attachment: Attachment, *, draft: bool) -> None:
    sheet = Sheet(ws, draft=draft, name=form.name)
    sheet.put(sheet.next(30), 1, LAST, ATTACHMENT_TITLE, border="", bold=True, size=14, align="center")
    sheet.put(sheet.next(LINE + 8), 1, LAST, ATTACHMENT_NOTE, border="")
    title_rows = f"{sheet.row - 2}:{sheet.row - 1}"
    for kind, index in attachment.order:
        if kind == "text":
            label, text = attachment.texts[index]
            _long(sheet, sheet.lines(text, 3, LAST), 3, LAST, label=label)
            continue
        title, grid, shown = attachment.grids[index]
        sheet.heading(f"{title}（续，接正文第{shown}项）", size=10)
        columns = spans((0.6, *grid.weights))
        _grid_row(sheet, columns, ("序号", *grid.header), bold=True, align="center")
        for number, row in enumerate(grid.rows[shown:], start=shown + 1):
            _grid_row(sheet, columns, [number, *row])
    sheet.finish(title_rows=title_rows)


def review_workbook(snapshot: dict, *, photo: bytes | None = None, draft: bool = False) -> bytes:
    """The 评审表 of a snapshot (the filing's, a draft's, or the result's) as .xlsx bytes: 封面, 评审表 and, when
    something overflowed, 附页."""
    form = review_form(snapshot)
    workbook = Workbook()
    _cover(workbook.active, form, draft=draft)
    workbook.active.title = SHEETS[0]
    attachment = Attachment()
    _form(workbook.create_sheet(SHEETS[1]), form, snapshot, attachment, draft=draft, photo=photo)
    if attachment.order:
        _attachment(workbook.create_sheet(SHEETS[2]), form, attachment, draft=draft)
    return workbook_bytes(workbook)
