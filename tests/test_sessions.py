"""The session engine and the signed-in user, both read by queries compiled once (accounts.sessions,
accounts.backends): what they let through is exactly what Django's own would."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.backends import LoginBackend
from accounts.sessions import SessionStore
from tests.factories import PersonFactory, UnitFactory

pytestmark = pytest.mark.django_db

PAGE = "/dossier/"


@pytest.fixture
def person(regions):
    return PersonFactory(unit=UnitFactory(name="福州市第一医院"), name="张三")


def signed_in(client, person):
    client.force_login(person, backend="accounts.backends.LoginBackend")
    assert client.get(PAGE).status_code == 200
    return Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)


def sent_to_login(response) -> bool:
    return response.status_code == 302 and "login" in response["Location"]


def test_a_live_session_keeps_its_data_across_requests(client, person):
    session = signed_in(client, person)
    store = SessionStore(session.session_key)
    assert store["_auth_user_id"] == str(person.pk)
    assert client.get(PAGE).status_code == 200


def test_an_expired_session_signs_the_user_out(client, person):
    session = signed_in(client, person)
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    assert sent_to_login(client.get(PAGE))
    assert SessionStore(session.session_key).load() == {}


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
    for wrong in ("abc", None, "", person.pk + 1000):
        assert backend.get_user(wrong) is None
