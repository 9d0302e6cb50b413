"""答辩安排 in the browser (SPEC §4, §6): the committee office opens 答辩安排, sees two accepted applications 未安排,
downloads the template, uploads it filled with a past date and reads the row's message (nothing imported), uploads
the corrected file and sees both arranged; 林芳 opens her application, reads the arrangement and downloads the
答辩通知单."""

import datetime
import subprocess
from types import SimpleNamespace

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from accounts.models import Role
from applications.models import Defence
from orgs.models import PostQuota, Unit
from tests.applications.support import flat, pdf_text, plan_for
from tests.chain.support import defence_template_fill, filed, last_weekday_before, staff, walk
from tests.e2e.conftest import SCREENSHOTS
from tests.factories import PASSWORD, UnitFactory, bureau_staff, unit_admin

DAY = timezone.localdate() + datetime.timedelta(days=7)


@pytest.fixture
def org(e2e_data, tmp_media):
    """Two applications accepted by the committee office (评审中), walked through every node by the services."""
    department = UnitFactory(kind=Unit.Kind.DEPARTMENT, nature=Unit.Nature.GOVERNMENT, name="福州市卫生健康委员会")
    unit = UnitFactory(name="福州市第一医院", department=department)
    plan = plan_for("工程技术")
    quota = PostQuota.objects.create(unit=unit, year=plan.year, associate=5, confirmed_at=timezone.now())
    org = SimpleNamespace(
        unit=unit, plan=plan, quota=quota, clerk=unit_admin(unit, name="经办人甲"),
        reviewer=staff(Role.DEPARTMENT_REVIEWER, department, name="主管部门黄敏"), bureau=bureau_staff(name="人社厅郑强"),
        committee=staff(Role.COMMITTEE_STAFF, plan.committee.bureau, name="评委会吴昊"),
        publicity=(last_weekday_before(14), last_weekday_before(1)),
    )
    org.first = walk(org, filed(org, name="林芳"), to="accepted")
    org.second = walk(org, filed(org, name="陈静"), to="accepted")
    return org


def fill(path, rows: dict) -> None:
    workbook = load_workbook(path)
    defence_template_fill(workbook, rows)
    workbook.save(path)


def test_the_committee_office_imports_arrangements_and_the_applicant_prints_the_notice(
        page, shot, log_in, log_out, org, tmp_path, request):
    log_in(org.committee.username, PASSWORD)
    page.locator("aside").get_by_role("link", name="答辩安排", exact=True).click()
    expect(page.get_by_role("heading", name="答辩安排", exact=True)).to_be_visible()
    expect(page.locator(".nav-tabs .nav-link.active")).to_have_text("未安排(2)")
    table = page.get_by_test_id("defence-list")
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table.locator("tr", has_text="林芳")).to_contain_text("未安排")
    shot("01-office-nothing-arranged")

    with page.expect_download() as download:
        page.get_by_test_id("defence-template").click()
    assert download.value.suggested_filename == "答辩安排.xlsx"
    path = tmp_path / "答辩安排.xlsx"
    download.value.save_as(path)
    past = timezone.localdate() - datetime.timedelta(days=2)
    fill(path, {org.first.pk: ["内科学组", past, "09:30", "省人社厅三楼第一会议室", 1],
                org.second.pk: ["内科学组", DAY, "10:00", "省人社厅三楼第一会议室", 2]})

    form = page.get_by_test_id("defence-import")
    form.locator("input[type=file]").set_input_files(str(path))
    expect(form.locator(".zc-file-names")).to_have_text("答辩安排.xlsx")
    form.get_by_role("button", name="导入").click()
    expect(page.get_by_test_id("defence-errors-summary")).to_contain_text("本次未导入任何数据")
    error = page.get_by_test_id("defence-errors").locator("tbody tr")
    expect(error).to_have_count(1)
    expect(error).to_contain_text("答辩日期")
    expect(error).to_contain_text("答辩日期不能早于今天。")
    assert not Defence.objects.exists()
    shot("02-office-a-past-date-refused")

    fill(path, {org.first.pk: ["内科学组", DAY, "09:30", "省人社厅三楼第一会议室", 1]})
    form = page.get_by_test_id("defence-import")
    form.locator("input[type=file]").set_input_files(str(path))
    form.get_by_role("button", name="导入").click()
    expect(page.get_by_role("alert").filter(has_text="已导入答辩安排：新增2条，变更0条，未变0条。")).to_be_visible()
    expect(page.locator(".nav-tabs").get_by_role("link", name="未安排(0)")).to_be_visible()
    page.locator(".nav-tabs").get_by_role("link", name="已安排(2)").click()
    row = page.get_by_test_id("defence-list").locator("tr", has_text="林芳")
    expect(row).to_contain_text("内科学组")
    expect(row).to_contain_text(f"{DAY:%Y-%m-%d} 09:30")
    expect(row).to_contain_text("省人社厅三楼第一会议室")
    shot("03-office-arranged")
    log_out()

    log_in(org.first.applicant.username, PASSWORD)
    page.locator("aside").get_by_role("link", name="职称申报", exact=True).click()
    mine = page.locator("tr", has_text=org.plan.name)
    expect(mine.get_by_test_id("defence-when")).to_have_text(f"答辩：{DAY:%Y-%m-%d} 09:30")
    shot("04a-applicant-list")
    mine.get_by_role("link", name="查看").click()
    card = page.get_by_test_id("defence")
    expect(card).to_contain_text("省人社厅三楼第一会议室")
    expect(card).to_contain_text("第1号")
    expect(card).to_contain_text("09:30")
    expect(page.get_by_test_id("flow")).to_contain_text("答辩安排")
    card.scroll_into_view_if_needed()
    shot("04-applicant-sees-the-arrangement")
    with page.expect_download() as download:
        card.get_by_role("link", name="答辩通知单（PDF）").click()
    assert download.value.suggested_filename == "答辩通知单.pdf"
    notice = tmp_path / "答辩通知单.pdf"
    download.value.save_as(notice)
    text = flat(pdf_text(notice.read_bytes()))
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", str(notice),
                    str(SCREENSHOTS / f"{request.node.name}-05-defence-notice")], check=True)
    for expected in ("答辩通知单", "林芳", "内科学组", "第1号", f"{DAY:%Y年%m月%d日}", "09:30", "省人社厅三楼第一会议室"):
        assert flat(expected) in text, expected
