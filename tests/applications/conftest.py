"""Title-application tests (issue 6): a unit with its admin, an HR bureau, one open plan per series."""

import pytest

from dossier.catalogue import reset
from tests.factories import PersonFactory, UnitFactory, bureau_staff, unit_admin

from .support import plan_for


@pytest.fixture(autouse=True)
def _applications_environment(settings, tmp_path, regions):
    """Uploads and prints go to a throw-away media folder; every test runs with the base catalogue."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.DOSSIER_CATALOGUE_OVERRIDES = []
    reset()
    yield
    reset()


@pytest.fixture
def unit():
    return UnitFactory(name="福建闽江工程科技有限公司")


@pytest.fixture
def admin(unit):
    return unit_admin(unit, name="单位管理员甲")


@pytest.fixture
def bureau():
    return bureau_staff(name="人社厅郑强")


@pytest.fixture
def make_plan():
    return plan_for


@pytest.fixture
def person(unit):
    return PersonFactory(unit=unit, name="张伟", series="工程技术")


@pytest.fixture
def stranger(unit):
    """Another applicant of the same unit: only ownership separates them."""
    return PersonFactory(unit=unit, name="李四")
