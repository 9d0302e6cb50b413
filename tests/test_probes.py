"""/healthz says the process is alive, whatever else is down; /readyz answers 200 only when the database (on a
checked connection), the cache and the file storage answer, and 503 naming what failed otherwise."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

pytestmark = pytest.mark.django_db

# Run in a fresh process whose database is the one given: the probes answer as a deployed process would.
PROBE = """
import django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
client = Client(raise_request_exception=False)
for path in ("/healthz", "/readyz"):
    response = client.get(path)
    print(path, response.status_code, response.content.decode())
"""


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    Path(settings.MEDIA_ROOT).mkdir()


def test_readyz_is_ok_when_everything_answers(client, media):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "storage": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_names_a_cache_that_is_down(client, settings, media):
    settings.CACHES = {"default": {"BACKEND": "tests.helpers.UnreachableCache"}}

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "cache": "failed", "storage": "ok"}


def test_readyz_names_a_storage_that_is_down(client, settings, media):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "tests.failing_backends.DownStorage"}}

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "cache": "ok", "storage": "failed"}


def test_readyz_names_a_database_slower_than_the_readiness_bound(client, settings, media):
    settings.READY_DATABASE_SECONDS = 0.0  # every answer takes some time: the database counts as too slow

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "failed", "cache": "ok", "storage": "ok"}


def test_readyz_names_a_missing_media_folder(client, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "not-mounted")

    assert client.get("/readyz").json()["storage"] == "failed"


@pytest.mark.parametrize("database_url", ["postgres://postgres@127.0.0.1:9/zhicheng",
                                          "sqlite:////nonexistent-folder/db.sqlite3"],
                         ids=["postgres-refusing-connections", "sqlite-unopenable"])
def test_with_the_database_down_healthz_is_alive_and_readyz_names_the_database(tmp_path, database_url):
    media = tmp_path / "media"
    media.mkdir()
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "zhicheng.settings", "DEBUG": "1",
                   "DATABASE_URL": database_url, "MEDIA_ROOT": str(media)}

    run = subprocess.run([sys.executable, "-c", PROBE], env=environment, cwd=django_settings.BASE_DIR,
                         capture_output=True, text=True, timeout=120)

    answers = {line.split(" ", 2)[0]: line.split(" ", 2)[1:] for line in run.stdout.splitlines()}
    assert answers["/healthz"] == ["200", "ok"], run.stderr
    status, body = answers["/readyz"]
    assert status == "503", run.stderr
    assert json.loads(body) == {"status": "unavailable", "database": "failed", "cache": "ok", "storage": "ok"}


def test_a_kept_database_connection_is_checked_before_a_request_reuses_it():
    assert connection.settings_dict["CONN_MAX_AGE"] > 0  # connections are kept between requests
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
