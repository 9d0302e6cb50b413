"""Production settings: Argon2, the captcha switch refused outside DEBUG, an SMS gateway required, the 30-minute
idle timeout and the 12-hour session, the API docs off and the demo refused outside DEBUG."""

import datetime
import importlib
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.middleware import LAST_SEEN
from accounts.models import User
from core.models import AuditEvent
from tests.factories import PASSWORD, PersonFactory
from tests.helpers import log_in

BASE_DIR = Path(__file__).resolve().parent.parent


def test_argon2_is_the_first_password_hasher():
    # tests/conftest.py swaps in a fast hasher, so read the settings module itself.
    hashers = importlib.import_module("zhicheng.settings").PASSWORD_HASHERS

    assert hashers[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_argon2_is_installed_and_hashes():
    encoded = Argon2PasswordHasher().encode("Passw0rd2026", Argon2PasswordHasher().salt())

    assert encoded.startswith("argon2$")
    assert Argon2PasswordHasher().verify("Passw0rd2026", encoded)


PRODUCTION = {"DEBUG": "0", "SECRET_KEY": "a-production-secret-key-for-this-test",
              "SMS_BACKEND": "provincial.gateway.SmsBackend",  # a gateway's class: only its name is read here
              "PERSONAL_DATA_KEYS": "2026:cHJvZHVjdGlvbi1saWtlLWtleS1mb3ItdGhpcy10ZXM=",
              "PERSONAL_DATA_INDEX_KEY": "cHJvZHVjdGlvbi1saWtlLWluZGV4LWtleS1mb3ItdHM="}


def load_settings(*, code="import zhicheng.settings", **env):
    clean = {k: v for k, v in os.environ.items()
             if k not in {"DEBUG", "CAPTCHA_DISABLED", "SECRET_KEY", "SMS_BACKEND"}}
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **env}, cwd=BASE_DIR, capture_output=True, text=True, timeout=60,
    )


def test_captcha_cannot_be_disabled_in_production():
    result = load_settings(**PRODUCTION, CAPTCHA_DISABLED="1")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "CAPTCHA_DISABLED=1 is refused when DEBUG is off" in result.stderr


def test_production_settings_load_with_the_captcha_on():
    result = load_settings(**PRODUCTION, CAPTCHA_DISABLED="0")

    assert result.returncode == 0, result.stderr


# The outbox SMS backend keeps codes in the database in clear and delivers nothing: production must name a gateway.


@pytest.mark.parametrize("backend", [None, "", "accounts.sms.OutboxBackend"], ids=["unset", "empty", "outbox"])
def test_production_refuses_to_start_without_an_sms_gateway(backend):
    env = {k: v for k, v in PRODUCTION.items() if k != "SMS_BACKEND"}
    if backend is not None:
        env["SMS_BACKEND"] = backend

    result = load_settings(**env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SMS_BACKEND must name the SMS gateway's backend class when DEBUG is off" in result.stderr


def test_production_takes_the_gateway_it_is_given():
    result = load_settings(**PRODUCTION, code="import zhicheng.settings as s; print(s.SMS_BACKEND)")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "provincial.gateway.SmsBackend"


def test_local_work_uses_the_outbox_unless_told_otherwise():
    result = load_settings(DEBUG="1", code="import zhicheng.settings as s; print(s.SMS_BACKEND)")

    assert result.stdout.strip() == "accounts.sms.OutboxBackend"


def test_the_benchmarks_production_like_settings_load():
    result = load_settings(code="import bench.settings as s; print(s.DEBUG, s.SMS_BACKEND)")

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "accounts.sms.ConsoleRefusingBackend"]


def test_the_deploy_check_passes_as_make_check_runs_it():
    makefile = (BASE_DIR / "Makefile").read_text()
    line = next(line for line in makefile.splitlines() if "check --deploy" in line)
    env = dict(re.findall(r"(\w+)=(\S+)", line.split("$(UV)")[0]))
    env["SECRET_KEY"] = "check-deploy-" + "k" * 50

    clean = {k: v for k, v in os.environ.items() if k not in env}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env={**clean, **env}, cwd=BASE_DIR, capture_output=True, text=True, timeout=120,
    )

    assert env["DEBUG"] == "0" and env["SMS_BACKEND"]
    assert result.returncode == 0, result.stderr


def test_captcha_may_be_disabled_for_local_browser_runs():
    assert load_settings(DEBUG="1", CAPTCHA_DISABLED="1").returncode == 0


def test_production_refuses_to_start_without_a_secret_key():
    result = load_settings(DEBUG="0")

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def _database_options(**env) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DB_PREPARED_STATEMENTS"}}
    result = subprocess.run(
        [sys.executable, "-c", "import zhicheng.settings as s; print(s.DATABASES['default'].get('OPTIONS'))"],
        env={**clean, "DEBUG": "1", **env}, cwd=BASE_DIR, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_postgresql_prepares_the_page_queries_unless_switched_off():
    url = "postgres://zc@db.example:5432/zhicheng"

    assert "'server_side_binding': True, 'prepare_threshold': 2" in _database_options(DATABASE_URL=url)
    assert "prepare_threshold" not in _database_options(DATABASE_URL=url, DB_PREPARED_STATEMENTS="0")
    assert "prepare_threshold" not in _database_options(DATABASE_URL="sqlite:////tmp/zc-settings.sqlite3")


# ---------------------------------------------------------------------------------------------------------------
# Idle timeout: 30 minutes without a request ends the session.

START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def person(regions):
    return PersonFactory()


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def session(client, person, captcha_off, clock):
    assert log_in(client, person.id_number, PASSWORD).status_code == 302
    assert client.get("/").status_code == 200
    return client


def test_idle_session_is_sent_to_login_after_30_minutes(session, clock, person):
    clock.shift(datetime.timedelta(minutes=30, seconds=1))

    response = session.get("/")

    assert response.status_code == 302
    assert response.url == "/accounts/login/?timeout=1"
    assert "_auth_user_id" not in session.session
    assert AuditEvent.objects.filter(event="idle_timeout", user=person).exists()
    assert "您已超过30分钟未操作" in session.get(response.url).content.decode()


def test_session_idle_for_29_minutes_stays_open(session, clock):
    clock.shift(datetime.timedelta(minutes=29))

    assert session.get("/").status_code == 200


def test_activity_restarts_the_idle_clock(session, clock):
    clock.shift(datetime.timedelta(minutes=20))
    assert session.get("/").status_code == 200
    clock.shift(datetime.timedelta(minutes=20))

    assert session.get("/").status_code == 200


def last_seen(client) -> datetime.datetime:
    """The idle clock as the session's stored data holds it."""
    return datetime.datetime.fromtimestamp(client.session[LAST_SEEN], tz=datetime.UTC)


def test_the_idle_clock_is_written_at_most_once_a_minute(session, clock):
    key = session.cookies[settings.SESSION_COOKIE_NAME].value
    assert last_seen(session) == START

    clock.shift(datetime.timedelta(seconds=59))
    response = session.get("/")
    assert last_seen(session) == START  # kept to the minute: no write
    assert settings.SESSION_COOKIE_NAME not in response.cookies

    clock.shift(datetime.timedelta(seconds=2))
    session.get("/")
    assert last_seen(session) == START + datetime.timedelta(seconds=61)
    stored = Session.objects.get(pk=key)
    assert stored.expire_date == START + datetime.timedelta(seconds=61 + settings.SESSION_COOKIE_AGE)


def test_a_session_without_a_last_request_starts_its_idle_clock(session, clock):
    stored = session.session
    del stored[LAST_SEEN]  # a session saved before the clock was kept in it
    stored.save()
    clock.shift(datetime.timedelta(minutes=45))
    assert session.get("/").status_code == 200
    assert last_seen(session) == START + datetime.timedelta(minutes=45)


# 12 hours from sign-in (SESSION_COOKIE_AGE) end a session whatever the activity.


def test_a_session_in_use_ends_12_hours_after_sign_in(session, clock, person):
    assert settings.SESSION_COOKIE_AGE == 12 * 3600
    for _ in range(12 * 3):  # a request every 20 minutes for 12 hours
        clock.shift(datetime.timedelta(minutes=20))
        assert session.get("/").status_code == 200
    clock.shift(datetime.timedelta(seconds=1))

    response = session.get("/")

    assert (response.status_code, response.url) == (302, "/accounts/login/?expired=1")
    assert "_auth_user_id" not in session.session
    assert AuditEvent.objects.filter(event="idle_timeout", user=person, object="session_age").exists()
    assert "本次登录已满12小时" in session.get(response.url).content.decode()


def test_typing_does_not_keep_a_session_past_12_hours(session, clock):
    for _ in range(12 * 3):
        clock.shift(datetime.timedelta(minutes=20))
        assert session.get("/accounts/keepalive/").status_code == 204
    clock.shift(datetime.timedelta(seconds=1))

    assert session.get("/accounts/keepalive/").url == "/accounts/login/?expired=1"


def test_a_passive_question_after_12_hours_is_answered_signed_out(session, clock):
    for _ in range(12 * 3):
        clock.shift(datetime.timedelta(minutes=20))
        session.get("/")
    clock.shift(datetime.timedelta(minutes=1))

    assert session.get("/accounts/session-state/").json() == {"signed_in": False}


def test_signing_in_again_starts_another_12_hours(session, clock, person):
    for _ in range(11 * 3):
        clock.shift(datetime.timedelta(minutes=20))
        session.get("/")
    session.post("/accounts/logout/")
    assert log_in(session, person.id_number, PASSWORD).status_code == 302
    for _ in range(11 * 3):  # 22 hours after the first sign-in, 11 after the second
        clock.shift(datetime.timedelta(minutes=20))
        assert session.get("/").status_code == 200


def test_a_signed_in_session_without_its_sign_in_time_is_ended(session, clock):
    """A session signed in before the sign-in time was kept (or made without a sign-in) has no 12 hours to run."""
    stored = session.session
    del stored["signed_in_at"]
    stored.save()

    assert session.get("/").url == "/accounts/login/?expired=1"


# The page's side of the idle timeout (static/js/app.js): it knows the timeout, and while the person types it
# tells the server through accounts:keepalive, a request that does nothing else.


def test_a_signed_in_page_carries_the_idle_timeout_and_the_keepalive_address(session, client):
    html = session.get("/").content.decode()
    assert 'data-idle-seconds="1800"' in html and 'data-keepalive-url="/accounts/keepalive/"' in html
    client.logout()
    assert "data-idle-seconds" not in client.get("/accounts/login/").content.decode()


def test_keepalive_restarts_the_idle_clock_and_returns_nothing(session, clock):
    clock.shift(datetime.timedelta(minutes=25))
    response = session.get("/accounts/keepalive/")
    assert response.status_code == 204 and response.content == b""
    assert response["Cache-Control"] == "no-store"
    assert last_seen(session) == START + datetime.timedelta(minutes=25)
    clock.shift(datetime.timedelta(minutes=25))  # 50 minutes after the page, 25 after the keepalive
    assert session.get("/").status_code == 200


def test_keepalive_does_not_revive_an_idle_session(session, clock, client):
    clock.shift(datetime.timedelta(minutes=30, seconds=1))
    response = session.get("/accounts/keepalive/")
    assert (response.status_code, response.url) == (302, "/accounts/login/?timeout=1")
    client.logout()
    assert client.get("/accounts/keepalive/").status_code == 302  # and no one signed out gets a 204


# A page that has told its reader she was signed out asks accounts:session_state whether she has signed in again
# (in another tab): it must answer without restarting the idle clock, and after a new sign-in give the CSRF token
# that the page's forms need to be sent.


def test_session_state_answers_without_restarting_the_idle_clock(session, clock, person):
    clock.shift(datetime.timedelta(minutes=20))
    state = session.get("/accounts/session-state/")
    assert state.status_code == 200 and state["Cache-Control"] == "no-store"
    body = state.json()
    assert (body["signed_in"], body["account"], body["idle_left"]) == (True, person.pk, 600)
    assert last_seen(session) == START  # asked, not active
    clock.shift(datetime.timedelta(minutes=10, seconds=1))  # 30 minutes and a second after the page
    assert session.get("/accounts/session-state/").json() == {"signed_in": False}  # timed out, answered here
    assert AuditEvent.objects.filter(event="idle_timeout", user=person).exists()
    assert session.get("/").status_code == 302


def test_session_state_after_a_new_sign_in_gives_the_token_the_old_page_needs(session, clock, person):
    page = session.get("/accounts/password/change/").content.decode()
    old_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    clock.shift(datetime.timedelta(minutes=31))
    assert session.get("/accounts/session-state/").json() == {"signed_in": False}
    assert log_in(session, person.id_number, PASSWORD).status_code == 302  # 重新登录 in another tab
    state = session.get("/accounts/session-state/").json()
    assert state["signed_in"] and state["account"] == person.pk and state["idle_left"] == 1800
    checked = Client(enforce_csrf_checks=True)
    checked.cookies = session.cookies
    # The old page's token was rotated away by the sign-in; the one session_state gives is accepted.
    assert checked.post("/accounts/password/change/", {"csrfmiddlewaretoken": old_token}).status_code == 403
    assert checked.post("/accounts/password/change/", {"csrfmiddlewaretoken": state["csrf"]}).status_code == 200


# ---------------------------------------------------------------------------------------------------------------
# What exists for local work only: the demo's accounts and the API's interactive docs.


def test_the_demo_refuses_to_load_when_debug_is_off(db, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="seed_demo refuses to run when DEBUG is off"):
        call_command("seed_demo", stdout=io.StringIO())

    assert not User.objects.filter(username="admin").exists()


def test_the_api_docs_and_schema_are_absent_in_production(client, settings):
    settings.DEBUG = False

    assert client.get("/api/docs").status_code == 404
    assert client.get("/api/openapi.json").status_code == 404


def test_the_api_docs_and_schema_are_served_for_local_work(client, settings):
    settings.DEBUG = True

    assert client.get("/api/docs").status_code == 200
    schema = client.get("/api/openapi.json")
    assert schema.status_code == 200 and "/api/ce/feed" in schema.json()["paths"]
