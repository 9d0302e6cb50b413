"""The hospital's admin narrows 评审计划 by 计划名称, 年度, 评审级别 and 计划类型 (seed 002 §四), mistypes a year and
is told so by the field, then 重置 shows every plan again."""

from playwright.sync_api import expect

from tests.applications.support import plan_for
from tests.factories import PASSWORD, CommitteeFactory, PlanFactory, UnitFactory, unit_admin


def test_the_hospital_admin_filters_the_plans(page, shot, log_in, e2e_data):
    hospital = UnitFactory(name="福州市第一中学")
    clerk = unit_admin(hospital, name="学校经办人")
    engineering = plan_for("工程技术")
    teachers = CommitteeFactory(name="福州市中小学教师中级职称评审委员会", series="中小学教师", levels=["初级", "中级"])
    middle = PlanFactory(committee=teachers, year=2025, name="2025年福州中小学教师系列中级职称评审")
    junior = PlanFactory(committee=teachers, year=2024, name="2024年福州中小学教师系列初级职称评审", levels=["初级"])

    log_in(clerk.username, PASSWORD)
    page.locator("aside").get_by_role("link", name="评审计划", exact=True).click()
    table = page.get_by_test_id("plans")
    expect(table.locator("tbody tr")).to_have_count(3)
    shot("1-all")

    filters = page.get_by_test_id("plan-filters")
    filters.get_by_label("计划类型").select_option(label="中小学教师系列")
    filters.get_by_role("button", name="查询").click()
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table).not_to_contain_text(engineering.name)

    filters.get_by_label("评审级别").select_option("中级")
    filters.get_by_label("计划名称").fill("福州")
    filters.get_by_role("button", name="查询").click()
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text(middle.name)
    expect(filters.get_by_label("计划名称")).to_have_value("福州")
    assert "series=" in page.url and "level=" in page.url
    shot("2-filtered")

    filters.get_by_label("年度").fill("20x5")
    filters.get_by_role("button", name="查询").click()
    expect(filters.get_by_text("请输入四位数字的年度。")).to_be_visible()
    expect(table).to_contain_text(middle.name)  # the other filters still apply
    shot("3-bad-year")

    filters.get_by_label("年度").fill("2024")
    filters.get_by_label("评审级别").select_option("")
    filters.get_by_role("button", name="查询").click()
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text(junior.name)

    filters.get_by_label("计划名称").fill("卫生")
    filters.get_by_role("button", name="查询").click()
    expect(table).to_contain_text("没有符合条件的评审计划")

    filters.get_by_role("link", name="重置").click()
    expect(table.locator("tbody tr")).to_have_count(3)
    expect(filters.get_by_label("计划名称")).to_have_value("")
