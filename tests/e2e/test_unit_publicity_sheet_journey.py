"""公示表 in the browser: the unit clerk opens the plan, ticks nobody (all its filed applications) and downloads the
一览表 (Excel) and the 公示表 (PDF) to post."""

from io import BytesIO

from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from applications import services
from tests.applications.support import plan_for
from tests.factories import PASSWORD, PersonFactory, UnitFactory, unit_admin


def test_the_clerk_downloads_the_publicity_sheet_of_the_plan(page, shot, log_in):
    unit = UnitFactory(name="福建闽江工程科技有限公司")
    plan = plan_for("工程技术")
    application = services.application_start(actor=PersonFactory(unit=unit, name="李娜", series="工程技术"),
                                              plan=plan, series="工程技术", level="副高")
    application.status, application.stage, application.submitted_at = "submitted", "unit", timezone.now()
    application.save()
    application.snapshot = services.snapshot_build(application)
    application.save(update_fields=["snapshot"])
    clerk = unit_admin(unit, name="经办人甲")
    log_in(clerk.username, PASSWORD)
    page.locator("aside").get_by_role("link", name="评审计划", exact=True).click()
    page.locator("tr", has_text=plan.name).get_by_role("link", name="查看").click()
    form = page.get_by_test_id("publicity-form")
    expect(form).to_contain_text("李娜")
    shot("1-plan-with-candidates")
    with page.expect_download() as info:
        form.get_by_role("button", name="一览表（Excel）").click()
    sheet = load_workbook(BytesIO(open(info.value.path(), "rb").read())).active
    assert sheet["B4"].value == "李娜"
    with page.expect_download() as info:
        form.get_by_role("button", name="公示表（PDF）").click()
    assert info.value.suggested_filename == "申报人员公示表.pdf"
