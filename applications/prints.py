"""Prints of a submitted application, always from its frozen snapshot (SPEC §4, FORMS-AND-RULES §1–2):

- 申报专业技术资格情况简表: one A3 landscape sheet (PDF): the header grid across the top, the sections in two
  columns below, so that a typical application fits one sheet; the ID number masked as on every public list;
- 专业技术资格评审表: A4 portrait booklet (PDF) and the same content as an Excel workbook.

Each series adds its own section (中小学教师, 卫生技术, 会计审计) after the common ones. Generated files are kept
per snapshot hash, so a print is made once (by a task: applications.print_jobs) and every later download reads
the stored file.

Table cells are plain strings, broken into lines here (Chinese breaks between any two characters; a Latin word
or number is kept whole when it fits; closing punctuation never starts a line), so a cell is drawn with one
drawString a line: that is what keeps a page within twice the cost of drawing its strings by hand (bench/pdf.py).
"""

import io
import logging
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from reportlab.lib.pagesizes import A3, A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Frame,
    FrameBreak,
    Image,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from core.excel import workbook_bytes
from core.masking import mask_id_number
from core.pdf import FONT, GRID, HEADER, break_lines, register_font, styles, text_width
from dossier.display import format_value

from .models import ApplicationFile
from .sections import sections

logger = logging.getLogger(__name__)

KINDS = {
    "brief.pdf": ("brief_pdf", "申报专业技术资格情况简表.pdf", "application/pdf"),
    "review.pdf": ("review_pdf", "专业技术资格评审表.pdf", "application/pdf"),
    "review.xlsx": ("review_xlsx", "专业技术资格评审表.xlsx",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}
# Print previews of a draft (while filling in, seed 004 §17): the same prints from the current draft, stamped on
# every page; the filed prints carry no stamp.
DRAFT_KINDS = {
    url_kind: (f"draft_{kind}", name.replace(".", "（草稿预览）."), content_type)
    for url_kind, (kind, name, content_type) in KINDS.items()
}
DRAFT_STAMP = "草稿 · 未提交"
DRAFT_NOTE = "打印预览：以提交后生成的正式表格为准"
OVERFLOW_NOTE = "注意：内容超出一张A3简表，以下为超出部分，请精简较长的列表（论文、奖项等）后再提交"
PAD = 3  # cell padding left and right (core.pdf.GRID)
NO_WRAP_TYPES = {"date", "year", "int", "decimal", "bool"}


class Look:
    """The type sizes of one print: the A4 评审表 reads at 9 pt, the A3 简表 packs two columns at 8 pt."""

    def __init__(self, size: float, leading: float, *, summary: bool = False):
        base = styles()
        self.size, self.leading, self.summary = size, leading, summary
        self.cell = ParagraphStyle(f"cell-{size}", parent=base["cell"], fontSize=size, leading=leading)
        self.h = ParagraphStyle(f"h-{size}", parent=base["h"], fontSize=size + 3, leading=size + 7,
                                spaceBefore=size * 0.5, spaceAfter=2)
        self.caption = ParagraphStyle(f"caption-{size}", parent=base["small"], fontSize=size, leading=leading + 2,
                                      spaceBefore=2)
        self.grid = GRID + [("FONT", (0, 0), (-1, -1), FONT, size, leading)]

    def cell_for(self, text, width: float) -> str:
        """The text broken into the lines that fit the column."""
        text = "" if text is None else str(text)
        room = (width - 2 * PAD) / self.size
        return "\n".join(line for paragraph in text.split("\n") for line in break_lines(paragraph, room))

    def row(self, texts, widths):
        return [self.cell_for(t, w) for t, w in zip(texts, widths)]

    def height_of(self, rows) -> float:
        """The height of these table rows: their tallest cell's lines, and the cell padding (core.pdf.GRID)."""
        return sum(max(str(cell).count("\n") + 1 for cell in row) * self.leading + 6 for row in rows)


def _weights(fields) -> list[float]:
    """Relative column widths from the declarations: dates and numbers narrow, long texts wide."""
    weights = []
    for spec in fields:
        if spec.type in NO_WRAP_TYPES:
            weights.append(0.55 if spec.type in ("year", "int", "decimal") else 0.85)
        elif spec.type == "choice":
            weights.append(0.5 + 0.1 * max(len(c) for c in spec.choices))
        elif spec.type == "textarea":
            weights.append(3.0)
        else:
            weights.append(min(max((spec.max_length or 50) / 40, 0.8), 2.2))
    return weights


SAMPLES = {"date": "0000-00-00", "year": "0000", "int": "0000", "decimal": "000.0",
           "journal_number": "ISSN 0000-000X", "patent_number": "ZL000000000000.0", "isbn": "ISBN 000-0-000-00000-0"}


def _columns(look: Look, fields, width: float, number_width: float) -> list[float]:
    """Column widths: dates, numbers and numbered codes (期刊号, 专利号) exactly as wide as they need (they must
    not wrap), the rest shared by weight."""
    samples = {i: SAMPLES.get(spec.pattern) or SAMPLES.get(spec.type) for i, spec in enumerate(fields)}
    for i, spec in enumerate(fields):
        if spec.type == "int" and spec.max:
            samples[i] = "0" * len(str(int(spec.max)))  # 字数 up to 7 digits, 排名 2
    fixed = {i: max(text_width(sample, look.size), text_width(fields[i].label[:2], look.size)) + 2 * PAD + 2
             for i, sample in samples.items() if sample}
    weights = _weights(fields)
    rest = width - number_width - sum(fixed.values())
    flexible = sum(w for i, w in enumerate(weights) if i not in fixed)
    if rest <= 0 or not flexible:
        unit = (width - number_width) / sum(weights)
        return [number_width] + [w * unit for w in weights]
    return [number_width] + [fixed[i] if i in fixed else w * rest / flexible for i, w in enumerate(weights)]


def _rows_table(look: Look, fields, rows: list[dict], width: float) -> Table:
    widths = _columns(look, fields, width, 9 * mm)
    data = [look.row(["序号"] + [f.label for f in fields], widths)]
    for number, row in enumerate(rows, start=1):
        data.append(look.row([number] + [format_value(f, row["values"].get(f.key)) for f in fields], widths))
    if not rows:
        data.append(look.row(["无"] + [""] * len(fields), widths))
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle(look.grid + HEADER))
    table.first_rows_height = look.height_of(data[:2])
    return table


def _fields_table(look: Look, fields, values: dict, width: float) -> Table:
    """Label/value pairs, two to a row; long texts take a whole row. The 简表 leaves out what is empty."""
    widths = [width * 0.17, width * 0.33, width * 0.17, width * 0.33]
    data, spans, pending = [], [], []
    for spec in fields:
        if not spec.visible(values):
            continue
        value = format_value(spec, values.get(spec.key))
        if look.summary and not value:
            continue
        if spec.type == "textarea" or text_width(value, look.size) > widths[1] - 2 * PAD:
            spans.append(len(data))
            data.append([look.cell_for(spec.label, widths[0]), look.cell_for(value, sum(widths[1:])), "", ""])
            continue
        pending += [look.cell_for(spec.label, widths[0]), look.cell_for(value, widths[1])]
        if len(pending) == 4:
            data.append(pending)
            pending = []
    if pending:
        data.append(pending + ["", ""])
    if not data:
        data.append(["无", "", "", ""])
    table = Table(data, colWidths=widths)
    table.setStyle(TableStyle(look.grid + [("SPAN", (1, r), (3, r)) for r in spans]))
    table.first_rows_height = look.height_of(data[:1])
    return table


def _headed(heading: Paragraph, table: Table, look: Look) -> list:
    """A heading and its table, moved on to the next column or page together only when the heading and the
    table's first rows would not fit (a long table then splits between rows, its header repeated)."""
    return [CondPageBreak(heading.style.leading + heading.style.spaceBefore + table.first_rows_height + 2),
            heading, table]


def section_flow(snapshot: dict, width: float, look: Look) -> list:
    """Every section of the snapshot but 基本情况 (the header grid) as a heading and its table(s)."""
    flow = []
    for section in sections().for_series(snapshot["series"]):
        if section.key == "basic":
            continue
        stored = snapshot["sections"].get(section.key, {})
        heading = Paragraph(escape(section.label), look.h)
        if section.is_rows:
            flow += _headed(heading, _rows_table(look, section.fields, stored.get("rows", []), width), look)
            continue
        values = stored.get("values", {})
        flow += _headed(heading, _fields_table(look, section.fields, values, width), look)
        for group in section.groups:
            group_rows = stored.get("groups", {}).get(group.key, [])
            if group.applies(values) and group_rows:
                flow += _headed(Paragraph(escape(group.label), look.caption),
                                _rows_table(look, group.fields, group_rows, width), look)
    return flow


def photo_bytes(application, snapshot: dict) -> bytes | None:
    """The photo as filed: the application's own copy, named in the snapshot."""
    photo = next((f for f in snapshot.get("files", []) if f["section"] == "basic" and f["slot"] == "photo"), None)
    item = photo and ApplicationFile.objects.filter(pk=photo["id"], application=application).first()
    if not item:
        return None
    try:
        with item.file.open("rb") as fh:
            return fh.read()
    except FileNotFoundError:  # printed without it rather than not at all
        logger.error("the photo %s of application %s is missing from the storage", item.file.name, application.pk)
        return None


def printed_snapshot(application) -> dict:
    """The snapshot as printed: what was filed, plus what the chain added since (评委会接收日期, 证书编号), so a
    print made after acceptance or confirmation shows them (and is stored under its own hash)."""
    outcome = {}
    if application.committee_accepted_at:
        outcome["accepted_at"] = application.committee_accepted_at.isoformat()
    if application.certificate_no:
        outcome["certificate_no"] = application.certificate_no
    return {**application.snapshot, "outcome": outcome} if outcome else application.snapshot


def _header_grid(snapshot: dict, width: float, look: Look, *, mask: bool, photo: bytes | None) -> Table:
    """姓名 … 申报资格名称 in three label/value pairs, the ID number and the unit across two pairs, the photo on
    the right over every row."""
    account, basic = snapshot["account"], snapshot["sections"].get("basic", {}).get("values", {})
    qualification = snapshot["sections"].get("qualification", {}).get("values", {})
    id_number = mask_id_number(account["id_number"]) if mask else account["id_number"]
    photo_width = 30 * mm
    label, value = (width - photo_width) * 0.15, (width - photo_width) * 0.55 / 3
    widths = [label, value] * 3 + [photo_width]
    wide = label + 2 * value
    texts = [
        ["姓名", account["name"], "性别", account["gender"], "出生日期", account["birth_date"]],
        ["身份证号", id_number, None, None, "民族", basic.get("ethnicity")],
        ["政治面貌", basic.get("political"), "现从事专业", basic.get("current_specialty"), "参加工作时间",
         basic.get("work_start")],
        ["工作单位", account["unit"], None, None, "申报形式", snapshot["form"]],
        ["申报系列", snapshot["series"], "申报级别", snapshot["level"], "申报资格名称", basic.get("title_name")],
        ["现资格", qualification.get("title_name") or qualification.get("title_series"), "取得时间",
         qualification.get("title_obtained"), "申报年度", snapshot["plan"]["year"]],
    ]
    outcome = snapshot.get("outcome")
    if outcome:
        texts.append(["证书编号", outcome.get("certificate_no", ""), None, None, "评委会接收日期",
                      outcome.get("accepted_at", "")])
    data = []
    for i, row in enumerate(texts):
        cells = [look.cell_for(t, wide if j == 1 and row[2] is None else widths[j]) if t is not None else ""
                 for j, t in enumerate(row)]
        data.append(cells + [_photo(photo, photo_width) if i == 0 else ""])
    table = Table(data, colWidths=widths)
    table.setStyle(TableStyle(look.grid + [
        ("SPAN", (1, 1), (3, 1)), ("SPAN", (1, 3), (3, 3)), ("SPAN", (6, 0), (6, len(texts) - 1)),
        *([("SPAN", (1, 6), (3, 6))] if outcome else []),
        ("ALIGN", (6, 0), (6, 0), "CENTER"),
    ]))
    return table


def _photo(content: bytes | None, width: float):
    if not content:
        return "照片"
    return Image(io.BytesIO(content), width=width - 2 * PAD, height=32 * mm, kind="proportional")


def _page_number(name: str, *, draft: bool = False, note: str = ""):
    def draw(canvas, doc):
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.drawCentredString(doc.pagesize[0] / 2, 6 * mm, f"{name}　第 {doc.page} 页")
        canvas.restoreState()
        if draft:
            _draft_stamp(canvas, doc, note)
    return draw


def _draft_stamp(canvas, doc, note: str = "") -> None:
    """草稿 · 未提交 across the page and in its top margin (and `note`, in red, under it)."""
    width, height = doc.pagesize
    canvas.saveState()
    canvas.setFillColorRGB(0.85, 0.15, 0.15)
    canvas.setFont(FONT, 10)
    canvas.drawString(8 * mm, height - 5.5 * mm, f"{DRAFT_STAMP}　{DRAFT_NOTE}")
    if note:
        canvas.drawString(8 * mm, height - 9.5 * mm, note)
    canvas.setFillColorRGB(0.85, 0.15, 0.15, alpha=0.12)
    canvas.setFont(FONT, min(width, height) / 7)
    canvas.translate(width / 2, height / 2)
    canvas.rotate(30)
    canvas.drawCentredString(0, 0, DRAFT_STAMP)
    canvas.restoreState()


def _opinions(look: Look, width: float) -> Table:
    """是否破格, then the unit's and the reporting department's opinions with their seals (FORMS-AND-RULES §2)."""
    half = width / 2
    table = Table([[look.cell_for("单位审核意见：", half), look.cell_for("单位呈报意见：", half)],
                   [look.cell_for("（单位签章）　　　年　月　日", half),
                    look.cell_for("（人事（职改）部门签章）　　　年　月　日", half)]],
                  colWidths=[half, half], rowHeights=[16 * mm, look.leading + 6])
    table.setStyle(TableStyle(look.grid + [("VALIGN", (0, 0), (-1, 0), "TOP"),
                                           ("LINEBELOW", (0, 0), (-1, 0), 0, "white"),
                                           ("ALIGN", (0, 1), (-1, 1), "RIGHT")]))
    return table


def brief_pdf(application, *, photo: bytes | None = None, snapshot: dict | None = None, draft: bool = False) -> bytes:
    """申报专业技术资格情况简表: A3 landscape; the header grid on top, the sections in two columns below. A draft's
    preview (`draft`, from `snapshot`) is stamped, and each sheet beyond the first says the form overflows."""
    register_font()
    snapshot = snapshot or printed_snapshot(application)
    photo = photo if photo is not None else photo_bytes(application, snapshot)
    look = Look(8, 10, summary=True)
    page = landscape(A3)
    margin, gap = 12 * mm, 8 * mm
    width = page[0] - 2 * margin
    column = (width - gap) / 2
    exceptional = snapshot["form"] == "破格申报"
    head = [
        Paragraph(f"{snapshot['plan']['year']}年度 申报专业技术资格情况简表", styles()["title"]),
        Paragraph(escape(f"评审计划：{snapshot['plan']['name']}　评委会：{snapshot['plan']['committee']}　"
                         f"是否破格：是（{'√' if exceptional else '　'}）否（{'　' if exceptional else '√'}）"),
                  styles()["small"]),
        Spacer(1, 2 * mm),
        _header_grid(snapshot, width, look, mask=True, photo=photo),
    ]
    head_height = sum(f.wrap(width, page[1])[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in head) + 2
    bottom = margin + 2 * mm
    below = page[1] - margin - head_height - 3 * mm - bottom
    full = page[1] - margin - bottom

    def frame(x, y, w, h, name):
        return Frame(x, y, w, h, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id=name)

    first = PageTemplate("first", [
        frame(margin, page[1] - margin - head_height, width, head_height, "head"),
        frame(margin, bottom, column, below, "left"), frame(margin + column + gap, bottom, column, below, "right"),
    ], onPage=_page_number(snapshot["account"]["name"], draft=draft))
    later = PageTemplate("later", [
        frame(margin, bottom, column, full, "left"), frame(margin + column + gap, bottom, column, full, "right"),
    ], onPage=_page_number(snapshot["account"]["name"], draft=draft, note=OVERFLOW_NOTE))
    buffer = io.BytesIO()
    doc = BaseDocTemplate(buffer, pagesize=page, pageTemplates=[first, later], title="申报专业技术资格情况简表",
                          author="zhicheng", initialFontName=FONT, initialFontSize=8)
    flow = head + [NextPageTemplate("later"), FrameBreak()]
    flow += section_flow(snapshot, column, look)
    flow += [Spacer(1, 3 * mm), _opinions(look, column)]
    doc.build(flow)
    return buffer.getvalue()


def review_flow(snapshot: dict, width: float, *, photo: bytes | None) -> list:
    """The 评审表's content: cover, 基本情况 with the photo, every section, the opinion boxes."""
    look = Look(9, 12)
    account, basic = snapshot["account"], snapshot["sections"].get("basic", {}).get("values", {})
    qualification = snapshot["sections"].get("qualification", {}).get("values", {})
    flow = [Spacer(1, 50 * mm), Paragraph("专业技术资格评审表", styles()["title"]), Spacer(1, 40 * mm)]
    for label, value in (("单　　位", account["unit"]), ("姓　　名", account["name"]),
                         ("现任专业技术职务", qualification.get("title_name") or "无"),
                         ("评审任职资格", basic.get("title_name") or snapshot["level"]),
                         ("填表时间", snapshot["submitted_at"][:10])):
        flow.append(Paragraph(escape(f"{label}：{value or ''}"), styles()["cover"]))
    flow += [PageBreak(), Paragraph("基本情况", look.h),
             _header_grid(snapshot, width, look, mask=False, photo=photo)]
    flow += section_flow(snapshot, width, look)
    flow += [PageBreak(), Paragraph("推荐及评审意见", look.h)]
    for title in ("单位推荐意见", "主管部门意见", "人社部门意见", "评审组织意见"):
        box = Table([[title], ["负责人：　　　　　（公章）　　　　年　　月　　日"]], colWidths=[width],
                    rowHeights=[34 * mm, look.leading + 8])
        box.setStyle(TableStyle(look.grid + [("VALIGN", (0, 0), (0, 0), "TOP"), ("ALIGN", (0, 1), (0, 1), "RIGHT")]))
        flow += [box, Spacer(1, 4 * mm)]
    return flow


def review_pdf(application, *, photo: bytes | None = None, snapshot: dict | None = None,
               draft: bool = False) -> bytes:
    """专业技术资格评审表: cover, 基本情况 with photo, every section, and the opinion pages left for signatures (a
    draft's preview stamped on every page, the cover included)."""
    register_font()
    snapshot = snapshot or printed_snapshot(application)
    photo = photo if photo is not None else photo_bytes(application, snapshot)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=16 * mm, title="专业技术资格评审表", author="zhicheng",
                            initialFontName=FONT, initialFontSize=9)
    flow = review_flow(snapshot, A4[0] - 36 * mm, photo=photo)
    numbered = _page_number(snapshot["account"]["name"], draft=draft)
    doc.build(flow, onFirstPage=(lambda canvas, d: _draft_stamp(canvas, d)) if draft else (lambda canvas, d: None),
              onLaterPages=numbered)
    return buffer.getvalue()


def review_xlsx(application, *, snapshot: dict | None = None, draft: bool = False) -> bytes:
    """The 评审表 as a workbook: 基本情况 then one sheet per section (a series section's row lists below it). A
    draft's preview says 草稿 · 未提交 in its first row and in every sheet's printed header."""
    snapshot = snapshot or printed_snapshot(application)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "基本情况"
    if draft:
        sheet.append([DRAFT_STAMP, DRAFT_NOTE])
    account = snapshot["account"]
    basic = sections().get("basic")
    values = snapshot["sections"].get("basic", {}).get("values", {})
    for label, value in (("姓名", account["name"]), ("身份证号", account["id_number"]), ("性别", account["gender"]),
                         ("出生日期", account["birth_date"]), ("工作单位", account["unit"]),
                         ("申报系列", snapshot["series"]), ("申报级别", snapshot["level"]),
                         ("申报形式", snapshot["form"]),
                         ("评委会接收日期", snapshot.get("outcome", {}).get("accepted_at", "")),
                         ("证书编号", snapshot.get("outcome", {}).get("certificate_no", ""))):
        sheet.append([label, value])
    for f in basic.fields:
        sheet.append([f.label, format_value(f, values.get(f.key))])
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 40
    for section in sections().for_series(snapshot["series"]):
        if section.key == "basic":
            continue
        ws = workbook.create_sheet(section.label[:31])
        stored = snapshot["sections"].get(section.key, {})
        bold = [1]
        if section.is_rows:
            ws.append(["序号"] + [f.label for f in section.fields])
            for i, row in enumerate(stored.get("rows", []), start=1):
                ws.append([i] + [format_value(f, row["values"].get(f.key)) for f in section.fields])
        else:
            for f in section.fields:
                ws.append([f.label, format_value(f, stored.get("values", {}).get(f.key))])
            for group in section.groups:
                group_rows = stored.get("groups", {}).get(group.key, [])
                if not group_rows:
                    continue
                ws.append([])
                ws.append([group.label])
                ws.append(["序号"] + [f.label for f in group.fields])
                bold.append(ws.max_row)
                for i, row in enumerate(group_rows, start=1):
                    ws.append([i] + [format_value(f, row["values"].get(f.key)) for f in group.fields])
        for number in bold:
            for cell in ws[number]:
                cell.font = Font(bold=True)
                cell.alignment = Alignment(wrap_text=True)
        ws.column_dimensions["A"].width = 24
    if draft:
        for ws in workbook.worksheets:
            ws.oddHeader.center.text = f"{DRAFT_STAMP}　{DRAFT_NOTE}"
            ws.oddHeader.center.color = "CC0000"
    return workbook_bytes(workbook)


BUILDERS = {"brief_pdf": brief_pdf, "review_pdf": review_pdf, "review_xlsx": review_xlsx}
