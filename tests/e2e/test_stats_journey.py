"""评审统计 in the browser: the HR bureau's clerk opens the statistics of a plan, sees the chart and the tables, and
exports them to Excel."""

from io import BytesIO

from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from applications import services
from tests.applications.support import plan_for
from tests.factories import PASSWORD, PersonFactory, UnitFactory, bureau_staff


def test_the_bureau_reads_and_exports_the_statistics_of_a_plan(page, shot, log_in):
    plan = plan_for("工程技术")
    unit = UnitFactory(name="福建闽江工程科技有限公司")
    for name, status in (("李娜", "submitted"), ("王磊", "passed"), ("赵敏", "failed")):
        application = services.application_start(actor=PersonFactory(unit=unit, name=name, series="工程技术"),
                                                  plan=plan, series="工程技术", level="副高")
        application.status, application.stage = status, "unit" if status == "submitted" else ""
        application.submitted_at = timezone.now()
        application.save()
    staff = bureau_staff(name="人社厅郑强")
    log_in(staff.username, PASSWORD)
    page.locator("aside").get_by_role("link", name="评审统计", exact=True).click()
    expect(page.get_by_test_id("stats-total")).to_have_text("3")
    expect(page.get_by_test_id("stats-pass-rate")).to_have_text("50.0%")
    page.wait_for_selector("#stats-chart[data-rendered='1']")
    shot("1-statistics")
    with page.expect_download() as info:
        page.get_by_role("link", name="导出Excel").click()
    rows = list(load_workbook(BytesIO(open(info.value.path(), "rb").read())).active.iter_rows(values_only=True))
    assert ("已提交申报", 3, "通过率", "50.0%") in rows
