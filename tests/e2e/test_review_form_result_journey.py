"""The 评审表 re-printed after the committee's result, in the browser: 陈静's application has been reviewed, the
committee office has arranged her defence and entered the vote. On her application page 评审表（含评审结果，PDF）
downloads the form with 答辩情况 and the vote block filled in; the committee office downloads the same from its
review page. The same as an Excel workbook in the printed form's layout: 专业技术资格评审表（Excel） before the
result with the vote block blank, 评审表（含评审结果，Excel） after it with the counts filled in. Before the result
there is no result link."""

import datetime
import io
import subprocess

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from accounts.models import Role
from applications import chain, services
from applications.chain_parts import Tally
from applications.models import Defence
from orgs.models import PostQuota, Unit
from tests.applications.support import dossier, fill_everything, login, plan_for
from tests.chain.support import last_weekday_before, staff, walk
from tests.factories import PASSWORD, PersonFactory, UnitFactory, bureau_staff, unit_admin

RESULT_LINK = "评审表（含评审结果，PDF）"
RESULT_EXCEL = "评审表（含评审结果，Excel）"


def workbook(path):
    """A downloaded workbook (the download's file has no .xlsx suffix)."""
    with open(path, "rb") as fh:
        return load_workbook(io.BytesIO(fh.read()))


def vote_counts(path) -> list:
    """The six cells under 总人数（应到）… 备注 on the workbook's form."""
    form = workbook(path)["评审表"]
    header = next(cell for row in form.iter_rows() for cell in row if cell.value == "总人数（应到）")
    return [form.cell(header.row + 1, c).value for c in (1, 2, 3, 5, 7, 8)]


@pytest.fixture
def reviewed(e2e_data, tmp_media):
    """陈静's 工程技术 application, filed, through the unit, the department and the bureau, accepted by the
    committee office and arranged for its defence (the result not yet entered)."""
    department = UnitFactory(kind=Unit.Kind.DEPARTMENT, nature=Unit.Nature.GOVERNMENT, name="福州市卫生健康委员会")
    unit = UnitFactory(name="福州市第一医院", department=department)
    plan = plan_for("工程技术")
    PostQuota.objects.create(unit=unit, year=plan.year, associate=1, confirmed_at=timezone.now())
    world = type("World", (), {})()
    world.clerk = unit_admin(unit, name="经办人甲")
    world.reviewer = staff(Role.DEPARTMENT_REVIEWER, department, name="主管部门黄敏")
    world.bureau = bureau_staff(name="人社厅郑强")
    world.committee = staff(Role.COMMITTEE_STAFF, plan.committee.bureau, name="评委会吴昊")
    world.publicity = (last_weekday_before(14), last_weekday_before(1))
    person = PersonFactory(unit=unit, name="陈静", series="工程技术", birth_date=datetime.date(1984, 2, 20))
    records = dossier(person, world.clerk, series="工程技术")
    application = services.application_start(actor=person, plan=plan, series="工程技术", level="副高")
    fill_everything(login(Client(), person), application, records, series="工程技术")
    application = services.application_submit(actor=person, application=application)
    world.application = walk(world, application, to="accepted")
    Defence.objects.create(application=application, group="土木工程", place="省人才大厦305室", seq=3,
                           starts_at=timezone.make_aware(datetime.datetime(2026, 11, 20, 9, 30)))
    return world


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-raw", path, "-"], capture_output=True, check=True).stdout.decode()


def flat(text: str) -> str:
    return "".join(text.split())


def test_the_applicant_and_the_office_download_the_form_with_the_result(page, shot, log_in, log_out, reviewed):
    application = reviewed.application
    log_in(application.applicant.username, PASSWORD)
    page.goto(f"/apply/{application.pk}/")
    expect(page.get_by_role("link", name="专业技术资格评审表（PDF）")).to_be_visible()
    expect(page.get_by_role("link", name=RESULT_LINK)).to_have_count(0)  # no result yet
    expect(page.get_by_role("link", name=RESULT_EXCEL)).to_have_count(0)
    with page.expect_download(timeout=20_000) as filed_excel:
        page.get_by_role("link", name="专业技术资格评审表（Excel）").click()
    assert filed_excel.value.suggested_filename == "专业技术资格评审表.xlsx"
    assert workbook(filed_excel.value.path()).sheetnames[:2] == ["封面", "评审表"]
    assert vote_counts(filed_excel.value.path()) == [None] * 6  # the vote block waits for the committee
    shot("1-before-the-result")

    chain.committee_result(actor=reviewed.committee, pk=application.pk, opinion="表决通过",
                           tally=Tally(members=25, attending=21, agree=18, disagree=2, abstain=1))

    page.reload()
    with page.expect_download(timeout=20_000) as info:
        page.get_by_role("link", name=RESULT_LINK).click()
    download = info.value
    assert download.suggested_filename == "专业技术资格评审表（评审结果）.pdf"
    text = flat(pdf_text(download.path()))
    assert "专业技术职务任职资格评审表" in text and "陈静" in text
    assert "评审结果：通过" in text and "省人才大厦305室" in text and flat("25 21 18 2 1") in text
    with page.expect_download(timeout=20_000) as excel:
        page.get_by_role("link", name=RESULT_EXCEL).click()
    assert excel.value.suggested_filename == "专业技术资格评审表（评审结果）.xlsx"
    assert vote_counts(excel.value.path()) == ["25", "21", "18", "2", "1", None]
    shot("2-applicant-downloaded")

    log_out()
    log_in(reviewed.committee.username, PASSWORD)
    page.goto(reverse("chain:review", args=["committee", application.pk]))
    with page.expect_download(timeout=20_000) as office:
        page.get_by_test_id("prints").get_by_role("link", name=RESULT_LINK).click()
    assert open(office.value.path(), "rb").read() == open(download.path(), "rb").read()  # the stored print
    with page.expect_download(timeout=20_000) as office_excel:
        page.get_by_test_id("prints").get_by_role("link", name=RESULT_EXCEL).click()
    assert open(office_excel.value.path(), "rb").read() == open(excel.value.path(), "rb").read()
    shot("3-office-downloaded")
