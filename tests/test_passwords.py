"""Forgot password (a code to the bound phone, then a new password set with it) and change password."""

import datetime

import pytest
import time_machine
from django.test import Client

from accounts.models import SmsCode, SmsMessage
from core.models import AuditEvent
from tests.factories import PASSWORD, PersonFactory, id_number_ending_in_x
from tests.helpers import LOGIN_URL, assert_field_error, committed, log_in, sms_code, without_csrf, wrong_code

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("regions", "captcha_off")]

FORGOT_URL = "/accounts/password/forgot/"
RESET_URL = "/accounts/password/reset/"
CHANGE_URL = "/accounts/password/change/"
SAME_ANSWER = "如身份证号与绑定手机号匹配，短信验证码已发送至该手机，3分钟内有效。"
REFUSED = "短信验证码不正确或已失效，请核对后重新输入，或重新获取验证码。"
NEW_PASSWORD = "Xinmima2026"
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def person():
    return PersonFactory(phone="13812345678")


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def forgot(client):
    """Step 1: the ID number and the bound phone (the captcha is off here)."""

    def post(id_number, phone, follow=True, **extra):
        with committed():  # the code's delivery is queued once the request's writes commit
            return client.post(FORGOT_URL, {"id_number": id_number, "phone": phone}, follow=follow, **extra)

    return post


@pytest.fixture
def reset(client):
    """Step 2: the code from the SMS and the new password, twice."""

    def post(code, password=NEW_PASSWORD, confirm=None):
        return client.post(RESET_URL, {"sms_code": code, "password1": password,
                                       "password2": password if confirm is None else confirm})

    return post


def signed_in_elsewhere(person) -> Client:
    other = Client()
    assert log_in(other, person.id_number, PASSWORD).status_code == 302
    assert other.get("/").status_code == 200
    return other


def test_step_one_sends_a_code_to_the_bound_phone_and_changes_nothing(forgot, person):
    elsewhere = signed_in_elsewhere(person)

    response = forgot(person.id_number, person.phone)

    assert response.redirect_chain == [(RESET_URL, 302)]
    assert SAME_ANSWER in response.content.decode()
    assert "找回" in SmsMessage.objects.by_phone(person.phone).get().text and sms_code(person.phone)
    person.refresh_from_db()
    assert person.check_password(PASSWORD) and not person.must_change_password
    assert elsewhere.get("/").status_code == 200  # her session goes on
    assert log_in(Client(), person.id_number, PASSWORD).status_code == 302  # and her password still works


def test_the_code_and_a_new_password_reset_it_and_end_her_other_sessions(forgot, reset, client, person):
    elsewhere = signed_in_elsewhere(person)
    forgot(person.id_number, person.phone)

    response = reset(sms_code(person.phone))

    assert (response.status_code, response.url) == (302, LOGIN_URL)
    assert "密码已重置，请使用新密码登录。" in client.get(LOGIN_URL).content.decode()
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD) and not person.check_password(PASSWORD)
    assert not person.must_change_password
    assert elsewhere.get("/").status_code == 302  # signed out: the old password's session is over
    assert log_in(client, person.id_number, NEW_PASSWORD).url == "/"
    assert AuditEvent.objects.filter(event="password_reset", user=person).count() == 1


def test_a_wrong_code_changes_nothing(forgot, reset, person):
    elsewhere = signed_in_elsewhere(person)
    forgot(person.id_number, person.phone)

    response = reset(wrong_code(sms_code(person.phone)))

    assert_field_error(response, "sms_code", REFUSED)
    person.refresh_from_db()
    assert person.check_password(PASSWORD)
    assert elsewhere.get("/").status_code == 200
    assert not AuditEvent.objects.filter(event="password_reset").exists()


def test_the_code_is_refused_after_five_wrong_tries(forgot, reset, person):
    forgot(person.id_number, person.phone)
    code = sms_code(person.phone)
    for _ in range(5):
        reset(wrong_code(code))

    response = reset(code)

    assert_field_error(response, "sms_code", REFUSED)
    person.refresh_from_db()
    assert person.check_password(PASSWORD)


def test_the_code_expires_after_3_minutes(forgot, reset, person, clock):
    forgot(person.id_number, person.phone)
    clock.shift(datetime.timedelta(minutes=3, seconds=1))

    response = reset(sms_code(person.phone))

    assert_field_error(response, "sms_code", REFUSED)
    person.refresh_from_db()
    assert person.check_password(PASSWORD)


def test_the_code_resets_the_password_once(forgot, reset, client, person):
    forgot(person.id_number, person.phone)
    code = sms_code(person.phone)
    reset(code)
    forgot(person.id_number, "13900000000", follow=False)  # step 1 again, with another phone: no new code

    response = reset(code, password="Another2026pw")

    assert_field_error(response, "sms_code", REFUSED)
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)


def test_the_new_password_follows_the_password_rules(forgot, reset, person):
    forgot(person.id_number, person.phone)

    response = reset(sms_code(person.phone), password="12345678abc")

    assert_field_error(response, "password1", "密码必须以字母开头。")
    assert SmsCode.objects.by_phone(person.phone).get().failed_tries == 0  # no try spent on it


def test_the_new_passwords_must_match(forgot, reset, person):
    forgot(person.id_number, person.phone)

    response = reset(sms_code(person.phone), confirm=NEW_PASSWORD + "1")

    assert_field_error(response, "password2", "两次输入的密码不一致。")


def test_a_password_like_the_accounts_name_is_refused_only_once_the_code_is_right(forgot, reset, person):
    forgot(person.id_number, person.phone)
    like_her_email = person.email.split("@")[0].capitalize() + "2026"

    wrong = reset(wrong_code(sms_code(person.phone)), password=like_her_email)
    right = reset(sms_code(person.phone), password=like_her_email)

    assert set(wrong.context["form"].errors) == {"sms_code"}
    assert_field_error(right, "password1", "密码跟 邮箱 太相似了。")
    person.refresh_from_db()
    assert person.check_password(PASSWORD)


def test_forgot_password_accepts_a_lowercase_x(forgot, reset):
    number = id_number_ending_in_x()
    person = PersonFactory(id_number=number, username=number, phone="13912345678")

    forgot(number.lower(), person.phone)
    reset(sms_code(person.phone))

    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)


def test_step_two_without_step_one_goes_back_to_step_one(client):
    assert client.get(RESET_URL).url == FORGOT_URL
    assert client.post(RESET_URL, {"sms_code": "123456"}).url == FORGOT_URL


def _answer(response) -> str:
    return without_csrf(response.content.decode())


def test_forgot_password_answers_the_same_whether_or_not_the_pair_matches(forgot, reset, client, person):
    matched = forgot(person.id_number, person.phone)
    guess = wrong_code(sms_code(person.phone))
    matched_refusal = reset(guess)
    wrong_phone = forgot(person.id_number, "13900000000")
    wrong_phone_refusal = reset(guess)
    unknown_id = forgot(PersonFactory.build().id_number, "13700000000")
    unknown_id_refusal = reset(guess)

    for response in (matched, wrong_phone, unknown_id):
        assert response.redirect_chain == [(RESET_URL, 302)]
        assert SAME_ANSWER in response.content.decode()
    masked = [_answer(r).replace(phone[:3] + "****" + phone[-4:], "PHONE") for r, phone in
              ((matched, person.phone), (wrong_phone, "13900000000"), (unknown_id, "13700000000"))]
    assert masked[0] == masked[1] == masked[2]
    refusals = [_answer(r) for r in (matched_refusal, wrong_phone_refusal, unknown_id_refusal)]
    assert REFUSED in refusals[0]
    masked = [a.replace(p[:3] + "****" + p[-4:], "PHONE")
              for a, p in zip(refusals, (person.phone, "13900000000", "13700000000"), strict=True)]
    assert masked[0] == masked[1] == masked[2]
    assert SmsMessage.objects.count() == 1


def test_repeating_forgot_password_within_a_minute_reveals_nothing(forgot, person):
    """The limits count requests, whatever the pair: a refusal says nothing about whether it matched."""
    forgot(person.id_number, person.phone)
    forgot(person.id_number, "13900000000")

    again_matched = forgot(person.id_number, person.phone)
    again_unmatched = forgot(person.id_number, "13900000000")

    assert again_matched.redirect_chain == again_unmatched.redirect_chain == []
    assert "验证码发送过于频繁" in again_matched.content.decode()
    assert _answer(again_matched).replace(person.phone, "PHONE") == _answer(again_unmatched).replace(
        "13900000000", "PHONE")
    assert SmsMessage.objects.count() == 1


def test_forgot_password_is_limited_to_one_sms_a_minute(forgot, reset, person, clock):
    forgot(person.id_number, person.phone)
    first = sms_code(person.phone)
    forgot(person.id_number, person.phone)
    clock.shift(datetime.timedelta(seconds=61))
    forgot(person.id_number, person.phone)

    assert SmsCode.objects.by_phone(person.phone).count() == SmsMessage.objects.count() == 2
    assert reset(first).status_code == 200  # only the latest code counts
    assert reset(sms_code(person.phone)).status_code == 302


def test_forgot_password_is_limited_per_network(forgot, settings):
    settings.SMS_IP_HOURLY_LIMIT = 2
    people = [PersonFactory(phone=f"1391234000{n}") for n in range(3)]

    answers = [forgot(p.id_number, p.phone) for p in people]

    assert SmsMessage.objects.count() == 2
    assert "当前网络获取验证码过于频繁，请稍后再试。" in answers[2].content.decode()


def test_forgot_password_needs_the_captcha(client, person, settings):
    settings.CAPTCHA_DISABLED = False
    client.get("/captcha.png")

    with committed():
        response = client.post(FORGOT_URL, {"id_number": person.id_number, "phone": person.phone, "captcha": "ZZZZ"})

    assert_field_error(response, "captcha", "图形验证码不正确，请看清图片后重新输入。")
    assert not SmsMessage.objects.exists()


def test_forgot_password_needs_a_valid_phone(client, person):
    response = client.post(FORGOT_URL, {"id_number": person.id_number, "phone": "123"})

    assert_field_error(response, "phone", "请输入11位手机号码。")


def test_password_reset_is_audited_only_when_done(forgot, reset, person):
    forgot(person.id_number, "13900000000")
    forgot(person.id_number, person.phone)
    assert not AuditEvent.objects.filter(event="password_reset").exists()

    reset(sms_code(person.phone))

    assert AuditEvent.objects.filter(event="password_reset", user=person).count() == 1


# An account given a password by someone else (a built-in unit's initial password) changes it at first login.


@pytest.fixture
def must_change(person):
    type(person).objects.filter(pk=person.pk).update(must_change_password=True)
    return person


@pytest.mark.parametrize("path", ["/", "/accounts/staff/", "/units/builtin/new/", "/accounts/audit/"])
def test_every_page_leads_to_password_change_until_changed(client, must_change, path):
    assert log_in(client, must_change.id_number, PASSWORD).url == CHANGE_URL

    response = client.get(path)

    assert response.status_code == 302
    assert response.url == CHANGE_URL
    assert "初始密码" in client.get(CHANGE_URL).content.decode()


def test_after_changing_the_given_password_pages_open_again(client, must_change):
    log_in(client, must_change.id_number, PASSWORD)

    response = client.post(CHANGE_URL, {"old_password": PASSWORD, "password1": NEW_PASSWORD,
                                         "password2": NEW_PASSWORD})

    assert response.status_code == 302
    assert client.get("/").status_code == 200
    must_change.refresh_from_db()
    assert not must_change.must_change_password
    assert must_change.check_password(NEW_PASSWORD)


@pytest.fixture
def logged_in(client, person):
    assert log_in(client, person.id_number, PASSWORD).status_code == 302
    return client


def change(client, old=PASSWORD, new=NEW_PASSWORD, confirm=None):
    return client.post(CHANGE_URL, {"old_password": old, "password1": new,
                                     "password2": new if confirm is None else confirm})


def test_change_password_keeps_the_session_and_changes_the_password(logged_in, person):
    response = change(logged_in)

    assert response.url == "/"
    assert logged_in.get("/").status_code == 200
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)


def test_change_password_refuses_a_wrong_old_password(logged_in, person):
    response = change(logged_in, old="Wrong2026pw")

    assert_field_error(response, "old_password", "原密码不正确。")
    person.refresh_from_db()
    assert person.check_password(PASSWORD)


def test_change_password_refuses_mismatched_new_passwords(logged_in, person):
    response = change(logged_in, confirm=NEW_PASSWORD + "1")

    assert_field_error(response, "password2", "两次输入的密码不一致。")
    person.refresh_from_db()
    assert person.check_password(PASSWORD)


def test_new_password_must_differ_from_the_old_one(logged_in):
    response = change(logged_in, new=PASSWORD)

    assert_field_error(response, "password1", "新密码不能与原密码相同。")


def test_new_password_follows_the_password_rules(logged_in):
    response = change(logged_in, new="12345678abc")

    assert_field_error(response, "password1", "密码必须以字母开头。")


def test_change_password_fields_are_required(logged_in):
    response = logged_in.post(CHANGE_URL, {"old_password": "", "password1": "", "password2": ""})

    assert_field_error(response, "old_password", "请输入原密码。")
    assert_field_error(response, "password1", "请输入新密码。")


def test_change_password_needs_login(client):
    response = client.get(CHANGE_URL)

    assert response.url == f"{LOGIN_URL}?next={CHANGE_URL}"


def test_password_change_is_audited(logged_in, person):
    change(logged_in)

    assert AuditEvent.objects.filter(event="password_change", user=person, outcome="success").exists()
