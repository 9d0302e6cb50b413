"""With the shared cache down (Redis stopped), sessions (core.sessions: cached_db written through to the database)
go on from the database: a signed-in person keeps working, someone signs in, someone signs out; once the cache
answers again it is used again. Django's own cached_db answers 500 in each case."""

import pytest
from django.contrib.sessions.models import Session

from tests.factories import PASSWORD, PersonFactory, UnitFactory
from tests.helpers import log_in

pytestmark = pytest.mark.django_db

PAGE = "/dossier/"
LOCAL = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "sessions-cache-down"}
DOWN = {"BACKEND": "tests.helpers.UnreachableCache"}


@pytest.fixture
def people(regions):
    unit = UnitFactory(name="福州市第一医院")
    return PersonFactory(unit=unit, name="张三"), PersonFactory(unit=unit, name="李四")


@pytest.fixture
def cached_sessions(settings, captcha_off):
    settings.SESSION_ENGINE = "core.sessions"
    settings.CACHES = {**settings.CACHES, "default": LOCAL}
    return settings


def test_with_the_cache_down_people_stay_signed_in_sign_in_and_sign_out(client, people, cached_sessions):
    first, second = people
    log_in(client, first.username, PASSWORD)
    assert client.get(PAGE).status_code == 200
    cached_sessions.CACHES = {**cached_sessions.CACHES, "default": DOWN}

    assert client.get(PAGE).status_code == 200  # read from the database, the cache's failure logged

    other = type(client)()
    response = log_in(other, second.username, PASSWORD)
    assert response.status_code == 302 and other.get(PAGE).status_code == 200
    assert Session.objects.count() == 2
    client.post("/accounts/logout/")
    assert client.get(PAGE).status_code == 302
    assert Session.objects.count() == 1

    cached_sessions.CACHES = {**cached_sessions.CACHES, "default": LOCAL}
    assert other.get(PAGE).status_code == 200


def test_django_cached_db_alone_fails_with_the_cache_down(client, people, cached_sessions):
    """What core.sessions is for: the stock engine cannot sign anyone in while the cache is down."""
    cached_sessions.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    cached_sessions.CACHES = {**cached_sessions.CACHES, "default": DOWN}
    client.raise_request_exception = False

    assert log_in(client, people[0].username, PASSWORD).status_code == 500
