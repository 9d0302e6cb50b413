"""A nurse who forgot her password has a code sent to her bound phone and sets a new password with it (SPEC §2,
as the security audit changed it: nothing changes until the code comes back)."""

import re

from playwright.sync_api import expect

from tests.factories import PASSWORD, PersonFactory, UnitFactory

NEW_PASSWORD = "Xinmima2026"
PHONE = "13859004321"


def test_she_resets_her_forgotten_password_with_a_code_sent_to_her_phone(page, shot, log_in, sms_code_for):
    nurse = PersonFactory(unit=UnitFactory(name="福州市第一医院"), name="林晓燕", phone=PHONE)

    # From the login page she follows 忘记密码 and gives her ID number and bound phone.
    page.goto("/accounts/login/")
    page.get_by_role("link", name="忘记密码").click()
    expect(page.get_by_role("heading", name="忘记密码")).to_be_visible()
    page.get_by_label("身份证号", exact=True).fill(nurse.id_number)
    page.get_by_label("绑定手机号", exact=True).fill(PHONE)
    shot("01-forgot")
    page.get_by_role("button", name="获取短信验证码").click()

    # The next page asks for the code and her new password; the answer would be the same for any pair.
    expect(page.get_by_role("heading", name="重置密码")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("如身份证号与绑定手机号匹配，短信验证码已发送至该手机")
    expect(page.locator("main")).to_contain_text("138****4321")
    shot("02-code-sent")

    # A mistyped code changes nothing: it is refused by its field.
    code = sms_code_for(PHONE)
    page.get_by_label("短信验证码", exact=True).fill(f"{(int(code) + 1) % 1_000_000:06d}")
    page.get_by_label("新密码", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("确认新密码", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="重置密码").click()
    expect(page.locator(".invalid-feedback")).to_have_text("短信验证码不正确或已失效，请核对后重新输入，或重新获取验证码。")
    nurse.refresh_from_db()
    assert nurse.check_password(PASSWORD)
    shot("03-wrong-code")

    # The right code sets the new password.
    page.get_by_label("短信验证码", exact=True).fill(code)
    page.get_by_label("新密码", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("确认新密码", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="重置密码").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_role("alert")).to_contain_text("密码已重置，请使用新密码登录。")
    shot("04-reset")

    log_in(nurse.id_number, NEW_PASSWORD)
    expect(page.get_by_role("heading", name="您好，林晓燕")).to_be_visible()
    shot("05-signed-in")
