"""The official 评审表 (FORMS-AND-RULES §1.1): the filed print in the national template's order, and its re-print
after the committee's result with 答辩情况 and the vote block filled in from the decision, the filing snapshot
untouched; as PDF and as the Excel workbook in the printed form's layout (封面, 评审表, 附页). Read back with
pdftotext and openpyxl; the PDF pages, and the workbook printed to PDF by LibreOffice, are rendered with pdftoppm
into the screenshots folder to be looked at."""

import datetime
import io
import json
import subprocess
import zipfile
from importlib import import_module
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.cell.cell import MergedCell

from accounts.models import Role
from applications import chain
from applications.chain_parts import Tally
from applications.models import Application, Defence, PrintFile
from applications.prints import review_pdf, review_xlsx
from applications.review_form import DRAFT_STAMP, cn_date
from tests.applications.support import flat, login, pdf_info, pdf_text, render_workbook, save_section, values_of
from tests.factories import PersonFactory
from tests.helpers import fetch_print

from .support import staff, walk

pytestmark = pytest.mark.django_db

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "test-reports" / "screenshots"
ORDER = ["专业技术职务任职资格评审表", "一、基本情况", "二、学习培训经历", "三、工作经历", "四、任现职前主要专业技术工作业绩登记",
         "五、任现职后主要专业技术工作业绩登记", "六、著作、论文及重要技术报告登记", "七、考试成绩及答辩情况",
         "八、年度及任职期满考核结果", "九、单位推荐意见", "十、评审审批意见"]
BASIC_LABELS = ["姓名（现名）", "曾用名", "出生日期", "出生地", "身份证号码", "参加工作时间", "身体状况", "最高学历",
                "毕（肄、结）业时间", "学制", "现任专业技术职务及任职时间", "现从事何种专业技术工作",
                "专业技术职务任职资格（取得时间及审批机关）", "现（兼）任行政职务及任职时间",
                "何时加入中国共产党（共青团）任何职务", "何时何地参加何种民主党派任何职务",
                "参加何种学术团体、任何种职务、有何社会兼职", "懂何种外语、达到何种程度"]


def pages(content: bytes) -> list[str]:
    """The text of each page (pdftotext separates pages with a form feed)."""
    return pdf_text(content).split("\f")[:-1]


def render(content: bytes, name: str) -> list[Path]:
    """Every page as PNG under var/test-reports/screenshots/ (to be looked at)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob(f"{name}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-", str(SCREENSHOTS / name)], input=content, check=True)
    made = sorted(SCREENSHOTS.glob(f"{name}-*.png"))
    assert len(made) == int(pdf_info(content)["Pages"]) and all(p.stat().st_size > 5_000 for p in made)
    return made


def own(client, application, kind):
    return fetch_print(client, reverse("applications:print", args=[application.pk, kind]))


@pytest.fixture
def filed(world, client):
    """The world's application with 曾用名 and 出生地, filed, accepted by the committee office and arranged for
    its defence."""
    login(client, world.person)
    basic = values_of(world.application, "basic")
    response = save_section(client, world.application, "basic",
                            {**{k: v for k, v in basic.items() if v is not None}, "former_name": "陈小静",
                             "birthplace": "福建福州"})
    assert response.status_code == 302, response.content.decode()[:2000]
    client.post(reverse("applications:submit", args=[world.application.pk]))
    application = walk(world, world.application, to="accepted")
    Defence.objects.create(application=application, group="土木工程", place="省人才大厦305室", seq=3,
                           starts_at=timezone.make_aware(datetime.datetime(2026, 11, 20, 9, 30)))
    world.application = application
    return world


def test_the_filed_form_follows_the_national_template(filed, client):
    application = filed.application
    content = own(client, application, "review.pdf").content
    assert pdf_info(content)["Page size"].endswith("(A4)")
    fonts = subprocess.run(["pdffonts", "-"], input=content, capture_output=True, check=True).stdout.decode()
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:]), fonts  # every font embedded
    text = pages(content)
    cover = flat(text[0])
    for label in ("专业技术职务任职资格评审表", "姓名", "陈静", "工作单位", "福州市第一医院", "申报系列（专业）",
                  "申报资格", "填表日期", "中华人民共和国人事部制"):
        assert flat(label) in cover, label
    assert "一、基本情况" in flat(text[1])
    basic = flat(text[1])
    positions = [basic.index(flat(label)) for label in BASIC_LABELS]
    assert positions == sorted(positions)  # every field of §1.1, in its order
    assert "陈小静" in basic and "福建福州" in basic and application.applicant.id_number in basic
    whole = flat("".join(text))
    positions = [whole.index(flat(title)) for title in ORDER]
    assert positions == sorted(positions)
    # Nothing of the result before the result: the vote block and 答辩情况 wait for the committee.
    assert "评审结果：通过" not in whole and "省人才大厦305室" not in whole
    assert own(client, application, "result.pdf").status_code == 404


def test_the_reprint_after_the_result_fills_the_defence_and_the_vote_only(filed, client):
    application = filed.application
    before = own(client, application, "review.pdf").content
    snapshot = json.dumps(Application.objects.get(pk=application.pk).snapshot, sort_keys=True).encode()

    chain.committee_result(actor=filed.committee, pk=application.pk, opinion="表决通过",
                           tally=Tally(members=25, attending=21, agree=18, disagree=2, abstain=1))
    application.refresh_from_db()
    assert application.status == Application.Status.PASSED
    assert json.dumps(application.snapshot, sort_keys=True).encode() == snapshot  # the filing never changes

    response = own(client, application, "result.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    result = response.content
    render(result, "review-form-result")
    render(before, "review-form-filed")
    filed_text, result_text = pages(before), pages(result)
    assert len(filed_text) == len(result_text)
    changed = [i for i, (a, b) in enumerate(zip(filed_text, result_text, strict=True)) if a != b]
    defence_page = next(i for i, page in enumerate(result_text) if "七、考试成绩及答辩情况" in page)
    vote_page = next(i for i, page in enumerate(result_text) if "十、评审审批意见" in page)
    assert set(changed) <= {defence_page, vote_page} and vote_page in changed
    vote = flat(result_text[vote_page])
    assert flat("25 21 18 2 1") in vote and "评审结果：通过" in vote and "表决通过" in vote
    assert timezone.localdate().strftime("%Y年%m月%d日") in vote
    defence = flat("".join(result_text[defence_page:defence_page + 2]))
    assert "省人才大厦305室" in defence and "土木工程学科组答辩（答辩序号3）" in defence
    # Outside the filled blocks the pages read the same, line by line.
    for i in changed:
        gone = set(filed_text[i].splitlines()) - set(result_text[i].splitlines())
        assert all(line.strip() in ("评审结果：", "主任签字： （公章） 年 月 日", "负责人： （公章） 年 月 日", "")
                   or "年 月 日" in line for line in gone), gone

    # The filed print is still the one stored for the filing; the re-print is stored under its own hash.
    assert own(client, application, "review.pdf").content == before
    assert PrintFile.objects.filter(application=application, kind="result_pdf").count() == 1


def test_the_reprint_is_for_those_who_see_the_filed_print(filed, client):
    application = filed.application
    chain.committee_result(actor=filed.committee, pk=application.pk, passed=False, opinion="",
                           tally=None)
    url = reverse("chain:print", args=["committee", application.pk, "result.pdf"])
    login(client, filed.committee)
    response = fetch_print(client, url)
    assert response.status_code == 200
    assert "评审结果：不通过" in flat(pdf_text(response.content))
    assert own(client, application, "result.pdf").status_code == 404  # not the office's own application
    other_office = staff(Role.COMMITTEE_STAFF, PersonFactory().unit, name="外地评委会")
    for outsider in (other_office, filed.clerk, PersonFactory(unit=filed.unit)):
        login(client, outsider)
        assert fetch_print(client, url).status_code == 404
        assert own(client, application, "result.pdf").status_code == 404
    login(client, application.applicant)
    assert own(client, application, "result.pdf").status_code == 200


def test_overflowing_cells_continue_on_the_attachment_page(filed, client):
    application = filed.application
    snapshot = application.snapshot
    rows = [{"values": {"organisation": f"福建省第{i}学会", "post": "常务理事", "start": "2015-01-01", "end": ""}}
            for i in range(1, 11)]
    overflowing = {**snapshot, "sections": {**snapshot["sections"], "societies": {"rows": rows}}}
    content = review_pdf(application, snapshot=overflowing)
    render(content, "review-form-overflow")
    text = pages(content)
    basic = flat(text[1])
    assert "（续见附页）" in basic and "福建省第10学会" not in basic
    attachment = flat(text[-1])
    assert "附页（续）" in attachment and "福建省第10学会常务理事" in attachment
    assert flat("参加何种学术团体、任何种职务、有何社会兼职") in attachment


# ------------------------------------------------------------------------------------------- the Excel workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook_of(content: bytes):
    return load_workbook(io.BytesIO(content))


def values(ws) -> list[str]:
    """Every written cell's text, row by row, left to right (a merged cell once)."""
    return [str(cell.value) for row in ws.iter_rows() for cell in row
            if not isinstance(cell, MergedCell) and cell.value not in (None, "")]


def find(ws, text: str):
    return next(cell for row in ws.iter_rows() for cell in row if cell.value == text)


def right_of(ws, label: str):
    """The value of the cell right of `label` (the next cell that is not part of the label's merged cell)."""
    cell = find(ws, label)
    column = cell.column + 1
    while isinstance(ws.cell(cell.row, column), MergedCell):
        column += 1
    return ws.cell(cell.row, column).value


def below(ws, label: str, rows: int = 1):
    cell = find(ws, label)
    return ws.cell(cell.row + rows, cell.column).value


def vote_counts(ws) -> list:
    return [ws[coordinate].value for coordinate in vote_cells(ws)]


def vote_cells(ws) -> list[str]:
    """The coordinates of the six count cells under 总人数（应到）… 备注."""
    row = find(ws, "总人数（应到）").row + 1
    return [ws.cell(row, c).coordinate for c in range(1, 9) if not isinstance(ws.cell(row, c), MergedCell)]


def test_the_workbook_is_the_national_form(filed, client):
    application = filed.application
    response = own(client, application, "review.xlsx")
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    workbook = workbook_of(response.content)
    assert workbook.sheetnames == ["封面", "评审表"]  # nothing overflowed: no 附页

    cover = workbook["封面"]
    assert values(cover)[0] == "专业技术职务任职资格评审表" and values(cover)[-1] == "中华人民共和国人事部制"
    assert right_of(cover, "姓　　名") == "陈静" and right_of(cover, "工作单位") == application.applicant.unit.name
    assert right_of(cover, "申报系列（专业）").startswith("工程技术")
    assert right_of(cover, "填表日期") == cn_date(application.snapshot["submitted_at"][:10])
    assert find(cover, "陈静").border.bottom.style == "thin"  # written on a ruled line
    assert cover.page_setup.fitToHeight == 1 and cover.sheet_properties.pageSetUpPr.fitToPage

    form = workbook["评审表"]
    assert right_of(form, "姓名（现名）") == "陈静" and right_of(form, "曾用名") == "陈小静"
    assert right_of(form, "出生地") == "福建福州"
    assert right_of(form, "身份证号码") == application.applicant.id_number  # the full number, as on the PDF
    # The photo sits in its cell (drawn over it, the cell's 照片 placeholder cleared).
    assert "照片" not in values(form)
    assert any(n.startswith("xl/media/") for n in zipfile.ZipFile(io.BytesIO(response.content)).namelist())
    schools = [r["values"]["school"] for r in application.snapshot["sections"]["education"]["rows"]]
    assert below(form, "学校") in schools  # 最高学历
    text = values(form)
    positions = [text.index(label) for label in BASIC_LABELS]
    assert positions == sorted(positions)  # every field of §1.1, in its order
    positions = [next(i for i, value in enumerate(text) if value.startswith(title)) for title in ORDER]
    assert positions == sorted(positions)  # every section, in the template's order
    paper = application.snapshot["sections"]["papers"]["rows"][0]["values"]
    assert right_of(form, paper["published_on"]) == paper["title"]
    # Printed as the form: A4 portrait, the eight columns fitted to the page width, a page per opinion page.
    setup = form.page_setup
    assert (setup.paperSize, setup.orientation, setup.fitToWidth, setup.fitToHeight) == (9, "portrait", 1, 0)
    assert form.print_area == f"'评审表'!$A$1:$H${form.max_row}"
    assert len(form.merged_cells.ranges) > 50 and find(form, "姓名（现名）").border.left.style == "thin"
    breaks = [b.id for b in form.row_breaks.brk]
    assert len(breaks) == 3 and find(form, "九、单位推荐意见").row - 1 in breaks
    # Before the result: the vote block and 答辩情况 are blank, and the filed print carries no stamp.
    assert vote_counts(form) == [None] * 6 and "评审结果：" in text and "省人才大厦305室" not in "".join(text)
    assert below(form, "答辩情况：") in (None, "")
    assert DRAFT_STAMP not in "".join(text) and not any(
        ws.oddHeader.center.text for ws in workbook.worksheets)
    assert not [cell for ws in workbook.worksheets for row in ws.iter_rows() for cell in row if cell.comment]

    # The PDF says the same: every text of the workbook's form is in the PDF's.
    pdf = flat("".join(pages(own(client, application, "review.pdf").content)))
    assert [value for value in text if flat(value) not in pdf] == []
    printed = render_workbook(response.content, "review-xlsx-filed")
    render(printed, "review-xlsx-filed")
    assert pdf_info(printed)["Page size"].endswith("(A4)")
    assert "陈小静" in flat(pdf_text(printed)) and "评审组织意见" in flat(pdf_text(printed))


def test_the_workbook_continues_what_does_not_fit_on_its_attachment_sheet(filed):
    application = filed.application
    snapshot = application.snapshot
    societies = [{"values": {"organisation": f"福建省第{i}学会", "post": "常务理事", "start": "2015-01-01", "end": ""}}
                 for i in range(1, 11)]
    papers = [{"values": {"title": f"论文{i:02d}", "journal": "土木工程学报", "issn": "0000-0000",
                          "published_on": f"2020-01-{i:02d}", "rank": 1}} for i in range(1, 16)]
    overflowing = {**snapshot, "sections": {**snapshot["sections"], "societies": {"rows": societies},
                                            "papers": {"rows": papers}}}
    content = review_xlsx(application, snapshot=overflowing)
    workbook = workbook_of(content)
    assert workbook.sheetnames == ["封面", "评审表", "附页"]
    form, attachment = workbook["评审表"], workbook["附页"]

    societies_cell = right_of(form, "参加何种学术团体、任何种职务、有何社会兼职")
    assert societies_cell.endswith("（续见附页）") and "福建省第10学会" not in societies_cell
    text = values(form)
    assert "论文12" in text and "论文13" not in text  # the form's twelve rows
    writings = len(papers) + len(snapshot["sections"].get("books", {}).get("rows", []))
    assert f"（以下{writings - 12}项续见附页：六、著作、论文及重要技术报告登记）" in text

    rest = values(attachment)
    assert rest[:2] == ["附页（续）", "注：以下为正文表格中填写不下的内容，按栏目接续正文"]
    assert attachment.print_title_rows == "$1:$2"  # the title on every printed page
    whole = right_of(attachment, "参加何种学术团体、任何种职务、有何社会兼职")
    assert "福建省第1学会常务理事" in whole and "福建省第10学会常务理事" in whole
    heading = find(attachment, "六、著作、论文及重要技术报告登记（续，接正文第12项）")
    assert [attachment.cell(heading.row + i, 1).value for i in range(1, 5)] == ["序号", "13", "14", "15"]
    assert right_of(attachment, "13") == "2020-01-13" and "论文15" in rest
    assert workbook["评审表"].page_setup.paperSize == attachment.page_setup.paperSize == 9
    render(render_workbook(content, "review-xlsx-overflow"), "review-xlsx-overflow")


def test_the_workbook_reprint_after_the_result_fills_the_defence_and_the_vote_only(filed, client):
    application = filed.application
    assert own(client, application, "result.xlsx").status_code == 404  # no result yet
    before = workbook_of(own(client, application, "review.xlsx").content)
    snapshot = json.dumps(Application.objects.get(pk=application.pk).snapshot, sort_keys=True)

    chain.committee_result(actor=filed.committee, pk=application.pk, opinion="表决通过",
                           tally=Tally(members=25, attending=21, agree=18, disagree=2, abstain=1))
    application.refresh_from_db()
    assert json.dumps(application.snapshot, sort_keys=True) == snapshot  # the filing never changes

    response = own(client, application, "result.xlsx")
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert "%E8%AF%84%E5%AE%A1%E7%BB%93%E6%9E%9C" in response["Content-Disposition"]  # 评审结果 in the name
    after = workbook_of(response.content)
    form = after["评审表"]
    assert vote_counts(form) == ["25", "21", "18", "2", "1", None]
    assert below(form, "总人数（应到）", 2).startswith("评审结果：通过\n说明：表决情况：应到25人")
    today = timezone.localdate().strftime("%Y年%m月%d日")
    assert below(form, "总人数（应到）", 3).startswith("主任签字") and today in below(form, "总人数（应到）", 3)
    assert below(form, "答辩情况：") == "2026-11-20 09:30于省人才大厦305室参加土木工程学科组答辩（答辩序号3）。"
    assert "2026年11月20日" in below(form, "答辩情况：", 2)

    changed = [(cell.coordinate, cell.value) for row in form.iter_rows() for cell in row
               if cell.value != before["评审表"][cell.coordinate].value]
    assert {coordinate for coordinate, _ in changed} == {
        find(form, "答辩情况：").offset(1).coordinate, find(form, "答辩情况：").offset(2).coordinate,
        *vote_cells(form)[:5],  # 备注 stays blank
        find(form, "总人数（应到）").offset(2).coordinate, find(form, "总人数（应到）").offset(3).coordinate,
    }, changed
    assert values(after["封面"]) == values(before["封面"])
    # The filed workbook is still the one stored for the filing; the re-print is stored under its own hash.
    assert workbook_of(own(client, application, "review.xlsx").content)["评审表"]["A1"].value == \
        before["评审表"]["A1"].value
    assert PrintFile.objects.filter(application=application, kind="result_xlsx").count() == 1
    assert PrintFile.objects.filter(application=application, kind="review_xlsx").count() == 1
    render(render_workbook(response.content, "review-xlsx-result"), "review-xlsx-result")


def test_workbooks_stored_in_the_earlier_layout_are_made_again(filed, client):
    application = filed.application
    own(client, application, "review.xlsx")
    own(client, application, "review.pdf")
    assert PrintFile.objects.filter(application=application, kind="review_xlsx").count() == 1

    state = MigrationExecutor(connection).loader.project_state(("applications", "0016_review_xlsx_national_layout"))
    import_module("applications.migrations.0016_review_xlsx_national_layout").drop_stored_workbooks(state.apps, None)

    assert list(PrintFile.objects.filter(application=application).values_list("kind", flat=True)) == ["review_pdf"]
    assert workbook_of(own(client, application, "review.xlsx").content).sheetnames[0] == "封面"
