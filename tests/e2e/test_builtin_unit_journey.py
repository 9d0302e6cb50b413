"""The HR bureau opens a built-in account for a unit without a credit code; the unit must change the initial
password at its first login (SPEC §2, 内置单位登录)."""

import re

from playwright.sync_api import expect

from tests.factories import PASSWORD, bureau_staff

UNIT_NAME = "鼓楼区温泉街道社区卫生服务站"
NEW_PASSWORD = "Wenquan2026new"


def test_bureau_creates_a_builtin_unit_which_changes_its_password_at_first_login(
    page, shot, log_in, log_out, pick_region
):
    staff = bureau_staff("350000", name="郑科长")

    log_in(staff.id_number, PASSWORD)
    expect(page.get_by_role("heading", name="人社部门")).to_be_visible()
    page.locator("aside").get_by_role("link", name="新建内置单位").click()
    expect(page.get_by_role("heading", name="新建内置单位")).to_be_visible()
    shot("01-empty-form")

    page.get_by_label("单位名称", exact=True).fill(UNIT_NAME)
    page.get_by_label("单位性质", exact=True).select_option(label="事业单位")
    page.get_by_label("单位通讯地址", exact=True).fill("福建省福州市鼓楼区温泉街道88号")
    page.get_by_label("单位联系人", exact=True).fill("黄丽华")
    page.get_by_label("手机号码", exact=True).fill("13705910002")
    page.get_by_label("电子邮箱", exact=True).fill("wenquan@example.cn")
    pick_region("福建省", "福州市", "鼓楼区")
    shot("02-form-filled")
    page.get_by_role("button", name="创建").click()

    # The account and initial password are shown once.
    expect(page.get_by_role("heading", name="内置单位已创建")).to_be_visible()
    expect(page.locator("main")).to_contain_text(UNIT_NAME)
    account = page.get_by_test_id("builtin-username").inner_text().strip()
    initial_password = page.get_by_test_id("builtin-password").inner_text().strip()
    assert re.fullmatch(r"NZ350102\d{5}", account), account
    assert re.fullmatch(r"[A-Za-z][A-Za-z0-9]{7,19}", initial_password), initial_password
    shot("03-created")
    log_out()

    # The unit logs in with them and is sent to 修改密码; other pages stay closed until it has changed it.
    log_in(account, initial_password)
    expect(page).to_have_url(re.compile(r"/accounts/password/change/$"))
    expect(page.get_by_role("heading", name="修改密码")).to_be_visible()
    shot("04-forced-password-change")
    expect(page.locator("main")).to_contain_text("请先设置新密码")
    expect(page.locator("aside").get_by_role("link", name="首页")).to_have_count(0)
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/password/change/$"))

    page.get_by_label("原密码", exact=True).fill(initial_password)
    page.get_by_label("新密码", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("确认新密码", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="保存").click()

    expect(page).to_have_url(re.compile(r"^https?://[^/]+/$"))
    expect(page.get_by_role("alert")).to_contain_text("密码已修改")
    expect(page.get_by_role("heading", name=f"您好，{UNIT_NAME}")).to_be_visible()
    expect(page.get_by_role("heading", name="单位管理")).to_be_visible()
    shot("05-unit-home")
    log_out()

    # The new password is the one that works from now on.
    log_in(account, NEW_PASSWORD)
    expect(page.get_by_role("heading", name="单位管理")).to_be_visible()
