"""A nurse registers herself, her unit's admin approves her, and her home page says so (SPEC §2)."""

import datetime
import re
from importlib import import_module
from urllib.parse import parse_qs

from django.conf import settings as django_settings
from playwright.sync_api import expect

from accounts.models import SmsMessage
from tests.factories import PASSWORD, UnitFactory, unit_admin
from zhicheng.demo.ids import make_id_number

NURSE_NAME = "林晓燕"
NURSE_EMAIL = "linxiaoyan@example.cn"
NURSE_PHONE = "13859001234"
NURSE_PASSWORD = "Huli2026care"
HOSPITAL = "福州市第一人民医院"


def _field_box(page, label: str):
    """The form group holding a field: its label, input, help text and error messages."""
    return page.locator(".mb-3", has=page.get_by_label(label, exact=True))


def test_nurse_registers_and_her_unit_admin_approves_her(page, shot, log_in, log_out, sms_code_for):
    hospital = UnitFactory(name=HOSPITAL)
    UnitFactory(name="福州市第二人民医院")  # a second hospital: she must pick hers from the list
    admin = unit_admin(hospital, name="王主任")
    id_number = make_id_number("350102", datetime.date(1992, 3, 15), 21, gender="F")

    # She opens the login page and follows 个人注册.
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", name="用户登录")).to_be_visible()
    shot("01-login")
    page.get_by_role("link", name="个人注册").click()
    expect(page.get_by_role("heading", name="个人注册")).to_be_visible()

    # Name and ID number; birth date and gender are read from the number, not typed.
    page.get_by_label("姓名", exact=True).fill(NURSE_NAME)
    page.get_by_label("身份证号", exact=True).fill(id_number)
    derived = page.get_by_label("出生日期 · 性别")
    expect(derived).to_have_value("1992-03-15 · 女")
    expect(derived).to_have_attribute("readonly", "")
    page.get_by_label("邮箱", exact=True).fill(NURSE_EMAIL)
    page.get_by_label("密码", exact=True).fill(NURSE_PASSWORD)
    page.get_by_label("确认密码", exact=True).fill(NURSE_PASSWORD)

    # 工作单位: she types part of the name and picks her hospital from the drop-down.
    page.get_by_label("工作单位", exact=True).press_sequentially("人民医院")
    options = page.locator("#unit-options [data-unit-id]")
    expect(options).to_have_count(2)
    shot("02-unit-dropdown")
    options.filter(has_text=HOSPITAL).click()
    expect(page.get_by_label("工作单位", exact=True)).to_have_value(HOSPITAL)
    expect(options).to_have_count(0)

    # 手机号 and the SMS code she receives on her phone. 获取验证码 sends the phone, the code's purpose and the
    # image captcha (switched off in this run), nothing else she typed.
    page.get_by_label("手机号", exact=True).fill(NURSE_PHONE)
    with page.expect_request("**/accounts/sms/send/") as sent:
        page.get_by_role("button", name="获取验证码").click()
    fields = parse_qs(sent.value.post_data, keep_blank_values=True)
    assert fields == {"purpose": ["register"], "phone": [NURSE_PHONE], "captcha": [""]}, fields
    expect(page.locator("#sms-status")).to_contain_text("验证码已发送")
    expect(page.locator("[data-sms-button]")).to_be_disabled()
    page.get_by_label("短信验证码", exact=True).fill(sms_code_for(NURSE_PHONE))
    page.get_by_label("我已阅读并同意《职称网上申报协议》").check()
    shot("03-form-filled")
    page.get_by_role("button", name="注册", exact=True).click()

    # Back on the login page with the success message.
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_role("alert")).to_contain_text("注册成功")
    shot("04-registered")

    # She logs in: her home says the registration waits for her unit's review.
    log_in(id_number, NURSE_PASSWORD)
    expect(page.get_by_role("heading", name=f"您好，{NURSE_NAME}")).to_be_visible()
    expect(page.locator("main")).to_contain_text(re.compile(rf"等待\s*{HOSPITAL}\s*的单位管理员审核"))
    shot("05-home-pending")
    log_out()

    # The unit admin opens 人员注册审核 from the left menu and finds her, ID number masked.
    log_in(admin.id_number, PASSWORD)
    expect(page.locator("main")).to_contain_text("单位管理")
    page.locator("aside").get_by_role("link", name="人员注册审核").click()
    expect(page.get_by_role("heading", name="人员注册审核")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=NURSE_NAME)
    masked = id_number[:4] + "*" * 10 + id_number[-4:]
    expect(row).to_contain_text(masked)
    expect(row).not_to_contain_text(id_number)
    expect(row).to_contain_text("待审核")
    shot("06-staff-list")

    row.get_by_role("link", name="审核").click()
    expect(page.get_by_role("heading", name=f"人员注册审核 · {NURSE_NAME}")).to_be_visible()
    shot("07-review")
    page.get_by_role("button", name="通过", exact=True).click()

    row = page.get_by_role("row").filter(has_text=NURSE_NAME)
    expect(row).to_contain_text("审核通过")
    expect(page.get_by_role("alert")).to_contain_text(f"已通过 {NURSE_NAME} 的注册申请")
    shot("08-approved")
    log_out()

    # She logs in again: approved.
    log_in(id_number, NURSE_PASSWORD)
    expect(page.locator("main")).to_contain_text("注册已审核通过")
    expect(page.locator("main")).to_contain_text(HOSPITAL)
    shot("09-home-approved")


def test_a_wrong_check_digit_is_explained_by_the_id_number_and_the_form_keeps_her_input(page, shot):
    valid = make_id_number("350102", datetime.date(1992, 3, 15), 22, gender="F")
    wrong = valid[:17] + ("0" if valid[17] != "0" else "1")

    page.goto("/accounts/register/")
    page.get_by_label("姓名", exact=True).fill(NURSE_NAME)
    page.get_by_label("身份证号", exact=True).fill(wrong)
    page.get_by_label("邮箱", exact=True).fill(NURSE_EMAIL)
    page.get_by_role("button", name="注册", exact=True).click()

    id_box = _field_box(page, "身份证号")
    expect(id_box.locator(".invalid-feedback")).to_have_text("身份证号校验位不正确，请核对后重新输入。")
    expect(page.get_by_label("身份证号", exact=True)).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.get_by_label("姓名", exact=True)).to_have_value(NURSE_NAME)
    expect(page.get_by_label("邮箱", exact=True)).to_have_value(NURSE_EMAIL)
    expect(page.get_by_label("身份证号", exact=True)).to_have_value(wrong)
    expect(page.get_by_label("出生日期 · 性别")).to_have_value("")  # nothing is derived from a wrong number
    shot("01-wrong-check-digit")


def _captcha_answer(page) -> str:
    """What the image shows (read from the browser's session on the server, where the page keeps the answer)."""
    key = next(c["value"] for c in page.context.cookies() if c["name"] == django_settings.SESSION_COOKIE_NAME)
    return import_module(django_settings.SESSION_ENGINE).SessionStore(key).load()["captcha_answer"]


def _new_captcha_image(page):
    return page.expect_response(lambda response: "/captcha.png?" in response.url)


def test_the_sms_code_needs_the_image_captcha_and_each_send_uses_one_up(page, shot, settings, sms_code_for):
    settings.CAPTCHA_DISABLED = False  # this journey reads the image as she would
    UnitFactory(name=HOSPITAL)
    id_number = make_id_number("350102", datetime.date(1992, 3, 15), 23, gender="F")
    page.goto("/accounts/register/")
    captcha = page.get_by_label("图形验证码", exact=True)
    status = page.locator("#sms-status")

    # 获取验证码 without the image's characters: nothing is sent, and a new image is shown.
    page.get_by_label("手机号", exact=True).fill(NURSE_PHONE)
    with _new_captcha_image(page):
        page.get_by_role("button", name="获取验证码").click()
    expect(status).to_have_text("请先输入图形验证码。")
    assert not SmsMessage.objects.exists()
    shot("01-captcha-needed")

    # With them the code is sent; that image is used up, so another one replaces it and its input is emptied.
    captcha.fill(_captcha_answer(page))
    with _new_captcha_image(page):
        page.get_by_role("button", name="获取验证码").click()
    expect(status).to_contain_text("验证码已发送")
    expect(captcha).to_have_value("")
    shot("02-code-sent-new-image")

    # She fills in the rest, reads the new image, and registers.
    page.get_by_label("姓名", exact=True).fill(NURSE_NAME)
    page.get_by_label("身份证号", exact=True).fill(id_number)
    page.get_by_label("邮箱", exact=True).fill(NURSE_EMAIL)
    page.get_by_label("密码", exact=True).fill(NURSE_PASSWORD)
    page.get_by_label("确认密码", exact=True).fill(NURSE_PASSWORD)
    page.get_by_label("工作单位", exact=True).press_sequentially("人民医院")
    page.locator("#unit-options [data-unit-id]").filter(has_text=HOSPITAL).click()
    captcha.fill(_captcha_answer(page))
    page.get_by_label("短信验证码", exact=True).fill(sms_code_for(NURSE_PHONE))
    page.get_by_label("我已阅读并同意《职称网上申报协议》").check()
    page.get_by_role("button", name="注册", exact=True).click()

    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_role("alert")).to_contain_text("注册成功")
    shot("03-registered")
