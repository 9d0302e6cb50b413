import pytest
from django.core.cache import cache

from orgs.services import regions_load
from tests.failing_backends import FlakyGateway

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def _fast_hasher_and_clean_cache(settings):
    # Argon2 is the production hasher (tested in test_settings); tests use a fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # A task (an SMS delivery, a print) runs as soon as it is queued, i.e. when the transaction that queued it
    # commits (tests.helpers.committed in a test that runs inside one); tests of the worker take database_tasks.
    settings.TASKS = IMMEDIATE_TASKS
    cache.clear()


@pytest.fixture
def database_tasks(settings):
    """Tasks wait in the database for a worker (`manage.py db_worker`), as in production."""
    settings.TASKS = DATABASE_TASKS


@pytest.fixture
def regions(db):
    """Fujian, Anhui and Tianjin divisions from the maintained GB/T 2260 table."""
    regions_load(provinces={"35", "34", "12"})


@pytest.fixture
def captcha_off(settings):
    settings.CAPTCHA_DISABLED = True


@pytest.fixture
def full_disk(settings):
    """full_disk(room=0): from now on the default storage is a disk with room for `room` more files; the next
    one fails half-written with ENOSPC (tests.failing_backends.FullDiskStorage, configured as a deployment
    configures its storage)."""

    def fill(room: int = 0):
        settings.STORAGES = {**settings.STORAGES, "default": {
            "BACKEND": "tests.failing_backends.FullDiskStorage", "OPTIONS": {"files_that_fit": room}}}

    return fill


@pytest.fixture
def flaky_sms(settings):
    """flaky_sms(n): the SMS gateway times out on the next n sends, then delivers (into the outbox)."""
    settings.SMS_BACKEND = "tests.failing_backends.FlakyGateway"

    def fail(failures: int) -> None:
        FlakyGateway.failures = failures

    yield fail
    FlakyGateway.failures = 0
