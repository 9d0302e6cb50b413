"""A hospital registers itself as a unit, then logs in with its credit code to administer its staff (SPEC §2)."""

import re

from playwright.sync_api import expect

from orgs.models import Unit
from zhicheng.demo.ids import make_credit_code

UNIT_NAME = "福州市鼓楼区社区卫生服务中心"
CONTACT_PHONE = "13905910001"
UNIT_PASSWORD = "Gulou2026clinic"


def test_a_unit_registers_and_logs_in_with_its_credit_code(page, shot, log_in, pick_region, sms_code_for):
    credit_code = make_credit_code("350102", "100000001")

    page.goto("/accounts/login/")
    page.get_by_role("link", name="单位注册").click()
    expect(page.get_by_role("heading", name="单位注册")).to_be_visible()
    shot("01-empty-form")

    page.get_by_label("单位名称", exact=True).fill(UNIT_NAME)
    page.get_by_label("统一社会信用代码", exact=True).fill(credit_code)
    page.get_by_label("法定代表人姓名", exact=True).fill("陈建国")
    page.get_by_label("法定代表人电话", exact=True).fill("0591-87654321")
    page.get_by_label("单位通讯地址", exact=True).fill("福建省福州市鼓楼区五四路100号")
    page.get_by_label("单位联系人", exact=True).fill("李秀英")
    page.get_by_label("单位性质", exact=True).select_option(label="事业单位")
    page.get_by_label("电子邮箱", exact=True).fill("office@gulou-chc.example.cn")

    # 属地: province › city › district, each list filled after the previous choice.
    pick_region("福建省", "福州市", "鼓楼区")
    expect(page.get_by_label("区县", exact=True)).to_have_value("350102")

    page.get_by_label("登录密码", exact=True).fill(UNIT_PASSWORD)
    page.get_by_label("确认密码", exact=True).fill(UNIT_PASSWORD)
    page.get_by_label("手机号码", exact=True).fill(CONTACT_PHONE)
    page.get_by_role("button", name="获取验证码").click()
    expect(page.locator("#sms-status")).to_contain_text("验证码已发送")
    page.get_by_label("短信验证码", exact=True).fill(sms_code_for(CONTACT_PHONE))
    shot("02-form-filled")
    page.get_by_role("button", name="注册", exact=True).click()

    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_role("alert")).to_contain_text("单位注册成功")
    shot("03-registered")
    assert Unit.objects.get(credit_code=credit_code).region_id == "350102"

    # The unit logs in with its credit code and lands on its home with the 单位管理 panel.
    log_in(credit_code, UNIT_PASSWORD)
    expect(page.get_by_role("heading", name=f"您好，{UNIT_NAME}")).to_be_visible()
    expect(page.get_by_role("heading", name="单位管理")).to_be_visible()
    expect(page.get_by_test_id("pending-staff")).to_have_text("0")
    menu_link = page.locator("aside").get_by_role("link", name="人员注册审核")
    expect(menu_link).to_be_visible()
    shot("04-unit-home")
    menu_link.click()
    expect(page.get_by_role("heading", name="人员注册审核")).to_be_visible()
    expect(page.locator("tbody")).to_contain_text("暂无人员注册记录")
    shot("05-staff-list-empty")
