"""打印预览 while filling in (seed 004 §17): the 简表 and 评审表 of the current draft, stamped 草稿 · 未提交 on every
page, a note on each 简表 sheet beyond the first; a new preview once the draft changes; the filed prints carry no
stamp; only the owner previews, and only while the application is editable."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from applications import services
from applications.models import PrintFile
from applications.prints import DRAFT_NOTE, DRAFT_STAMP, OVERFLOW_NOTE
from tests.factories import PersonFactory, unit_admin
from tests.helpers import fetch_print

from .support import (
    dossier,
    download,
    fill_everything,
    login,
    page_messages,
    pdf_info,
    pdf_text,
    plan_for,
    render_workbook,
)
from .test_prints import render_first_pages

pytestmark = pytest.mark.django_db

STAMP = re.sub(r"\s", "", DRAFT_STAMP)


def preview(client, application, kind):
    return fetch_print(client, reverse("applications:preview", args=[application.pk, kind]))


@pytest.fixture
def draft(client, unit, admin):
    person = PersonFactory(unit=unit, name="张伟", series="工程技术")
    records = dossier(person, admin, series="工程技术")
    application = services.application_start(actor=person, plan=plan_for("工程技术"), series="工程技术", level="副高")
    login(client, person)
    fill_everything(client, application, records, series="工程技术")
    application.refresh_from_db()
    return application


def _pages(content: bytes) -> list[str]:
    return [re.sub(r"\s", "", page) for page in pdf_text(content).split("\f") if page.strip()]


@pytest.mark.parametrize("kind", ["brief.pdf", "review.pdf"])
def test_every_page_of_a_draft_preview_is_stamped(client, draft, kind):
    response = preview(client, draft, kind)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "%E8%8D%89%E7%A8%BF" in response["Content-Disposition"]  # 草稿 in the file name
    pages = _pages(response.content)
    assert int(pdf_info(response.content)["Pages"]) == len(pages) >= 1
    assert all(STAMP in page for page in pages)
    assert "张伟" in "".join(pages)


def test_the_excel_preview_says_draft_on_its_first_row_and_every_sheet_header(client, draft):
    response = preview(client, draft, "review.xlsx")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[:2] == ["封面", "评审表"]
    assert all(ws["A1"].value == DRAFT_STAMP for ws in workbook.worksheets)
    assert all(DRAFT_STAMP in ws.oddHeader.center.text and DRAFT_STAMP in ws.evenHeader.center.text
               for ws in workbook.worksheets)  # on every printed page
    note = workbook["评审表"]["A1"].comment  # and a note on the form itself
    assert DRAFT_STAMP in note.text and DRAFT_NOTE in note.text
    assert workbook["评审表"]["A2"].value == "专业技术职务任职资格评审表"
    printed = render_workbook(response.content, "applications-review-xlsx-draft")
    assert all(STAMP in page for page in _pages(printed))  # printed: the stamp on every page
    render_first_pages(printed, "applications-review-xlsx-draft", pages=2)


def test_a_brief_that_overflows_one_sheet_says_so(client, draft):
    data = draft.data
    # Many long rows in the first row list: the 简表 cannot hold them on one A3 sheet.
    key = next(k for k, v in data.items() if v.get("rows"))
    row = data[key]["rows"][0]
    data[key]["rows"] = [{**row, "id": f"x{i}"} for i in range(120)]
    draft.data = data
    draft.save()
    content = preview(client, draft, "brief.pdf").content
    pages = _pages(content)
    note = re.sub(r"\s", "", OVERFLOW_NOTE)
    assert len(pages) > 1 and note not in pages[0] and all(note in page for page in pages[1:])
    render_first_pages(content, "applications-brief-draft-overflow", pages=2)


def test_a_changed_draft_gets_a_new_preview_and_the_same_draft_does_not(client, draft):
    first = preview(client, draft, "review.pdf").content
    assert preview(client, draft, "review.pdf").content == first
    assert PrintFile.objects.filter(kind="draft_review_pdf").count() == 1
    draft.data["basic"]["values"]["ethnicity"] = "回族"
    draft.save()
    preview(client, draft, "review.pdf")
    assert PrintFile.objects.filter(kind="draft_review_pdf").count() == 2


def test_the_filed_prints_carry_no_stamp(client, draft):
    person = draft.applicant
    preview(client, draft, "brief.pdf")
    filed = services.application_submit(actor=person, application=draft)
    for kind in ("brief.pdf", "review.pdf"):
        assert STAMP not in "".join(_pages(download(client, filed, kind).content))
    workbook = load_workbook(io.BytesIO(download(client, filed, "review.xlsx").content))
    assert workbook["评审表"]["A1"].value == "专业技术职务任职资格评审表"
    assert not any(ws["A1"].value == DRAFT_STAMP for ws in workbook.worksheets)
    assert not any(DRAFT_STAMP in (ws.oddHeader.center.text or "") for ws in workbook.worksheets)
    assert not any(cell.comment for ws in workbook.worksheets for row in ws.iter_rows() for cell in row)
    # Once filed, the preview sends her to the real prints.
    response = preview(client, filed, "brief.pdf")
    assert response.status_code == 302 and "申报已提交，请打印正式表格。" in page_messages(client.get(response.url))


def test_only_the_owner_previews(client, draft, unit, stranger):
    assert preview(client, draft, "nonsense.pdf").status_code == 404
    for outsider in (stranger, unit_admin(unit, name="单位管理员乙")):
        login(client, outsider)
        assert preview(client, draft, "brief.pdf").status_code == 404
    assert not PrintFile.objects.exists()


def test_the_detail_page_offers_the_preview_while_filling_in(client, draft):
    page = client.get(reverse("applications:detail", args=[draft.pk])).content.decode()
    assert reverse("applications:preview", args=[draft.pk, "brief.pdf"]) in page and "打印预览" in page
