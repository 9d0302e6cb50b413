import textwrap

import pytest

from accounts.models import User
from dossier.catalogue import catalogue, reset
from tests.factories import PersonFactory, UnitFactory, unit_admin


@pytest.fixture(autouse=True)
def _dossier_environment(settings, tmp_path, regions):
    """Evidence goes to a throw-away media folder; every test starts and ends with the base catalogue."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.DOSSIER_CATALOGUE_OVERRIDES = []
    settings.CE_IMPORT_TOKEN = ""
    reset()
    yield
    reset()


@pytest.fixture
def unit():
    return UnitFactory(name="福州市第一医院")


@pytest.fixture
def other_unit():
    return UnitFactory(name="厦门市第二医院")


@pytest.fixture
def owner(unit):
    return PersonFactory(unit=unit, name="张三")


@pytest.fixture
def admin(unit):
    """A unit admin of the owner's unit (the unit that reviews the owner's records)."""
    return unit_admin(unit, name="单位管理员甲")


@pytest.fixture
def other_admin(other_unit):
    return unit_admin(other_unit, name="单位管理员乙")


@pytest.fixture
def stranger(unit):
    """Another applicant (same unit, so only ownership separates them)."""
    return PersonFactory(unit=unit, name="李四")


@pytest.fixture
def unbound():
    return PersonFactory(unit=None, name="王五")


@pytest.fixture
def pending_person(unit):
    return PersonFactory(unit=unit, name="赵六", registration=User.Registration.PENDING)


@pytest.fixture
def catalogue_override(settings, tmp_path):
    """apply(toml): add one override file (DOSSIER_CATALOGUE_OVERRIDES) and rebuild the catalogue.
    Returns the new catalogue unless build=False (for malformed files)."""
    counter = {"n": 0}

    def apply(text: str, *, build: bool = True):
        counter["n"] += 1
        path = tmp_path / f"override-{counter['n']}.toml"
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        settings.DOSSIER_CATALOGUE_OVERRIDES = [*settings.DOSSIER_CATALOGUE_OVERRIDES, str(path)]
        reset()
        return catalogue() if build else None

    yield apply
    reset()
