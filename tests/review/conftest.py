"""Employer portal (单位端) tests: two units A and B, each with an admin and a member of staff."""

import pytest

from dossier.catalogue import reset
from tests.factories import PersonFactory, UnitFactory, unit_admin


@pytest.fixture(autouse=True)
def _review_environment(settings, tmp_path, regions):
    """Uploads go to a throw-away media folder; every test runs with the base catalogue."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.DOSSIER_CATALOGUE_OVERRIDES = []
    reset()
    yield
    reset()


@pytest.fixture
def unit_a():
    return UnitFactory(name="福州市第一医院")


@pytest.fixture
def unit_b():
    return UnitFactory(name="厦门市第二医院")


@pytest.fixture
def admin_a(unit_a):
    return unit_admin(unit_a, name="甲单位管理员")


@pytest.fixture
def admin_b(unit_b):
    return unit_admin(unit_b, name="乙单位管理员")


@pytest.fixture
def owner_a(unit_a):
    return PersonFactory(unit=unit_a, name="张三")


@pytest.fixture
def owner_b(unit_b):
    return PersonFactory(unit=unit_b, name="李四")
