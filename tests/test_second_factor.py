"""二次验证: every staff role passes a TOTP code (or a recovery code, once) after its password before any page;
enrolment with a QR code; a code is accepted once; the HR bureau resets a person's devices; an applicant may
switch on an SMS code; resetting a password never skips the second factor."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role, RoleAssignment, SmsDevice
from core.models import AuditEvent
from orgs.models import Region
from tests.factories import PASSWORD, PersonFactory, UnitFactory, bureau_staff, system_admin, unit_admin
from tests.helpers import (
    ENROL_URL,
    LOGIN_URL,
    SECOND_FACTOR_URL,
    committed,
    last_sms,
    log_in,
    sign_in,
    sms_code,
    totp_code,
    totp_device_for,
    url_routes,
    wrong_code,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _setup(regions, captcha_off, settings):
    # A wrong code makes django-otp wait before the next try (1 s, 2 s, …); the tests try again at once.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def _code_now(device) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


def _person_with(role: str, **scope):
    person = PersonFactory()
    RoleAssignment.objects.create(user=person, role=role, **scope)
    return person


STAFF_ROLES = {
    "unit_admin": lambda: unit_admin(UnitFactory()),
    "department_reviewer": lambda: _person_with(Role.DEPARTMENT_REVIEWER, unit=UnitFactory()),
    "bureau_staff": lambda: bureau_staff(),
    "committee_staff": lambda: _person_with(Role.COMMITTEE_STAFF, region=Region.objects.get(code="350000")),
    "expert": lambda: _person_with(Role.EXPERT),
    "system_admin": lambda: system_admin(),
}

# What an unverified session may open: the second factor's own pages, 退出, and the demo's SMS outbox (a page
# anyone, signed in or not, may read while DEBUG is on, where the demo's SMS codes arrive).
OPEN_BEFORE_SECOND_FACTOR = ("/accounts/second-factor/", "/accounts/logout/", "/dev/sms/")


@pytest.mark.parametrize("role", sorted(STAFF_ROLES))
def test_a_password_alone_opens_no_page_for_any_staff_role(client, role):
    user = STAFF_ROLES[role]()
    totp_device_for(user)
    response = log_in(client, user.username, PASSWORD, second_factor=False)
    assert response.status_code == 302 and response["Location"].startswith(SECOND_FACTOR_URL)
    routes = list(url_routes())
    assert len(routes) > 100
    for name, path in routes:
        if path.startswith(OPEN_BEFORE_SECOND_FACTOR):
            continue
        for method in (client.get, client.post):
            answer = method(path)
            assert answer.status_code in (302, 403, 404, 405), (role, name, path, answer.status_code)
            if answer.status_code == 302:
                assert answer["Location"].startswith(SECOND_FACTOR_URL), (role, name, path, answer["Location"])
    # and the code lets her in
    assert client.post(response["Location"], {"code": totp_code(user)}).status_code == 302
    assert client.get("/").status_code == 200


def test_a_staff_member_without_an_authenticator_enrols_with_the_qr_code_and_gets_recovery_codes(client):
    admin = unit_admin(UnitFactory())
    response = log_in(client, admin.username, PASSWORD, second_factor=False)
    page = client.get(response["Location"])
    assert page.status_code == 302 and page["Location"].startswith(ENROL_URL)
    enrol = client.get(page["Location"])
    html = enrol.content.decode()
    assert enrol.status_code == 200 and "绑定身份验证器" in html
    assert 'src="data:image/svg+xml' in html  # the QR code
    device = TOTPDevice.objects.get(user=admin)
    assert not device.confirmed
    assert "otpauth://totp/" in device.config_url
    # a wrong code: the message by the field, nothing confirmed, no page yet
    bad = client.post(page["Location"], {"code": wrong_code(_code_now(device))})
    assert bad.status_code == 200 and "验证码不正确" in bad.content.decode()
    assert bad.context["form"].errors["code"]
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get("/").status_code == 302
    done = client.post(page["Location"], {"code": _code_now(device)})
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", done.content.decode())
    assert done.status_code == 200 and len(codes) == 10
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert StaticDevice.objects.get(user=admin).token_set.count() == 10
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(event="otp_enrol", user=admin).exists()
    # once enrolled, the enrolment page offers no second authenticator
    assert client.get(ENROL_URL).status_code == 302


def test_knowing_the_password_does_not_let_anyone_enrol_over_an_existing_authenticator(client):
    admin = unit_admin(UnitFactory())
    device = totp_device_for(admin)
    log_in(client, admin.username, PASSWORD, second_factor=False)
    answer = client.get(ENROL_URL)
    assert answer.status_code == 302 and answer["Location"].startswith(SECOND_FACTOR_URL)
    assert list(TOTPDevice.objects.filter(user=admin)) == [device]


def test_a_recovery_code_lets_in_once(client):
    admin = unit_admin(UnitFactory())
    log_in(client, admin.username, PASSWORD, second_factor=False)
    enrol = client.get(ENROL_URL)
    assert enrol.status_code == 200
    done = client.post(ENROL_URL, {"code": _code_now(TOTPDevice.objects.get(user=admin))})
    first, second = re.findall(r"<li>([a-z2-7]{8})</li>", done.content.decode())[:2]
    client.post("/accounts/logout/")

    response = log_in(client, admin.username, PASSWORD, second_factor=False)
    used = client.post(response["Location"], {"code": first.upper()})
    assert used.status_code == 302 and used["Location"] == "/"
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(event="otp_recovery", user=admin).count() == 1
    client.post("/accounts/logout/")

    response = log_in(client, admin.username, PASSWORD, second_factor=False)
    again = client.post(response["Location"], {"code": first})
    assert again.status_code == 200 and "验证码不正确或已使用" in again.content.decode()
    assert client.get("/").status_code == 302
    assert client.post(response["Location"], {"code": second}).status_code == 302
    assert StaticDevice.objects.get(user=admin).token_set.count() == 8


def test_a_code_is_accepted_once(client):
    admin = unit_admin(UnitFactory())
    device = totp_device_for(admin)
    code = _code_now(device)
    response = log_in(client, admin.username, PASSWORD, second_factor=False)
    assert client.post(response["Location"], {"code": code}).status_code == 302
    client.post("/accounts/logout/")

    response = log_in(client, admin.username, PASSWORD, second_factor=False)
    empty = client.post(response["Location"], {})
    assert empty.status_code == 200 and empty.context["form"].errors["code"] == ["请输入验证码。"]
    reused = client.post(response["Location"], {"code": code})
    assert reused.status_code == 200
    assert "验证码不正确或已使用" in reused.context["form"].errors["code"][0]
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(event="otp_failed", user=admin, outcome="failure").exists()


def test_the_bureau_resets_a_persons_second_factor_and_she_enrols_again(client):
    person = unit_admin(UnitFactory())  # a unit in 350102, under the province's bureau
    totp_device_for(person)
    person_client = client.__class__()
    log_in(person_client, person.username, PASSWORD)
    assert person_client.get("/").status_code == 200

    bureau = bureau_staff("350000")
    log_in(client, bureau.username, PASSWORD)
    listing = client.get("/accounts/staff-second-factor/", {"q": person.name})
    html = listing.content.decode()
    assert listing.status_code == 200 and person.name in html and "已绑定" in html
    assert person.id_number not in html  # the ID number is masked
    assert person.id_number[:4] + "**********" + person.id_number[-4:] in html
    answer = client.post(f"/accounts/staff-second-factor/{person.pk}/reset/")
    assert answer.status_code == 302
    assert not TOTPDevice.objects.filter(user=person).exists()
    assert not StaticDevice.objects.filter(user=person).exists()
    event = AuditEvent.objects.get(event="otp_reset")
    assert event.user == bureau and event.object == f"user:{person.pk}"

    # her session verified by the removed device is verified no longer; signing in sends her to enrolment
    assert person_client.get("/").status_code == 302
    person_client.post("/accounts/logout/")
    response = log_in(person_client, person.username, PASSWORD, second_factor=False)
    assert person_client.get(response["Location"])["Location"].startswith(ENROL_URL)


def test_a_reset_outside_the_bureaus_regions_or_by_another_role_is_a_404(client):
    person = unit_admin(UnitFactory())  # Fujian
    totp_device_for(person)
    elsewhere = bureau_staff("340000")  # Anhui
    log_in(client, elsewhere.username, PASSWORD)
    assert person.name not in client.get("/accounts/staff-second-factor/").content.decode()
    assert client.post(f"/accounts/staff-second-factor/{person.pk}/reset/").status_code == 404
    client.post("/accounts/logout/")
    colleague = unit_admin(person.unit)
    log_in(client, colleague.username, PASSWORD)
    assert client.get("/accounts/staff-second-factor/").status_code == 404
    assert client.post(f"/accounts/staff-second-factor/{person.pk}/reset/").status_code == 404
    applicant = PersonFactory()
    assert client.post(f"/accounts/staff-second-factor/{applicant.pk}/reset/").status_code == 404
    assert TOTPDevice.objects.filter(user=person, confirmed=True).exists()


def test_the_reset_list_makes_the_same_queries_whatever_its_rows(client):
    bureau = bureau_staff("350000")
    sign_in(client, bureau)
    unit_admin(UnitFactory())
    client.get("/accounts/staff-second-factor/")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/accounts/staff-second-factor/").status_code == 200
    for _ in range(6):
        totp_device_for(unit_admin(UnitFactory()))
    with CaptureQueriesContext(connection) as many:
        page = client.get("/accounts/staff-second-factor/")
    assert page.content.decode().count("重置</button>") == 8  # the 7 unit admins and the bureau herself
    assert len(many) == len(few)


def test_an_applicant_may_switch_the_sms_code_on_and_off(client):
    applicant = PersonFactory()
    assert log_in(client, applicant.username, PASSWORD)["Location"] == "/"
    assert client.get("/").status_code == 200
    page = client.get("/accounts/security/")
    assert page.status_code == 200 and "登录时须输入发送到本人手机的短信验证码" in page.content.decode()
    assert client.post("/accounts/security/", {"on": "on"}).status_code == 302
    assert SmsDevice.objects.filter(user=applicant, confirmed=True).exists()
    assert AuditEvent.objects.filter(event="sms_factor_on", user=applicant).exists()
    client.post("/accounts/logout/")

    response = log_in(client, applicant.username, PASSWORD)
    assert response.status_code == 302 and response["Location"].startswith(SECOND_FACTOR_URL)
    assert client.get("/").status_code == 302
    assert client.get("/accounts/security/").status_code == 302  # she cannot switch it off before the code
    with committed():
        client.post(f"{SECOND_FACTOR_URL}sms/")
    assert "您正在登录" in last_sms(applicant.phone)
    code = sms_code(applicant.phone)
    bad = client.post(response["Location"], {"code": wrong_code(code)})
    assert bad.status_code == 200 and "短信验证码不正确" in bad.content.decode()
    assert client.post(response["Location"], {"code": code}).status_code == 302
    assert client.get("/").status_code == 200

    assert client.post("/accounts/security/", {}).status_code == 302
    assert not SmsDevice.objects.filter(user=applicant).exists()
    assert AuditEvent.objects.filter(event="sms_factor_off", user=applicant).exists()
    client.post("/accounts/logout/")
    assert log_in(client, applicant.username, PASSWORD)["Location"] == "/"
    assert client.get("/").status_code == 200


def test_an_applicant_without_a_phone_cannot_switch_the_sms_code_on(client):
    applicant = PersonFactory(phone=None)
    sign_in(client, applicant)
    answer = client.post("/accounts/security/", {"on": "on"})
    assert answer.status_code == 200 and "请先在个人信息中填写手机号" in answer.content.decode()
    assert not SmsDevice.objects.filter(user=applicant).exists()


def _reset_password(client, person, new_password):
    with committed():
        client.post("/accounts/password/forgot/", {"id_number": person.id_number, "phone": person.phone,
                                                   "captcha": ""})
    answer = client.post("/accounts/password/reset/", {
        "sms_code": sms_code(person.phone), "password1": new_password, "password2": new_password})
    assert answer.status_code == 302 and answer["Location"] == LOGIN_URL


def test_a_password_reset_then_sign_in_still_asks_for_the_second_factor(client):
    staff = unit_admin(UnitFactory())
    totp_device_for(staff)
    _reset_password(client, staff, "Newpass2026")
    response = log_in(client, staff.username, "Newpass2026", second_factor=False)
    assert response.status_code == 302 and response["Location"].startswith(SECOND_FACTOR_URL)
    assert client.get("/").status_code == 302
    assert client.post(response["Location"], {"code": totp_code(staff)}).status_code == 302
    assert client.get("/").status_code == 200
    client.post("/accounts/logout/")

    applicant = PersonFactory()
    SmsDevice.objects.create(user=applicant, name="短信验证码", confirmed=True)
    _reset_password(client, applicant, "Newpass2026")
    response = log_in(client, applicant.username, "Newpass2026")
    assert response["Location"].startswith(SECOND_FACTOR_URL)
    assert client.get("/").status_code == 302


def test_the_forced_password_change_comes_after_the_second_factor(client):
    admin = unit_admin(UnitFactory(), must_change_password=True)
    totp_device_for(admin)
    response = log_in(client, admin.username, PASSWORD, second_factor=False)
    assert response["Location"].startswith(SECOND_FACTOR_URL)
    assert client.get("/accounts/password/change/").status_code == 302
    after = client.post(response["Location"], {"code": totp_code(admin)})
    assert after["Location"] == "/accounts/password/change/"
    assert client.get("/accounts/password/change/").status_code == 200
