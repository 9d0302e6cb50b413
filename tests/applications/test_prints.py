"""The prints of a filed application: 申报专业技术资格情况简表 (A3 landscape PDF, one sheet, ID number masked),
专业技术资格评审表 (A4 portrait PDF, full ID number, and the same as an Excel workbook). Read back with poppler and
openpyxl; page 1 of each PDF is rendered into the screenshots folder to be looked at."""

import datetime
import io
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from openpyxl import load_workbook

from applications import services
from applications.models import PrintFile
from applications.sections import sections
from core.masking import mask_id_number
from core.pdf import NO_LINE_START, break_lines, text_width
from tests.factories import PersonFactory, unit_admin

from .support import (
    PAPER_TITLE,
    SCHOOL,
    TEACHER,
    dossier,
    download,
    fill_everything,
    flat,
    login,
    page_messages,
    pdf_info,
    pdf_text,
    plan_for,
)

pytestmark = pytest.mark.django_db

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "test-reports" / "screenshots"
SERIES_TEXT = {  # a value each series section prints
    "中小学教师": TEACHER["teaching_results"], "卫生技术": "冠心病介入治疗进展综述", "会计": "3501202300123", "工程技术": None,
}


@pytest.fixture
def filed(client, unit, admin):
    def make(series: str):
        person = PersonFactory(unit=unit, name="张伟", series=series, birth_date=datetime.date(1980, 1, 2))
        records = dossier(person, admin, series=series)
        application = services.application_start(actor=person, plan=plan_for(series), series=series, level="副高")
        login(client, person)
        fill_everything(client, application, records, series=series)
        return services.application_submit(actor=person, application=application)

    return make


def render_first_pages(content: bytes, name: str, pages: int = 1) -> list[Path]:
    """Page 1 (and more) as PNG under var/test-reports/screenshots/, to be looked at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    stem = SCREENSHOTS / name
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", str(pages), "-", str(stem)], input=content,
                   check=True)
    made = sorted(SCREENSHOTS.glob(f"{name}-*.png"))
    assert len(made) >= pages and all(p.stat().st_size > 10_000 for p in made)
    return made


def fonts(content: bytes) -> list[list[str]]:
    out = subprocess.run(["pdffonts", "-"], input=content, capture_output=True, check=True).stdout.decode()
    return [line.split() for line in out.splitlines()[2:]]


def page_size(content: bytes) -> tuple[float, float, str]:
    size = pdf_info(content)["Page size"]  # "1190.55 x 841.89 pts (A3)"
    width, _, height, *rest = size.split()
    return float(width), float(height), rest[-1].strip("()")


@pytest.mark.parametrize("series", ["中小学教师", "卫生技术", "会计", "工程技术"])
def test_the_brief_is_one_a3_landscape_sheet_with_the_id_number_masked(client, filed, series):
    application = filed(series)
    response = download(client, application, "brief.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f"attachment; filename*=UTF-8''{quote('申报专业技术资格情况简表.pdf')}"
    content = response.content

    width, height, name = page_size(content)
    assert name == "A3" and width > height
    assert pdf_info(content)["Pages"] == "1"  # a typical application fits one sheet
    text = flat(pdf_text(content))
    id_number = application.applicant.id_number
    assert "申报专业技术资格情况简表" in text and "张伟" in text
    assert mask_id_number(id_number) in text and id_number not in text
    assert PAPER_TITLE in text and SCHOOL in text and "福建省土木建筑学会" in text
    if SERIES_TEXT[series]:
        assert flat(SERIES_TEXT[series]) in text
    assert all(row[-5] == "yes" for row in fonts(content)), fonts(content)  # emb column
    assert any("WenQuanYiMicroHei" in row[0] for row in fonts(content))
    render_first_pages(content, f"applications-brief-{series}")


@pytest.mark.parametrize("series", ["中小学教师", "卫生技术"])
def test_the_review_form_is_a4_portrait_with_the_full_id_number(client, filed, series):
    application = filed(series)
    response = download(client, application, "review.pdf")
    assert response.status_code == 200
    content = response.content
    width, height, name = page_size(content)
    assert name == "A4" and width < height
    text = flat(pdf_text(content))
    assert "专业技术职务任职资格评审表" in text and "张伟" in text and application.applicant.id_number in text
    assert PAPER_TITLE in text and SCHOOL in text and "1980-01-02" in text
    assert "基层单位意见" in text and "评审组织意见" in text
    if SERIES_TEXT[series]:
        assert flat(SERIES_TEXT[series]) in text
    assert all(row[-5] == "yes" for row in fonts(content))
    render_first_pages(content, f"applications-review-{series}", pages=3)


def test_the_excel_review_form_prints_the_series_section_as_the_pdf_does(client, filed):
    application = filed("中小学教师")
    response = download(client, application, "review.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[:2] == ["封面", "评审表"]
    form = workbook["评审表"]
    cells = [cell for row in form.iter_rows() for cell in row if cell.value not in (None, "")]
    text = [str(cell.value) for cell in cells]
    assert "张伟" in text and application.applicant.id_number in text and "1980-01-02" in text
    assert PAPER_TITLE in text and SCHOOL in text
    # The series' own section after 八, on a page of its own: its fields, then its row lists.
    start = text.index("附：中小学教师专业情况")
    assert text.index("八、年度及任职期满考核结果") < start < text.index("九、单位推荐意见")
    assert cells[start].row - 1 in [b.id for b in form.row_breaks.brk]
    teacher = text[start:text.index("九、单位推荐意见")]
    label = next(s for s in sections().for_series("中小学教师") if s.key == "teacher").field("teaching_results").label
    assert teacher[teacher.index(label) + 1] == TEACHER["teaching_results"]
    resume = teacher.index("工作简历")
    assert teacher[resume + 1:resume + 4] == ["序号", "时间起", "时间止"]
    assert "福州第三中学" in teacher[resume:]


def test_a_print_is_made_once_per_snapshot(client, filed):
    application = filed("工程技术")
    first = download(client, application, "review.pdf").content
    assert PrintFile.objects.filter(application=application, kind="review_pdf").count() == 1
    assert download(client, application, "review.pdf").content == first
    assert PrintFile.objects.count() == 1


def test_no_print_before_submission(client, unit, admin):
    person = PersonFactory(unit=unit)
    application = services.application_start(actor=person, plan=plan_for("工程技术"), series="工程技术", level="副高")
    login(client, person)
    response = download(client, application, "brief.pdf")
    assert response.status_code == 302 and "提交申报后才能打印。" in page_messages(client.get(response.url))
    assert not PrintFile.objects.exists()


def test_only_the_applicant_downloads_the_prints(client, filed, unit, stranger):
    application = filed("工程技术")
    assert download(client, application, "nonsense.pdf").status_code == 404
    for outsider in (stranger, unit_admin(unit, name="单位管理员乙")):
        login(client, outsider)
        for kind in ("brief.pdf", "review.pdf", "review.xlsx"):
            assert download(client, application, kind).status_code == 404
    client.logout()
    assert download(client, application, "brief.pdf").status_code == 302


@pytest.mark.parametrize("text, room, lines", [
    ("装配式桥梁伸缩缝", 4, ["装配式桥", "梁伸缩缝"]),
    ("发表于ISSN 0583-1458期刊", 8, ["发表于ISSN", "0583-1458期刊"]),  # the number is not cut
    ("第一句，第二句。", 3, ["第一句，", "第二句。"]),  # closing punctuation hangs, never starts a line
    ("ZL202310123456.7", 4, ["ZL20231", "0123456.", "7"]),  # longer than a line: character by character
    ("短", 4, ["短"]),
    ("", 4, [""]),
])
def test_cell_text_breaks_between_characters_and_keeps_words(text, room, lines):
    assert break_lines(text, room) == lines
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    hanging = "".join(NO_LINE_START)
    assert all(text_width(line.rstrip(hanging), 1) <= room + 1e-9 for line in lines if len(line) > 1)


@pytest.mark.parametrize("series, header, order", [
    ("中小学教师", ["申报学段", "申报学科", "参加教育工作时间", "担任班主任年限", "聘任职务名称"],
     ["学历信息", "工作简历", "兼课及其他任职", "考核信息", "教育教学业绩", "教科研业绩", "论文情况"]),
    ("卫生技术", ["报评资格", "申报专业", "所在医疗卫生机构情况", "机构性质", "外语能力水平"],
     ["学历信息", "资历信息", "考核信息", "综述及主要成果", "论文情况", "著作情况", "获奖情况"]),
])
def test_the_brief_of_teachers_and_health_staff_has_its_own_layout(client, filed, series, header, order):
    """The series' fields sit in the header grid and its lists among the common ones, in the layout's order,
    rather than a section of the series appended after the common ones."""
    application = filed(series)
    content = download(client, application, "brief.pdf").content
    render_first_pages(content, f"applications-brief-layout-{series}")
    assert pdf_info(content)["Pages"] == "1"
    lines = pdf_text(content).splitlines()
    text = flat("".join(lines))
    grid = text[:text.index("学历信息")]
    assert all(label in grid for label in header), grid
    positions = [text.index(flat(title)) for title in order]
    assert positions == sorted(positions)
    label = sections().get("teacher" if series == "中小学教师" else "health").label
    assert label not in [line.strip() for line in lines]  # no series section appended under its own heading
    assert flat(SERIES_TEXT[series]) in text
