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
