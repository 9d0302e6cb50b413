import pytest
from django.core.cache import cache

from orgs.services import regions_load


@pytest.fixture(autouse=True)
def _fast_hasher_and_clean_cache(settings):
    # Argon2 is the production hasher (tested in test_settings); tests use a fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()


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
