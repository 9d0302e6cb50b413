"""Every account the demo prints signs in through the login page, with the captcha answered as a person would;
the system admin also signs in at /admin/ and uses the admin site."""

from io import StringIO

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.management import CommandError, call_command

from accounts.backends import login_name
from accounts.models import User
from accounts.validators import normalise_username
from tests.helpers import captcha_answer
from zhicheng.demo.second_factor import demo_totp_secret
from zhicheng.management.commands.seed_demo import DEMO_PASSWORD
from zhicheng.management.commands.seed_demo import Command as SeedDemo

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_accounts(settings, regions):
    settings.DEBUG = True  # seed_demo refuses to run with DEBUG off
    command = SeedDemo(stdout=StringIO())
    call_command(command)
    return command.accounts


def _log_in(client, username, password=DEMO_PASSWORD):
    """The password at the login page, then, for a staff account, 二次验证 with the code `manage.py demo_otp_code`
    prints for it (as the demo's README says)."""
    response = client.post("/accounts/login/", {
        "username": username, "password": password, "captcha": captcha_answer(client),
    })
    if response.status_code == 302 and response["Location"].startswith("/accounts/second-factor/"):
        assert client.get("/").status_code == 302  # nothing before the second factor
        out = StringIO()
        call_command("demo_otp_code", username, stdout=out)
        response = client.post(response["Location"], {"code": out.getvalue().strip()})
    return response


def test_every_account_the_demo_prints_signs_in_at_the_login_page(client, demo_accounts, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    # the system admin, three unit accounts, eleven people, and the expert pool's experts and their units
    assert len(demo_accounts) == 29
    assert ("系统管理员", "admin") in demo_accounts
    for label, username in demo_accounts:
        client.logout()
        response = _log_in(client, username)
        assert response.status_code == 302, (label, username, response.content.decode()[:2000])
        assert client.session[SESSION_KEY] == str(User.objects.get(username=login_name(username)).pk), label
        assert client.get("/").status_code == 200, label


def test_a_lower_case_x_or_lower_case_unit_account_still_signs_in(client, demo_accounts):
    person = next(u for _, u in demo_accounts if len(u) == 18 and u[:17].isdigit())
    user = User.objects.by_id_number(person).get()
    # Give this person an ID number ending in X to exercise the lower-case form.
    user.id_number = person[:17] + "X"
    user.save()
    assert _log_in(client, user.id_number.lower()).status_code == 302
    client.logout()
    unit_account = next(u for label, u in demo_accounts if label.startswith("单位账号") and not u.isdigit())
    assert _log_in(client, unit_account.lower()).status_code == 302


def test_usernames_the_platform_does_not_issue_are_kept_as_typed():
    assert normalise_username(" admin ") == "admin"
    assert normalise_username("Admin") == "Admin"
    assert normalise_username("35010219900512002x") == "35010219900512002X"
    assert normalise_username("nz35010200001") == "NZ35010200001"
    assert normalise_username("") == ""
    assert normalise_username(None) == ""


def test_admin_signs_in_at_the_admin_site_and_uses_it(client, demo_accounts):
    response = client.post("/admin/login/?next=/admin/", {"username": "admin", "password": DEMO_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    second = client.get("/admin/")  # the admin site too is behind the second factor
    assert second.status_code == 302 and second["Location"].startswith("/accounts/second-factor/")
    out = StringIO()
    call_command("demo_otp_code", "admin", stdout=out)
    assert client.post(second["Location"], {"code": out.getvalue().strip()}).status_code == 302
    page = client.get("/admin/")
    assert page.status_code == 200 and "/admin/accounts/user/" in page.content.decode()
    assert client.get("/admin/accounts/user/").status_code == 200


def test_admin_signs_in_at_the_login_page_then_reaches_the_admin_site(client, demo_accounts):
    assert _log_in(client, "admin").status_code == 302
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 200


def test_every_staff_account_of_the_demo_has_its_fixed_secret_printed(demo_accounts):
    out = StringIO()
    call_command(SeedDemo(stdout=out))  # idempotent: a second run prints the same
    text = out.getvalue()
    assert "demo_otp_code" in text
    for username in ("admin", *(u for label, u in demo_accounts if label.startswith("单位账号"))):
        assert demo_totp_secret(username) in text


def test_demo_otp_code_refuses_without_debug(demo_accounts, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo_otp_code", "admin", stdout=StringIO())
