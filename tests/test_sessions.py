"""Sessions are Django's own (SESSION_ENGINE: database, or cached_db with a shared cache): what they let through is
what Django's own session and authentication let through."""

import os
import subprocess
import sys
from datetime import timedelta
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.backends import LoginBackend
from tests.factories import PersonFactory, UnitFactory, unit_admin
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db

PAGE = "/dossier/"


@pytest.fixture
def person(regions):
    return PersonFactory(unit=UnitFactory(name="福州市第一医院"), name="张三")


def store(key=None):
    return import_module(settings.SESSION_ENGINE).SessionStore(key)


def signed_in(client, person):
    sign_in(client, person)
    assert client.get(PAGE).status_code == 200
    return Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)


def sent_to_login(response) -> bool:
    return response.status_code == 302 and "login" in response["Location"]


def test_a_live_session_keeps_its_data_across_requests(client, person):
    session = signed_in(client, person)
    assert store(session.session_key)["_auth_user_id"] == str(person.pk)
    assert client.get(PAGE).status_code == 200


def test_an_expired_session_signs_the_user_out(client, person):
    session = signed_in(client, person)
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    assert sent_to_login(client.get(PAGE))
    assert store(session.session_key).load() == {}


def test_a_deleted_or_forged_session_signs_the_user_out(client, person):
    session = signed_in(client, person)
    Session.objects.filter(pk=session.pk).delete()
    assert sent_to_login(client.get(PAGE))
    client.cookies[settings.SESSION_COOKIE_NAME] = "x" * 32 + "'; --"
    assert sent_to_login(client.get(PAGE))


def test_a_deactivated_user_is_signed_out_at_the_next_request(client, person):
    signed_in(client, person)
    type(person).objects.filter(pk=person.pk).update(is_active=False)
    assert sent_to_login(client.get(PAGE))


def test_get_user_takes_the_stored_id_and_nothing_else(person):
    backend = LoginBackend()
    assert backend.get_user(person.pk).name == "张三"
    assert backend.get_user(str(person.pk)).pk == person.pk  # the session keeps it as text
    for wrong in (None, person.pk + 1000):  # (the id comes from the signed session data: always a number)
        assert backend.get_user(wrong) is None


def test_deleting_a_user_ends_their_sessions_and_logout_deletes_the_row(client, person):
    session = signed_in(client, person)
    client.post("/accounts/logout/")
    assert not Session.objects.filter(pk=session.pk).exists()
    signed_in(client, person)
    person.delete()
    assert sent_to_login(client.get(PAGE))


def test_a_signed_in_request_reads_its_user_and_roles_once(client, regions):
    admin = unit_admin(UnitFactory(name="福州市第二医院"))
    sign_in(client, admin)
    client.get("/unit/")
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/unit/").status_code == 200
    sql = [q["sql"] for q in captured.captured_queries]
    assert len([q for q in sql if 'FROM "accounts_user"' in q]) == 1, sql
    assert len([q for q in sql if 'FROM "accounts_roleassignment"' in q]) == 1, sql


# With a cache that every process shares (CACHE_URL), sessions are read from it and written through to the
# database; with none, from the database alone (a cache in one process's memory would outlive a sign-out made in
# another).


def test_sessions_are_cached_only_in_a_cache_every_process_shares():
    code = "import zhicheng.settings as s; print(s.SESSION_ENGINE)"
    without = {k: v for k, v in os.environ.items() if k != "CACHE_URL"}
    alone = subprocess.run([sys.executable, "-c", code], env={**without, "DEBUG": "1"}, cwd=settings.BASE_DIR,
                           capture_output=True, text=True, timeout=60)
    shared = subprocess.run([sys.executable, "-c", code], cwd=settings.BASE_DIR, capture_output=True, text=True,
                            env={**without, "DEBUG": "1", "CACHE_URL": "redis://127.0.0.1:6379/1"}, timeout=60)

    assert alone.stdout.split() == ["django.contrib.sessions.backends.db"], alone.stderr
    assert shared.stdout.split() == ["core.sessions"], shared.stderr  # cached_db, serving while the cache is down


def test_a_cached_session_signs_out_everywhere_it_is_cached(client, person, settings):
    settings.SESSION_ENGINE = "core.sessions"
    signed_in(client, person)
    assert client.get(PAGE).status_code == 200  # served from the cache
    client.post("/accounts/logout/")
    assert sent_to_login(client.get(PAGE))
