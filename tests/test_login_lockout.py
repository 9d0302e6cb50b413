"""Login by ID number, no account enumeration, and the django-axes lockout policy: 5 failures, each within
15 minutes of the one before, lock the account for 30 minutes."""

import datetime

import pytest
import time_machine
from axes.models import AccessAttempt

from core.models import AuditEvent
from tests.factories import PASSWORD, PersonFactory, id_number_ending_in_x
from tests.helpers import LOGIN_URL, log_in, without_csrf

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("regions", "captcha_off")]

LOCKED = "账号已锁定"
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def person():
    return PersonFactory()


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def fail(client, username, times=1):
    responses = [log_in(client, username, "Wrong2026pw") for _ in range(times)]
    return responses[-1]


def test_person_logs_in_with_id_number_and_password(client, person):
    response = log_in(client, person.id_number, PASSWORD)

    assert response.status_code == 302
    assert response.url == "/"
    assert client.get("/").context["user"] == person


def test_lowercase_x_in_login_is_accepted(client):
    number = id_number_ending_in_x()
    person = PersonFactory(id_number=number, username=number)

    response = log_in(client, number.lower(), PASSWORD)

    assert response.status_code == 302
    assert client.get("/").context["user"] == person


def test_wrong_password_is_refused_with_a_message(client, person):
    response = fail(client, person.id_number)

    assert response.status_code == 200
    assert "账号或密码错误。" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_unknown_account_and_wrong_password_get_identical_answers(client, person):
    unknown = PersonFactory.build().id_number
    assert not type(person).objects.filter(username=unknown).exists()

    wrong_password = fail(client, person.id_number)
    unknown_account = fail(client, unknown)

    assert wrong_password.status_code == unknown_account.status_code == 200
    assert without_csrf(wrong_password.content.decode()).replace(person.id_number, "ACCOUNT") == without_csrf(
        unknown_account.content.decode()
    ).replace(unknown, "ACCOUNT")


def test_inactive_account_gets_the_same_answer_as_a_wrong_password(client, person):
    person.is_active = False
    person.save()

    response = log_in(client, person.id_number, PASSWORD)

    assert response.status_code == 200
    assert "账号或密码错误。" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_ignores_a_next_url_on_another_host(client, person):
    response = client.post(f"{LOGIN_URL}?next=https://evil.example.com/", {"username": person.id_number,
                                                                            "password": PASSWORD})

    assert response.url == "/"


def test_login_follows_a_local_next_url(client, person):
    response = client.post(f"{LOGIN_URL}?next=/accounts/password/change/", {"username": person.id_number,
                                                                             "password": PASSWORD})

    assert response.url == "/accounts/password/change/"


def test_four_failures_do_not_lock(client, person):
    response = fail(client, person.id_number, times=4)

    assert response.status_code == 200
    assert LOCKED not in response.content.decode()
    assert log_in(client, person.id_number, PASSWORD).status_code == 302


def test_fifth_failure_already_returns_the_lockout_page(client, person):
    response = fail(client, person.id_number, times=5)

    assert response.status_code == 403
    assert LOCKED in response.content.decode()
    assert "请30分钟后再试" in response.content.decode()


def test_locked_account_refuses_even_the_right_password(client, person):
    fail(client, person.id_number, times=5)

    response = log_in(client, person.id_number, PASSWORD)

    assert response.status_code == 403
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_showing_the_lockout_page_does_not_count_another_failure(client, person):
    fail(client, person.id_number, times=5)

    assert AuditEvent.objects.filter(event="login_failed").count() == 5
    assert AccessAttempt.objects.get(username=person.username).failures_since_start == 5


def test_lockout_lifts_after_30_minutes(client, person, clock):
    fail(client, person.id_number, times=5)
    assert log_in(client, person.id_number, PASSWORD).status_code == 403

    clock.shift(datetime.timedelta(minutes=30, seconds=1))
    response = log_in(client, person.id_number, PASSWORD)

    assert response.status_code == 302
    assert client.get("/").context["user"] == person


def test_lockout_still_holds_after_29_minutes(client, person, clock):
    fail(client, person.id_number, times=5)

    clock.shift(datetime.timedelta(minutes=29))
    response = log_in(client, person.id_number, PASSWORD)

    assert response.status_code == 403


def test_lockout_holds_while_other_people_log_in(client, person, clock):
    """Another account's activity must not cut one account's 30-minute lockout down to the 15-minute window."""
    other = PersonFactory()
    fail(client, person.id_number, times=5)

    clock.shift(datetime.timedelta(minutes=20))
    fail(client, other.id_number)
    log_in(client, other.id_number, PASSWORD)
    client.post("/accounts/logout/")

    assert log_in(client, person.id_number, PASSWORD).status_code == 403


def test_lockout_is_per_account(client, person):
    other = PersonFactory()
    fail(client, person.id_number, times=5)

    assert log_in(client, other.id_number, PASSWORD).status_code == 302


def test_failures_more_than_15_minutes_apart_do_not_lock(client, person, clock):
    fail(client, person.id_number, times=4)

    clock.shift(datetime.timedelta(minutes=16))
    response = fail(client, person.id_number)

    assert response.status_code == 200
    assert LOCKED not in response.content.decode()
    assert log_in(client, person.id_number, PASSWORD).status_code == 302


def test_failures_within_15_minutes_of_each_other_lock(client, person, clock):
    for _ in range(5):
        fail(client, person.id_number)
        clock.shift(datetime.timedelta(minutes=14))

    assert log_in(client, person.id_number, PASSWORD).status_code == 403


def test_success_resets_the_failure_count(client, person):
    fail(client, person.id_number, times=4)
    log_in(client, person.id_number, PASSWORD)
    client.post("/accounts/logout/")

    response = fail(client, person.id_number, times=4)

    assert response.status_code == 200
    assert LOCKED not in response.content.decode()


def test_lowercase_and_uppercase_x_count_as_one_account(client):
    number = id_number_ending_in_x()
    PersonFactory(id_number=number, username=number)

    fail(client, number.lower(), times=3)
    response = fail(client, number, times=2)

    assert response.status_code == 403


def test_locked_unknown_account_gets_the_same_page_as_a_locked_known_one(client, person):
    unknown = PersonFactory.build().id_number

    known_page = fail(client, person.id_number, times=5)
    unknown_page = fail(client, unknown, times=5)

    assert known_page.status_code == unknown_page.status_code == 403
    assert without_csrf(known_page.content.decode()).replace(person.id_number, "ACCOUNT") == without_csrf(
        unknown_page.content.decode()
    ).replace(unknown, "ACCOUNT")


class TestAudit:
    def test_login_success_is_audited(self, client, person):
        log_in(client, person.id_number, PASSWORD)

        event = AuditEvent.objects.get(event="login")
        assert (event.user, event.username, event.ip, event.outcome) == (person, person.username, "127.0.0.1",
                                                                         "success")

    def test_login_failure_is_audited_with_the_typed_account(self, client, person):
        fail(client, person.id_number.lower())

        event = AuditEvent.objects.get(event="login_failed")
        assert (event.username, event.outcome, event.ip) == (person.username, "failure", "127.0.0.1")

    def test_lockout_is_audited(self, client, person):
        fail(client, person.id_number, times=5)

        event = AuditEvent.objects.get(event="lockout")
        assert (event.username, event.outcome) == (person.username, "locked")

    def test_logout_is_audited(self, client, person):
        log_in(client, person.id_number, PASSWORD)

        response = client.post("/accounts/logout/")

        assert response.url == LOGIN_URL
        event = AuditEvent.objects.get(event="logout")
        assert event.user == person
        assert "_auth_user_id" not in client.session

    def test_logout_needs_post(self, client, person):
        log_in(client, person.id_number, PASSWORD)

        assert client.get("/accounts/logout/").status_code == 405
        assert not AuditEvent.objects.filter(event="logout").exists()
