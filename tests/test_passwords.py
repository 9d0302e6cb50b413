"""Forgot password (a temporary password by SMS, changed at the next login) and change password."""

import datetime

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password

from accounts.models import AuthEvent, SmsMessage
from tests.factories import PASSWORD, PersonFactory, id_number_ending_in_x
from tests.helpers import LOGIN_URL, assert_field_error, log_in, temporary_password, without_csrf

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("regions", "captcha_off")]

FORGOT_URL = "/accounts/password/forgot/"
CHANGE_URL = "/accounts/password/change/"
SAME_ANSWER = "如身份证号与绑定手机号匹配，临时密码已通过短信发送，请用临时密码登录后修改密码。"
NEW_PASSWORD = "Xinmima2026"


@pytest.fixture
def person():
    return PersonFactory(phone="13812345678")


@pytest.fixture
def forgot(client, django_capture_on_commit_callbacks):
    """POST the forgot-password form; the SMS leaves on commit, so run the commit callbacks."""

    def post(id_number, phone):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(FORGOT_URL, {"id_number": id_number, "phone": phone}, follow=True)

    return post


def test_forgot_password_sends_a_temporary_password_to_the_bound_phone(forgot, client, person):
    response = forgot(person.id_number, person.phone)

    assert response.redirect_chain[-1][0] == LOGIN_URL
    password = temporary_password(person.phone)
    person.refresh_from_db()
    assert person.check_password(password)
    assert not person.check_password(PASSWORD)
    assert person.must_change_password


def test_temporary_password_satisfies_the_password_rules(forgot, person):
    forgot(person.id_number, person.phone)

    validate_password(temporary_password(person.phone), person)


def test_forgot_password_accepts_a_lowercase_x(forgot):
    number = id_number_ending_in_x()
    person = PersonFactory(id_number=number, username=number, phone="13912345678")

    forgot(number.lower(), person.phone)

    person.refresh_from_db()
    assert person.must_change_password


def _answer(response) -> str:
    return without_csrf(response.content.decode())


def test_forgot_password_answers_the_same_whether_or_not_the_pair_matches(forgot, person):
    matched = forgot(person.id_number, person.phone)
    wrong_phone = forgot(person.id_number, "13900000000")
    unknown_id = forgot(PersonFactory.build().id_number, person.phone)

    for response in (matched, wrong_phone, unknown_id):
        assert response.redirect_chain == [(LOGIN_URL, 302)]
        assert SAME_ANSWER in response.content.decode()
    assert _answer(matched) == _answer(wrong_phone) == _answer(unknown_id)
    assert SmsMessage.objects.count() == 1


def test_repeating_forgot_password_within_a_minute_reveals_nothing(forgot, person):
    """A rate-limit message shown only for a matching pair would tell an attacker the pair is right."""
    forgot(person.id_number, person.phone)

    again_matched = forgot(person.id_number, person.phone)
    again_unmatched = forgot(person.id_number, "13900000000")

    assert again_matched.redirect_chain == again_unmatched.redirect_chain == [(LOGIN_URL, 302)]
    assert _answer(again_matched) == _answer(again_unmatched)
    assert SmsMessage.objects.count() == 1


def test_forgot_password_is_limited_to_one_sms_a_minute(forgot, person):
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=False) as clock:
        forgot(person.id_number, person.phone)
        first = temporary_password(person.phone)
        forgot(person.id_number, person.phone)
        person.refresh_from_db()
        assert person.check_password(first)

        clock.shift(datetime.timedelta(seconds=61))
        forgot(person.id_number, person.phone)

    assert SmsMessage.objects.count() == 2
    person.refresh_from_db()
    assert person.check_password(temporary_password(person.phone))


def test_forgot_password_needs_a_valid_phone(client, person):
    response = client.post(FORGOT_URL, {"id_number": person.id_number, "phone": "123"})

    assert_field_error(response, "phone", "请输入11位手机号码。")


def test_temporary_password_must_be_changed_at_next_login(forgot, client, person):
    forgot(person.id_number, person.phone)

    response = log_in(client, person.id_number, temporary_password(person.phone))

    assert response.status_code == 302
    assert response.url == CHANGE_URL
    page = client.get(CHANGE_URL)
    assert page.status_code == 200
    assert "临时密码" in page.content.decode()


@pytest.mark.parametrize("path", ["/", "/accounts/staff/", "/units/builtin/new/", "/accounts/audit/"])
def test_every_page_leads_to_password_change_until_changed(forgot, client, person, path):
    forgot(person.id_number, person.phone)
    log_in(client, person.id_number, temporary_password(person.phone))

    response = client.get(path)

    assert response.status_code == 302
    assert response.url == CHANGE_URL


def test_after_changing_the_temporary_password_pages_open_again(forgot, client, person):
    forgot(person.id_number, person.phone)
    temporary = temporary_password(person.phone)
    log_in(client, person.id_number, temporary)

    response = client.post(CHANGE_URL, {"old_password": temporary, "password1": NEW_PASSWORD,
                                         "password2": NEW_PASSWORD})

    assert response.status_code == 302
    assert client.get("/").status_code == 200
    person.refresh_from_db()
    assert not person.must_change_password
    assert person.check_password(NEW_PASSWORD)


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

    assert AuthEvent.objects.filter(event="password_change", user=person, outcome="success").exists()


def test_password_reset_is_audited_only_for_a_matching_pair(forgot, person):
    forgot(person.id_number, "13900000000")
    assert not AuthEvent.objects.filter(event="password_reset").exists()

    forgot(person.id_number, person.phone)

    assert AuthEvent.objects.filter(event="password_reset", user=person).count() == 1
