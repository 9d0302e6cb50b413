"""Excel exports of the review desks' lists (the tab and search applied): the list's columns, the ID number and
the phone masked with core's one format. Rows are read in chunks (iterator), so a long list is not held twice."""

from openpyxl import Workbook
from openpyxl.styles import Font

from core.excel import workbook_bytes
from core.masking import mask_id_number, mask_phone

COLUMNS = ["序号", "年度", "申报人", "身份证号", "手机号", "性别", "工作单位", "评审计划", "申报形式", "申报专业",
           "申报职称", "申报日期", "流程节点", "状态"]


def desk_rows(applications):
    for number, a in enumerate(applications.iterator(chunk_size=2000), start=1):
        basic = ((a.snapshot or {}).get("sections", {}).get("basic", {}) or {}).get("values", {})
        yield [number, a.plan.year, a.applicant.name, mask_id_number(a.applicant.id_number),
               mask_phone(a.applicant.phone), a.applicant.get_gender_display(), a.unit.name if a.unit_id else "",
               a.plan.name, a.form, basic.get("qualification_specialty") or a.series,
               basic.get("title_name") or a.level,
               a.submitted_at.strftime("%Y-%m-%d") if a.submitted_at else "", a.stage_label,
               a.get_status_display()]


def desk_xlsx(title: str, applications) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in desk_rows(applications):
        sheet.append(row)
    return workbook_bytes(workbook)
