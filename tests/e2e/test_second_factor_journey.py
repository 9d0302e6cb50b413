"""二次验证 in the browser: the hospital's admin signs in for the first time, scans the QR code, confirms with a
first code, keeps her recovery codes and reaches her desk; the next sign-in asks for the code only. The HR
bureau resets her authenticator; an applicant switches on the SMS code at sign-in."""

import re

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from accounts.models import SmsDevice
from tests.factories import PASSWORD, bureau_staff
from tests.helpers import totp_code


def _code(device) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


def test_a_unit_admin_enrols_her_authenticator_then_signs_in_with_its_code(page, shot, hospital, log_out,
                                                                         settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # she corrects a wrong code at once, without the second's wait
    admin = hospital.admin
    page.goto("/accounts/login/")
    page.get_by_label("身份证号 / 单位账号").fill(admin.id_number)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="绑定身份验证器")).to_be_visible()
    expect(page.get_by_test_id("otp-qr")).to_be_visible()
    expect(page.locator("aside")).to_have_count(0)  # no menu before the second factor
    shot("01-enrolment-qr")

    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    secret = page.get_by_test_id("otp-secret").inner_text().replace(" ", "")
    assert secret and re.fullmatch(r"[A-Z2-7]+", secret)
    page.get_by_label("身份验证器显示的6位验证码").fill("000000" if _code(device) != "000000" else "111111")
    page.get_by_role("button", name="完成绑定").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("验证码不正确")
    shot("02-enrolment-wrong-code")

    page.get_by_label("身份验证器显示的6位验证码").fill(_code(device))
    page.get_by_role("button", name="完成绑定").click()
    expect(page.get_by_role("heading", name="绑定成功：请保存恢复码")).to_be_visible()
    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    shot("03-recovery-codes")
    page.get_by_role("link", name="我已保存，继续").click()
    expect(page.locator("aside").get_by_role("link", name="单位首页")).to_be_visible()
    shot("04-desk")

    log_out()
    page.get_by_label("身份证号 / 单位账号").fill(admin.id_number)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="二次验证")).to_be_visible()
    shot("05-code-page")
    page.goto("/unit/")  # no page before the code
    expect(page.get_by_role("heading", name="二次验证")).to_be_visible()
    page.get_by_label("验证码").fill(totp_code(admin))
    page.get_by_role("button", name="验证", exact=True).click()
    expect(page.locator("aside").get_by_role("link", name="单位首页")).to_be_visible()
    shot("06-desk-after-code")


def test_the_bureau_resets_an_admins_authenticator(page, shot, log_in, hospital, accept_dialogs):
    TOTPDevice.objects.create(user=hospital.admin, name="身份验证器", confirmed=True)
    bureau = bureau_staff("350000", name="省人社厅王科长")
    log_in(bureau.id_number, PASSWORD)
    page.locator("aside").get_by_role("link", name="二次验证重置").click()
    page.get_by_placeholder("姓名或账号").fill("黄主任")
    page.get_by_role("button", name="查询").click()
    row = page.locator("tr", has_text="黄主任")
    expect(row).to_contain_text("已绑定")
    expect(row).to_contain_text(hospital.admin.id_number[:4] + "**********")
    shot("01-reset-list")
    row.get_by_role("button", name="重置").click()
    expect(page.get_by_role("alert")).to_contain_text("已重置 黄主任 的二次验证")
    shot("02-reset-done")
    assert not TOTPDevice.objects.filter(user=hospital.admin).exists()


def test_an_applicant_switches_on_the_sms_code_and_signs_in_with_it(page, shot, log_in, log_out, hospital,
                                                                   sms_code_for):
    doctor = hospital.doctor
    log_in(doctor.id_number, PASSWORD)
    page.locator("aside").get_by_role("link", name="登录安全").click()
    page.get_by_label("登录时须输入发送到本人手机的短信验证码").check()
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("alert")).to_contain_text("已开启短信二次验证。")
    shot("01-security")
    assert SmsDevice.objects.filter(user=doctor).exists()

    log_out()
    log_in(doctor.id_number, PASSWORD)
    expect(page.get_by_role("heading", name="二次验证")).to_be_visible()
    page.get_by_role("button", name="获取短信验证码").click()
    expect(page.get_by_role("alert")).to_contain_text("验证码已发送")
    shot("02-sms-code-page")
    page.get_by_label("短信验证码").fill(sms_code_for(doctor.phone))
    page.get_by_role("button", name="验证", exact=True).click()
    expect(page.locator("aside").get_by_role("link", name="个人业绩库")).to_be_visible()
