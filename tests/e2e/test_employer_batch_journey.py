"""Twenty doctors' papers wait for review. The hospital's admin opens 业绩档案 › 论文发表情况, selects every row of
the first page and approves them in one go (批量通过), goes to 下一页 and does the same; the tabs, the menu and
the unit home then count 20 approved and none pending (SPEC §5: batch approve)."""

import re

from playwright.sync_api import expect

from tests.factories import PASSWORD, PersonFactory
from tests.review.support import make_record


def test_the_admin_batch_approves_twenty_pending_papers_page_by_page(page, shot, log_in, hospital):
    for i in range(1, 21):
        doctor = PersonFactory(unit=hospital.unit, name=f"医生{i:02d}")
        make_record(doctor, "paper", title=f"基层医院护理质量研究（第{i}篇）",
                    data={"journal": "中华护理杂志", "journal_level": "核心期刊", "published_on": "2025-06-01"})

    log_in(hospital.admin.id_number, PASSWORD)
    expect(page.get_by_role("link", name="单位首页")).to_be_visible()
    page.locator("aside").get_by_role("link", name="业绩档案").click()
    expect(page).to_have_url(re.compile(r"/unit/records/k/paper/$"))  # the type with pending records opens
    expect(page.locator("[data-tab=pending]")).to_have_text("审核中(20)")
    expect(page.locator("[data-kind=paper]")).to_contain_text("(20/0)")
    rows = page.locator("tbody tr[data-record]")
    expect(rows).to_have_count(10)
    expect(page.locator("main")).to_contain_text("共 20 条")
    expect(page.get_by_label("每页条数")).to_have_value("10")

    # Page 1: select all, approve.
    page.get_by_label("全选").check()
    expect(page.locator("#batch-count")).to_have_text("当前表格已选择 10 项")
    page.get_by_label("批量审核意见").fill("经核实，同意通过。")
    shot("01-first-page-selected")
    page.get_by_role("button", name="批量通过").click()
    expect(page.get_by_role("alert")).to_have_text("已批量通过 10 条业绩。")
    expect(page.locator("[data-tab=pending]")).to_have_text("审核中(10)")
    expect(rows.filter(has_text="审核通过")).to_have_count(10)
    expect(page.locator("tbody input[name=ids]")).to_have_count(0)
    shot("02-first-page-approved")

    # 下一页: the ten still pending.
    page.get_by_role("link", name="下一页").click()
    expect(rows.filter(has_text="审核中")).to_have_count(10)
    page.get_by_label("全选").check()
    expect(page.locator("#batch-count")).to_have_text("当前表格已选择 10 项")
    shot("03-second-page-selected")
    page.get_by_role("button", name="批量通过").click()
    expect(page.get_by_role("alert")).to_have_text("已批量通过 10 条业绩。")
    expect(rows.filter(has_text="审核通过")).to_have_count(10)

    # Every count agrees: the tabs, the menu, the unit home and the task centre.
    expect(page.locator("[data-tab=all]")).to_have_text("全部(20)")
    expect(page.locator("[data-tab=pending]")).to_have_text("审核中(0)")
    expect(page.locator("[data-tab=approved]")).to_have_text("审核通过(20)")
    expect(page.locator("[data-kind=paper]")).to_contain_text("(20/20)")
    shot("04-all-approved")
    page.locator("aside").get_by_role("link", name="单位首页").click()
    expect(page.get_by_test_id("pending-total")).to_have_text("0")
    expect(page.locator("main")).to_contain_text("论文发表情况")
    shot("05-unit-home")
    page.locator("aside").get_by_role("link", name="任务中心").click()
    expect(page.get_by_test_id("task-count")).to_have_text("0")
    expect(page.locator("main")).to_contain_text("没有待办事项")
