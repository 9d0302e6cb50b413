"""manage.py backup and manage.py restore on PostgreSQL (whatever database the suite runs on): the demo is backed
up, wiped (its database dropped and its media folder emptied), restored into an empty database, and then holds
the same rows in every table, the same files with the same checksums, and its people sign in. A restore refuses
a database that is not empty and a backup whose copy of a file has changed."""

import hashlib
import json
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

SERVER = "postgres://postgres@127.0.0.1:5432"
# Signs a demo applicant in on a fresh process, as a browser would (the captcha is off: CAPTCHA_DISABLED=1).
SIGN_IN = """
import django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
client = Client()
response = client.post("/accounts/login/", {"username": "350102199005120124", "password": "Demo2026"})
print(response.status_code, response.get("Location", ""), client.get("/dossier/").status_code)
"""


def _admin(sql: str) -> None:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def _counts(name: str) -> dict[str, int]:
    with psycopg.connect(f"{SERVER}/{name}") as conn:
        tables = [row[0] for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
        return {table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}  # noqa: S608


def _checksums(folder: Path) -> dict[str, str]:
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def _environment(name: str, media: Path) -> dict:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "zhicheng.settings", "DEBUG": "1",
                   "CAPTCHA_DISABLED": "1", "DATABASE_URL": f"{SERVER}/{name}", "MEDIA_ROOT": str(media),
                   "FILE_STORAGE": "django.core.files.storage.FileSystemStorage"}
    environment.pop("CACHE_URL", None)
    return environment


def _manage(environment: dict, *args, check=True):
    run = subprocess.run([sys.executable, "manage.py", *args], env=environment, cwd=settings.BASE_DIR,
                         capture_output=True, text=True, timeout=600)
    assert not check or run.returncode == 0, run.stderr[-3000:]
    return run


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """The demo, loaded once into a template database and a media folder that each test copies."""
    name, media = f"zc_prod_backup_tpl_{secrets.token_hex(4)}", tmp_path_factory.mktemp("template") / "media"
    media.mkdir()
    _admin(f"CREATE DATABASE {name}")
    environment = _environment(name, media)
    _manage(environment, "migrate", "--no-input", "-v0")
    _manage(environment, "seed_demo")
    yield name, media
    _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def demo(seeded, tmp_path):
    """A fresh PostgreSQL database holding the demo, its media in a folder of its own; dropped afterwards."""
    template, template_media = seeded
    name, media = f"zc_prod_backup_{secrets.token_hex(4)}", tmp_path / "media"
    _admin(f"CREATE DATABASE {name} TEMPLATE {template}")
    shutil.copytree(template_media, media)
    environment = _environment(name, media)

    def manage(*args, check=True):
        return _manage(environment, *args, check=check)

    def sign_in():
        run = subprocess.run([sys.executable, "-c", SIGN_IN], env=environment, cwd=settings.BASE_DIR,
                             capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stderr[-3000:]
        return run.stdout.split()

    yield name, media, manage, sign_in
    _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_the_demo_backed_up_wiped_and_restored_is_the_same(demo, tmp_path):
    name, media, manage, sign_in = demo
    rows, files = _counts(name), _checksums(media)
    assert rows["dossier_record"] > 0 and rows["accounts_user"] > 10 and len(files) > 5
    backup = tmp_path / "backup"

    done = manage("backup", "--output", str(backup))

    manifest = json.loads((backup / "manifest.json").read_text(encoding="utf-8"))
    assert f"{len(files)} files" in done.stdout
    assert {item["name"]: item["sha256"] for item in manifest["files"]} == files
    assert manifest["row_counts"] == rows and manifest["missing"] == []
    _admin(f"DROP DATABASE {name} WITH (FORCE)")
    _admin(f"CREATE DATABASE {name}")
    shutil.rmtree(media)
    media.mkdir()
    assert _counts(name) == {}

    restored = manage("restore", str(backup))

    assert "row counts as in the manifest" in restored.stdout
    assert _counts(name) == rows
    assert _checksums(media) == files
    assert sign_in() == ["302", "/", "200"]


def test_restore_refuses_a_database_that_is_not_empty_and_a_changed_file(demo, tmp_path):
    name, media, manage, _ = demo
    backup = tmp_path / "backup"
    manage("backup", "--output", str(backup))
    rows = _counts(name)

    refused = manage("restore", str(backup), check=False)

    assert refused.returncode != 0 and "is not empty" in refused.stderr
    assert _counts(name) == rows
    _admin(f"DROP DATABASE {name} WITH (FORCE)")
    _admin(f"CREATE DATABASE {name}")
    copy = next(path for path in (backup / "media").rglob("*") if path.is_file())
    copy.write_bytes(copy.read_bytes() + b"tampered")

    refused = manage("restore", str(backup), check=False)

    assert refused.returncode != 0 and "does not match its checksum" in refused.stderr
    assert _counts(name) == {}  # nothing restored


def test_backup_refuses_sqlite(tmp_path):
    environment = {**os.environ, "DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    run = subprocess.run([sys.executable, "manage.py", "backup", "--output", str(tmp_path / "b")], env=environment,
                         cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=120)

    assert run.returncode != 0 and "need PostgreSQL" in run.stderr
