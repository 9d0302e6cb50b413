"""评委会与评审计划 in the browser: HR-bureau staff create a committee, then a plan whose committee meeting passes
an application at three quarters of the attending experts; a plan with bad dates is refused by the field, with
the rest of the input kept."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from applications.models import Plan
from tests.factories import PASSWORD, bureau_staff


def test_bureau_staff_create_a_committee_and_a_plan_with_its_pass_share(page, shot, log_in):
    staff = bureau_staff(name="人社厅郑强")
    log_in(staff.username, PASSWORD)
    page.locator("aside").get_by_role("link", name="评委会与评审计划", exact=True).click()
    expect(page.get_by_role("heading", name="评委会与评审计划", exact=True)).to_be_visible()

    page.get_by_text("新建评委会").click()
    page.get_by_label("评委会名称").fill("福建省经济专业高级职称评审委员会")
    page.get_by_label("评审系列").fill("经济")
    page.locator("form:has(input[value=committee])").get_by_label("评审级别").fill("副高,正高")
    page.get_by_role("button", name="保存评委会").click()
    expect(page.get_by_text("已新建评委会：福建省经济专业高级职称评审委员会。")).to_be_visible()

    today = timezone.localdate()
    page.get_by_text("新建评审计划").click()
    plan = page.locator("form:has(input[value=plan])")
    plan.get_by_label("年度").fill(str(today.year))
    plan.get_by_label("计划名称").fill(f"{today.year}年度经济系列高级职称评审")
    plan.get_by_label("评委会", exact=True).select_option(label="福建省经济专业高级职称评审委员会")
    plan.get_by_label("申报开始日期").fill(today.isoformat())
    plan.get_by_label("申报截止日期").fill((today - datetime.timedelta(days=1)).isoformat())
    plan.get_by_label("评审级别").fill("副高,正高")
    plan.get_by_label("申报系列").fill("经济")
    plan.get_by_label("表决通过比例").select_option(label="出席专家的四分之三以上")
    page.get_by_role("button", name="保存评审计划").click()
    plan = page.locator("form:has(input[value=plan])")
    expect(plan.get_by_text("申报截止日期不能早于开始日期。")).to_be_visible()
    expect(plan.get_by_label("表决通过比例")).to_have_value("3/4")  # kept while the dates are corrected
    shot("1-plan-refused-for-its-dates")

    plan.get_by_label("申报截止日期").fill((today + datetime.timedelta(days=60)).isoformat())
    page.get_by_role("button", name="保存评审计划").click()
    expect(page.get_by_text(f"已新建评审计划：{today.year}年度经济系列高级职称评审。")).to_be_visible()
    row = page.locator("tr", has_text=f"{today.year}年度经济系列高级职称评审")
    expect(row).to_contain_text("出席专家的四分之三以上")
    shot("2-plan-listed")
    assert Plan.objects.get().pass_share == "3/4"

    # 管理: correct a typo, close early, reopen, then delete (nobody applied).
    row.get_by_role("link", name="管理").click()
    expect(page.get_by_text("用人单位 → 主管部门 → 人社部门 → 评委会")).to_be_visible()
    page.get_by_label("计划名称").fill(f"{today.year}年度经济系列高级职称评审（更正）")
    page.get_by_role("button", name="保存修改").click()
    expect(page.get_by_text(f"已保存评审计划：{today.year}年度经济系列高级职称评审（更正）。")).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="提前截止").click()
    expect(page.get_by_text("已提前截止评审计划")).to_be_visible()
    expect(page.locator(".zc-card", has_text="变更记录")).to_contain_text("提前截止")
    shot("3-plan-closed-early-with-history")
    page.get_by_role("button", name="重新开放").click()
    expect(page.get_by_text("已重新开放评审计划")).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="删除").click()
    expect(page.get_by_text(f"已删除评审计划{today.year}年度经济系列高级职称评审（更正）。")).to_be_visible()
    assert not Plan.objects.exists()
