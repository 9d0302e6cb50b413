"""The unit's 公示 before it recommends (FORMS-AND-RULES §2 roster, §3): the 一览表 of its candidates for a plan,
as an A3 landscape PDF to post (titled 公示表, with the period and how to object) and as an Excel workbook. Drawn
from each application's filed snapshot; personal numbers (the contact's phone) masked with core's one format."""

import datetime
import io
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from reportlab.lib.pagesizes import A3, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from core.excel import workbook_bytes
from core.masking import mask_phone
from core.pdf import FONT, GRID, HEADER, break_lines, register_font, styles

from .models import Application
from .precheck import years_between
from .sections import title_name

COLUMNS = ["序号", "姓名", "性别", "出生年月", "参加工作时间", "现从事专业", "专业年限", "现资格名称", "获得资格时间",
           "任职年限", "学历", "学位", "毕业学校", "所学专业", "毕业时间", "外语成绩", "计算机成绩", "申报资格名称",
           "申报专业", "是否破格"]
WEIGHTS = [3, 5, 3, 5, 6, 7, 3, 7, 6, 3, 5, 4, 8, 7, 6, 5, 5, 8, 7, 3]
# Filed applications a unit may post: on the chain or through it (not returned for changes, not terminated).
CANDIDATE_STATUSES = [Application.Status.SUBMITTED, Application.Status.ACCEPTED, Application.Status.PASSED,
                      Application.Status.FAILED, Application.Status.CONFIRMED]
EDUCATION_ORDER = ["博士研究生", "硕士研究生", "大学本科", "大学专科", "中专", "高中"]


def _month(value: str | None) -> str:
    return (value or "")[:7]


def _highest_education(rows: list[dict]) -> dict:
    def rank(row):
        level = row.get("values", {}).get("education", "")
        return EDUCATION_ORDER.index(level) if level in EDUCATION_ORDER else len(EDUCATION_ORDER)
    return min(rows, key=rank)["values"] if rows else {}


def roster_row(number: int, application: Application, on: datetime.date) -> list:
    """One candidate's row, in COLUMNS order, from the application's filed snapshot."""
    snapshot = application.snapshot or {}
    account, sections = snapshot.get("account", {}), snapshot.get("sections", {})
    basic = sections.get("basic", {}).get("values", {})
    qualification = sections.get("qualification", {}).get("values", {})
    education = _highest_education(sections.get("education", {}).get("rows", []))

    def years_since(value):
        try:
            return years_between(datetime.date.fromisoformat(value), on)
        except (TypeError, ValueError):
            return ""
    return [
        number, account.get("name", ""), account.get("gender", ""), _month(account.get("birth_date")),
        _month(basic.get("work_start")), basic.get("current_specialty", ""), years_since(basic.get("work_start")),
        title_name(qualification) or "无", _month(qualification.get("title_obtained")),
        years_since(qualification.get("title_obtained")), education.get("education", ""),
        education.get("degree", ""), education.get("school", ""), education.get("major", ""),
        _month(education.get("end")), basic.get("language_grade", ""), basic.get("computer", ""),
        title_name(basic) or "", basic.get("qualification_specialty", "") or application.series,
        "是" if application.form == "破格申报" else "否",
    ]


def roster_rows(applications, on: datetime.date) -> list[list]:
    return [roster_row(i, a, on) for i, a in enumerate(applications, start=1)]


def _header(unit, plan, clerk, today: datetime.date) -> str:
    contact = unit.contact_name or clerk.name
    return (f"单位（盖章）：{unit.name}　　填报人：{contact}　　联系电话：{mask_phone(unit.contact_phone) or '—'}　　"
            f"填报时间：{today:%Y-%m-%d}")


def publicity_pdf(*, unit, plan, applications, clerk, today: datetime.date | None = None) -> bytes:
    """公示表: A3 landscape, the roster with the header lines and the notice of the period and objections."""
    register_font()
    today = today or datetime.date.today()
    page = landscape(A3)
    margin = 12 * mm
    width = page[0] - 2 * margin
    widths = [width * w / sum(WEIGHTS) for w in WEIGHTS]
    size, leading = 8, 10

    def cell(text, w):
        return "\n".join(break_lines(str(text), (w - 6) / size)) if text not in (None, "") else ""
    rows = roster_rows(applications, plan.closes_on)
    data = [[cell(c, widths[i]) for i, c in enumerate(COLUMNS)]]
    data += [[cell(v, widths[i]) for i, v in enumerate(row)] for row in rows]
    if not rows:
        data.append(["", "本单位暂无该计划的推荐人选"] + [""] * (len(COLUMNS) - 2))
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle(GRID + HEADER + [("FONT", (0, 0), (-1, -1), FONT, size, leading),
                                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=page, leftMargin=margin, rightMargin=margin, topMargin=margin,
                            bottomMargin=margin, title="职称申报人员公示表", author="zhicheng",
                            initialFontName=FONT, initialFontSize=size)
    flow = [
        Paragraph(escape(f"{plan.name} 申报人员公示表（一览表）"), styles()["title"]),
        Paragraph(escape(_header(unit, plan, clerk, today)), styles()["small"]),
        Spacer(1, 3 * mm), table, Spacer(1, 4 * mm),
        Paragraph(escape("公示期：不少于5个工作日。对公示人员的申报材料如有异议，请在公示期内向本单位人事部门实名反映，"
                         "并提供相关证据。公示期满无异议的，由本单位推荐上报。"), styles()["small"]),
    ]
    doc.build(flow)
    return buffer.getvalue()


def publicity_xlsx(*, unit, plan, applications, clerk, today: datetime.date | None = None) -> bytes:
    """一览表 as a workbook: the title, the header line, then the roster."""
    today = today or datetime.date.today()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "一览表"
    sheet.append([f"{plan.name} 申报人员一览表"])
    sheet.append([_header(unit, plan, clerk, today)])
    sheet.append(COLUMNS)
    for row in roster_rows(applications, plan.closes_on):
        sheet.append(row)
    sheet["A1"].font = Font(bold=True, size=14)
    for c in sheet[3]:
        c.font = Font(bold=True)
        c.alignment = Alignment(wrap_text=True, horizontal="center")
    for i, w in enumerate(WEIGHTS):
        sheet.column_dimensions[sheet.cell(row=3, column=i + 1).column_letter].width = w * 2 + 2
    return workbook_bytes(workbook)
