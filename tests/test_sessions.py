"""The session engine and the signed-in user, read together by one query compiled once (accounts.sessions,
accounts.backends): what they let through is exactly what Django's own would."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.backends import LoginBackend
from accounts.models import Role, Session
from accounts.roles import admin_unit_ids, role_grant
from accounts.sessions import SessionStore, user_loaded_with_session
from tests.factories import PersonFactory, UnitFactory, unit_admin

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


# ------------------------------------------------------------------ the session, its user and roles in one read

def _queries_of(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def test_a_signed_in_request_reads_session_user_and_roles_in_one_query(client, regions):
    unit = UnitFactory(name="福州市第二医院")
    admin = unit_admin(unit)
    client.force_login(admin, backend="accounts.backends.LoginBackend")
    client.get("/unit/")  # compiles the queries
    sql = _queries_of(client, "/unit/")
    reads = [q for q in sql if "accounts_session" in q]
    assert len(reads) == 1 and "accounts_user" in reads[0] and "accounts_roleassignment" in reads[0]
    others = [q for q in sql if "accounts_session" not in q]
    assert not any('FROM "accounts_user"' in q or 'FROM "accounts_roleassignment"' in q for q in others), others


def test_the_roles_read_with_the_session_are_the_users_current_roles(client, regions):
    first, second = UnitFactory(name="甲单位"), UnitFactory(name="乙单位")
    admin = unit_admin(first)
    client.force_login(admin, backend="accounts.backends.LoginBackend")
    assert client.get("/unit/records/k/education/").status_code == 200
    role_grant(user=admin, role=Role.UNIT_ADMIN, unit=second)
    response = client.get("/unit/")
    assert response.wsgi_request.user.pk == admin.pk
    assert admin_unit_ids(response.wsgi_request.user) == {first.pk, second.pk}


def test_a_person_without_roles_is_read_with_the_session(client, person):
    session = signed_in(client, person)
    assert session.user_id == person.pk  # written from the session's data at login
    response = client.get(PAGE)
    assert response.wsgi_request.user.pk == person.pk
    assert response.wsgi_request.user.name == "张三"


def test_the_user_read_with_a_session_is_handed_over_once_and_only_for_its_id(client, person):
    session = signed_in(client, person)
    store = SessionStore(session.session_key)
    store.load()
    assert user_loaded_with_session(person.pk + 1) is None  # another id: not this user
    store = SessionStore(session.session_key)
    store.load()
    assert user_loaded_with_session(person.pk).pk == person.pk
    assert user_loaded_with_session(person.pk) is None  # taken once
    assert LoginBackend().get_user(person.pk).pk == person.pk  # then read by id


def test_a_session_of_another_user_never_hands_over_its_user(client, person, regions):
    other = PersonFactory(unit=person.unit, name="李四")
    session = signed_in(client, person)
    SessionStore(session.session_key).load()
    assert LoginBackend().get_user(other.pk).name == "李四"


def test_deleting_a_user_ends_their_sessions_and_logout_deletes_the_row(client, person):
    session = signed_in(client, person)
    client.post("/accounts/logout/")
    assert not Session.objects.filter(pk=session.pk).exists()
    session = signed_in(client, person)
    person.delete()
    assert not Session.objects.filter(pk=session.pk).exists()
    assert sent_to_login(client.get(PAGE))


def test_a_session_whose_user_column_is_empty_still_signs_in_by_its_data(client, person):
    session = signed_in(client, person)
    Session.objects.filter(pk=session.pk).update(user=None)
    response = client.get(PAGE)
    assert response.status_code == 200 and response.wsgi_request.user.pk == person.pk
