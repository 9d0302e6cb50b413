"""评审计划 and 委托 in the browser (SPEC §5): the hospital's admin opens 评审计划, looks at a plan, delegates the
hospital's review of it to another organisation picked by name; the delegate's admin finds the hospital's filed
application in 职称申报审核 › 待领取 while the hospital's own list no longer has it; the hospital takes the
delegation back and the application returns to its list."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from applications.models import Application
from applications.services import snapshot_build
from orgs.models import Unit
from tests.applications.support import plan_for
from tests.factories import PASSWORD, PersonFactory, UnitFactory, unit_admin


def filed_application(unit, plan) -> Application:
    """陈静's application standing at the unit node (written directly: filing is tested elsewhere)."""
    person = PersonFactory(unit=unit, name="陈静", series="工程技术")
    application = Application.objects.create(
        applicant=person, plan=plan, unit=unit, series="工程技术", level="副高", status="submitted", stage="unit",
        submitted_at=timezone.now() - datetime.timedelta(days=1), node_since=timezone.now())
    application.snapshot = snapshot_build(application)
    application.save(update_fields=["snapshot"])
    return application


def test_the_hospital_delegates_a_plan_and_takes_it_back(page, shot, log_in, e2e_data):
    hospital = UnitFactory(name="福州市第一医院", nature=Unit.Nature.PUBLIC_INSTITUTION)
    centre = UnitFactory(name="福州市人才服务中心", nature=Unit.Nature.PUBLIC_INSTITUTION)
    clerk = unit_admin(hospital, name="医院经办人")
    delegate_clerk = unit_admin(centre, name="中心经办人")
    plan = plan_for("工程技术")
    filed_application(hospital, plan)

    log_in(clerk.username, PASSWORD)
    page.locator("aside").get_by_role("link", name="评审计划", exact=True).click()
    expect(page.get_by_role("heading", name="评审计划", exact=True)).to_be_visible()
    row = page.get_by_test_id("plans").locator("tr", has_text=plan.name)
    expect(row).to_contain_text(plan.committee.name)
    expect(row).to_contain_text("本单位审核")
    shot("1-plans")
    row.get_by_role("link", name="委托").click()
    expect(page.get_by_role("heading", name=plan.name)).to_be_visible()
    expect(page.get_by_text("1 人")).to_be_visible()  # 本单位已提交申报

    # Submitting without picking a unit is refused next to the field.
    page.get_by_role("button", name="委托", exact=True).click()
    expect(page.get_by_text("请从列表中选择受托单位。")).to_be_visible()
    page.get_by_placeholder("输入单位名称的关键字搜索，从列表中选择").fill("人才服务")
    page.locator("#unit-options").get_by_text("福州市人才服务中心").click()
    expect(page.get_by_placeholder("输入单位名称的关键字搜索，从列表中选择")).to_have_value("福州市人才服务中心")
    page.get_by_role("button", name="委托", exact=True).click()
    expect(page.get_by_text(f"已委托福州市人才服务中心审核本单位的{plan.name}申报。")).to_be_visible()
    expect(page.get_by_test_id("delegation")).to_contain_text("福州市人才服务中心")
    shot("2-delegated")

    # The hospital's own list no longer has the application.
    page.locator("aside").get_by_role("link", name="职称申报审核", exact=True).click()
    page.locator(".nav-tabs").get_by_role("link", name="待领取").click()
    expect(page.locator(".nav-tabs .nav-link.active")).to_contain_text("待领取(0)")
    expect(page.get_by_test_id("chain-list")).to_contain_text("暂无数据")
    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/accounts/login/")

    # The delegate's admin finds it under 待领取, with the applicant's unit shown beside her name.
    log_in(delegate_clerk.username, PASSWORD)
    page.locator("aside").get_by_role("link", name="职称申报审核", exact=True).click()
    page.locator(".nav-tabs").get_by_role("link", name="待领取").click()
    row = page.get_by_test_id("chain-list").locator("tr", has_text="陈静")
    expect(row).to_be_visible()
    shot("3-delegate-sees-it")
    row.get_by_role("link", name="领取").click()
    expect(page.get_by_role("heading", name=f"陈静 · {plan.name}")).to_be_visible()
    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/accounts/login/")

    # The hospital takes the delegation back: the application is in its list again, unclaimed.
    log_in(clerk.username, PASSWORD)
    page.locator("aside").get_by_role("link", name="评审计划", exact=True).click()
    page.get_by_test_id("plans").locator("tr", has_text=plan.name).get_by_role("link", name="查看").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="收回委托").click()
    expect(page.get_by_text("已收回委托，本单位的申报由本单位审核。")).to_be_visible()
    expect(page.get_by_test_id("delegation")).to_have_count(0)
    page.locator("aside").get_by_role("link", name="职称申报审核", exact=True).click()
    page.locator(".nav-tabs").get_by_role("link", name="待领取").click()
    expect(page.get_by_test_id("chain-list").locator("tr", has_text="陈静")).to_be_visible()
    shot("4-taken-back")
