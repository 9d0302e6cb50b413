"""行业专用 (health series) tests: a hospital with a nurse of the 卫生技术 series, a colleague and the unit admin."""

import textwrap

import pytest

from dossier.catalogue import catalogue, reset
from tests.factories import PersonFactory, UnitFactory, unit_admin

from .support import login


@pytest.fixture(autouse=True)
def _health_environment(settings, tmp_path, regions):
    """Uploads go to a throw-away media folder; every test starts and ends with the base catalogue."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.DOSSIER_CATALOGUE_OVERRIDES = []
    reset()
    yield
    reset()


@pytest.fixture
def hospital():
    return UnitFactory(name="福州市第一医院")


@pytest.fixture
def nurse(hospital):
    return PersonFactory(unit=hospital, name="林晓燕", series="卫生技术")


@pytest.fixture
def colleague(hospital):
    return PersonFactory(unit=hospital, name="陈丽", series="卫生技术")


@pytest.fixture
def teacher(hospital):
    return PersonFactory(unit=hospital, name="王老师", series="中小学教师")


@pytest.fixture
def admin(hospital):
    return unit_admin(hospital, name="王主任")


@pytest.fixture
def nurse_client(client, nurse):
    return login(client, nurse)


@pytest.fixture
def catalogue_override(settings, tmp_path):
    """apply(toml): add one override file (DOSSIER_CATALOGUE_OVERRIDES) and rebuild the catalogue."""
    counter = {"n": 0}

    def apply(text: str):
        counter["n"] += 1
        path = tmp_path / f"override-{counter['n']}.toml"
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        settings.DOSSIER_CATALOGUE_OVERRIDES = [*settings.DOSSIER_CATALOGUE_OVERRIDES, str(path)]
        reset()
        return catalogue()

    yield apply
    reset()
