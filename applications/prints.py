"""Prints of a submitted application, always from its frozen snapshot (SPEC §4, FORMS-AND-RULES §1–2):

- 申报专业技术资格情况简表: one A3 landscape sheet (PDF), ID number masked as on every public list;
- 专业技术资格评审表: A4 portrait booklet (PDF) and the same content as an Excel workbook.

Each series adds its own section (中小学教师, 卫生技术, 会计审计) after the common ones. Generated files are kept
per snapshot hash, so a print is made once and every later download reads the stored file.
"""

import io
from xml.sax.saxutils import escape

from django.core.files.base import ContentFile
from django.db import IntegrityError
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from reportlab.lib.pagesizes import A3, A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Image, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from core.masking import mask_id_number
from core.pdf import GRID, HEADER, register_font, styles
from dossier.display import format_value

from .models import ApplicationFile, PrintFile
from .sections import sections

KINDS = {
    "brief.pdf": ("brief_pdf", "申报专业技术资格情况简表.pdf", "application/pdf"),
    "review.pdf": ("review_pdf", "专业技术资格评审表.pdf", "application/pdf"),
    "review.xlsx": ("review_xlsx", "专业技术资格评审表.xlsx",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


def _p(text, style="cell"):
    return Paragraph(escape(str(text or "")).replace("\n", "<br/>"), styles()[style])


def _section_tables(snapshot: dict, width: float) -> list:
    """Every section of the snapshot as a heading and a table, in declaration order."""
    flow = []
    for section in sections().for_series(snapshot["series"]):
        stored = snapshot["sections"].get(section.key, {})
        if section.key == "basic":
            continue  # printed in the header grid
        flow.append(Paragraph(escape(section.label), styles()["h"]))
        if section.is_rows:
            rows = stored.get("rows", [])
            header = ["序号"] + [f.label for f in section.fields]
            body = [[_p(i)] + [_p(format_value(f, row["values"].get(f.key))) for f in section.fields]
                    for i, row in enumerate(rows, start=1)] or [[_p("无")] + [_p("") for _ in section.fields]]
            col = (width - 12 * mm) / len(section.fields)
            table = Table([[_p(h) for h in header]] + body, colWidths=[12 * mm] + [col] * len(section.fields),
                          repeatRows=1)
        else:
            values = stored.get("values", {})
            pairs = [(f.label, format_value(f, values.get(f.key))) for f in section.fields if f.visible(values)]
            cells, row = [], []
            for label, value in pairs:
                row += [_p(label), _p(value)]
                if len(row) == 4:
                    cells.append(row)
                    row = []
            if row:
                cells.append(row + [_p(""), _p("")][: 4 - len(row)])
            table = Table(cells or [[_p("无"), _p(""), _p(""), _p("")]],
                          colWidths=[width * 0.18, width * 0.32, width * 0.18, width * 0.32])
            for group in section.groups:
                group_rows = stored.get("groups", {}).get(group.key, [])
                if group_rows:
                    flow.append(table)
                    flow.append(Paragraph(escape(group.label), styles()["small"]))
                    col = width / len(group.fields)
                    table = Table([[_p(f.label) for f in group.fields]]
                                  + [[_p(format_value(f, r["values"].get(f.key))) for f in group.fields] for r in group_rows],
                                  colWidths=[col] * len(group.fields))
        table.setStyle(TableStyle(GRID + (HEADER if section.is_rows else [])))
        flow.append(table)
    return flow


def _photo(application, snapshot, size):
    photo = next((f for f in snapshot.get("files", []) if f["section"] == "basic" and f["slot"] == "photo"), None)
    if photo is None:
        return _p("照片")
    item = ApplicationFile.objects.filter(pk=photo["id"], application=application).first()
    if item is None:
        return _p("照片")
    with item.file.open("rb") as fh:
        data = io.BytesIO(fh.read())
    return Image(data, width=size * 0.75, height=size, kind="proportional")


def _header_grid(application, snapshot: dict, width: float, *, mask: bool):
    account, basic = snapshot["account"], snapshot["sections"].get("basic", {}).get("values", {})
    qualification = snapshot["sections"].get("qualification", {}).get("values", {})
    id_number = mask_id_number(account["id_number"]) if mask else account["id_number"]
    rows = [
        ["姓名", account["name"], "性别", account["gender"], "出生日期", account["birth_date"]],
        ["身份证号", id_number, "民族", basic.get("ethnicity"), "政治面貌", basic.get("political")],
        ["工作单位", account["unit"], "现从事专业", basic.get("current_specialty"), "参加工作时间", basic.get("work_start")],
        ["申报系列", snapshot["series"], "申报级别", snapshot["level"], "申报资格名称", basic.get("title_name")],
        ["现资格", qualification.get("title_name") or qualification.get("title_series"), "取得时间",
         qualification.get("title_obtained"), "申报形式", snapshot["form"]],
    ]
    photo_width = 32 * mm
    col = (width - photo_width) / 6
    data = [[_p(c) for c in row] + [_photo(application, snapshot, 40 * mm) if i == 0 else ""] for i, row in enumerate(rows)]
    table = Table(data, colWidths=[col * 0.8, col * 1.2] * 3 + [photo_width])
    table.setStyle(TableStyle(GRID + [("SPAN", (6, 0), (6, len(rows) - 1)), ("ALIGN", (6, 0), (6, 0), "CENTER")]))
    return table


def brief_pdf(application) -> bytes:
    """申报专业技术资格情况简表: A3 landscape, one sheet (more when the lists are long)."""
    register_font()
    snapshot = application.snapshot
    buffer = io.BytesIO()
    page = landscape(A3)
    doc = SimpleDocTemplate(buffer, pagesize=page, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=12 * mm,
                            bottomMargin=12 * mm, title="申报专业技术资格情况简表", author="zhicheng")
    width = page[0] - 30 * mm
    flow = [Paragraph(f"{snapshot['plan']['year']}年度 申报专业技术资格情况简表", styles()["title"]),
            Paragraph(escape(f"评审计划：{snapshot['plan']['name']}　评委会：{snapshot['plan']['committee']}"), styles()["small"]),
            Spacer(1, 4 * mm), _header_grid(application, snapshot, width, mask=True)]
    flow += _section_tables(snapshot, width)
    doc.build(flow)
    return buffer.getvalue()


def review_pdf(application) -> bytes:
    """专业技术资格评审表: cover, 基本情况 with photo, every section, and the opinion pages left for signatures."""
    register_font()
    snapshot = application.snapshot
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=16 * mm, title="专业技术资格评审表", author="zhicheng")
    width = A4[0] - 36 * mm
    account, basic = snapshot["account"], snapshot["sections"].get("basic", {}).get("values", {})
    qualification = snapshot["sections"].get("qualification", {}).get("values", {})
    cover = [Spacer(1, 50 * mm), Paragraph("专业技术资格评审表", styles()["title"]), Spacer(1, 40 * mm)]
    for label, value in (("单　　位", account["unit"]), ("姓　　名", account["name"]),
                         ("现任专业技术职务", qualification.get("title_name") or "无"),
                         ("评审任职资格", basic.get("title_name") or snapshot["level"]),
                         ("填表时间", snapshot["submitted_at"][:10])):
        cover.append(Paragraph(escape(f"{label}：{value or ''}"), styles()["cover"]))
    flow = cover + [PageBreak(), Paragraph("基本情况", styles()["h"]), _header_grid(application, snapshot, width, mask=False)]
    flow += _section_tables(snapshot, width)
    flow += [PageBreak(), Paragraph("单位推荐意见", styles()["h"])]
    for title in ("单位推荐意见", "主管部门意见", "人社部门意见", "评审组织意见"):
        box = Table([[_p(title)], [_p("\n\n\n\n负责人：　　　　　（公章）　　　　年　　月　　日")]], colWidths=[width])
        box.setStyle(TableStyle(GRID))
        flow += [box, Spacer(1, 4 * mm)]
    doc.build(flow)
    return buffer.getvalue()


def review_xlsx(application) -> bytes:
    """The 评审表 as a workbook: 基本情况 then one sheet per section."""
    snapshot = application.snapshot
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "基本情况"
    account = snapshot["account"]
    basic = sections().get("basic")
    values = snapshot["sections"].get("basic", {}).get("values", {})
    for label, value in (("姓名", account["name"]), ("身份证号", account["id_number"]), ("性别", account["gender"]),
                         ("出生日期", account["birth_date"]), ("工作单位", account["unit"]),
                         ("申报系列", snapshot["series"]), ("申报级别", snapshot["level"]), ("申报形式", snapshot["form"])):
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
        if section.is_rows:
            ws.append(["序号"] + [f.label for f in section.fields])
            for i, row in enumerate(stored.get("rows", []), start=1):
                ws.append([i] + [format_value(f, row["values"].get(f.key)) for f in section.fields])
        else:
            for f in section.fields:
                ws.append([f.label, format_value(f, stored.get("values", {}).get(f.key))])
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


BUILDERS = {"brief_pdf": brief_pdf, "review_pdf": review_pdf, "review_xlsx": review_xlsx}


def print_get(application, url_kind: str) -> tuple[str, str, bytes]:
    """(file name, content type, bytes) of a print, made once per snapshot and stored."""
    from .services import snapshot_hash

    kind, name, content_type = KINDS[url_kind]
    digest = snapshot_hash(application.snapshot)
    stored = PrintFile.objects.filter(application=application, kind=kind, snapshot_hash=digest).first()
    if stored is not None:
        with stored.file.open("rb") as fh:
            return name, content_type, fh.read()
    content = BUILDERS[kind](application)
    item = PrintFile(application=application, kind=kind, snapshot_hash=digest)
    item.file.save(f"{kind}-{application.pk}", ContentFile(content), save=False)
    try:
        item.save()
    except IntegrityError:  # generated concurrently: the other copy is the same
        pass
    return name, content_type, content
