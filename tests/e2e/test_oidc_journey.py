"""Government sign-in in the browser (issue 26 item 1): 使用闽政通登录 on the login page, the province's identity
service (the demo's identity provider demo_idp, a real OpenID Connect provider on 127.0.0.1 booted from its data
file as `make run` starts it) asks for her password, and she is back on the platform signed in; a person new to the
platform registers with the name and ID number the service verified."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from tests.factories import PersonFactory, UnitFactory
from tests.oidc_support import PASSWORD, person, start_provider, stop_provider

KNOWN, KNOWN_NAME = person("护士")["username"], person("护士")["name"]
NEW, NEW_NAME = person("平台上还没有账号")["username"], person("平台上还没有账号")["name"]


@pytest.fixture
def provider(live_server, tmp_path, settings):
    provider = start_provider(tmp_path, redirect_uris=[f"{live_server.url}/accounts/oidc/callback/"])
    provider.configure(settings)
    yield provider
    stop_provider(provider)


def at_the_provider(page, username: str, shot=None) -> None:
    expect(page.get_by_role("heading", name="统一身份认证平台（演示）")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text=username)).to_be_visible()  # its demo accounts are listed
    if shot:
        shot("2-provider-login")
    page.get_by_label("账号").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_a_nurse_signs_in_through_the_provincial_identity_service(page, provider, shot):
    PersonFactory(id_number=KNOWN, username=KNOWN, name=KNOWN_NAME, unit=UnitFactory(name="福州市第一医院"))

    page.goto("/accounts/login/")
    shot("1-login-with-provider")
    page.get_by_role("link", name="使用闽政通登录").click()
    at_the_provider(page, KNOWN, shot)

    expect(page.get_by_role("heading", name=f"您好，{KNOWN_NAME}")).to_be_visible()
    shot("3-signed-in")


def test_a_person_new_to_the_platform_registers_with_her_verified_identity(page, provider, shot, sms_code_for):
    hospital = UnitFactory(name="福州市第一人民医院")

    page.goto("/accounts/login/")
    page.get_by_role("link", name="使用闽政通登录").click()
    at_the_provider(page, NEW)

    expect(page.get_by_role("heading", name="个人注册")).to_be_visible()
    expect(page.get_by_text("已通过闽政通核验您的姓名和身份证号")).to_be_visible()
    expect(page.get_by_label("姓名", exact=True)).to_have_value(NEW_NAME)
    expect(page.get_by_label("姓名", exact=True)).to_be_disabled()
    expect(page.get_by_label("身份证号", exact=True)).to_have_value(NEW)
    expect(page.get_by_label("身份证号", exact=True)).to_be_disabled()
    shot("1-registration-prefilled")
    page.get_by_label("邮箱", exact=True).fill("chenxin@example.cn")
    page.get_by_label("密码", exact=True).fill("Huli2026care")
    page.get_by_label("确认密码", exact=True).fill("Huli2026care")
    page.get_by_label("工作单位", exact=True).press_sequentially("人民医院")
    page.locator("#unit-options [data-unit-id]").filter(has_text=hospital.name).click()
    page.get_by_label("手机号", exact=True).fill("13859007777")
    page.get_by_role("button", name="获取验证码").click()
    expect(page.locator("#sms-status")).to_contain_text("验证码已发送")
    page.get_by_label("短信验证码", exact=True).fill(sms_code_for("13859007777"))
    page.get_by_label(re.compile("我已阅读并同意")).check()
    page.get_by_role("button", name="注册", exact=True).click()

    expect(page.get_by_role("heading", name=f"您好，{NEW_NAME}")).to_be_visible()
    shot("2-registered-and-signed-in")
    person = User.objects.by_id_number(NEW).get()
    assert (person.unit, person.registration) == (hospital, User.Registration.PENDING)
