"""Backups that restore (docs/backup.md): the PostgreSQL database as a pg_dump archive in custom format, and every
stored file (every FileField's name in every row, whatever the app) copied beside it with a manifest of sizes and
SHA-256 checksums; `manage.py restore` puts both back into an empty database and an empty storage and checks them.

A backup folder holds:

    manifest.json    when, the dump's checksum, each table's row count, each file's name, size and sha256
    database.dump    pg_dump --format=custom (pg_restore reads it; restore one table with pg_restore -t)
    media/<name>     a copy of each stored file under its stored name (absent with --manifest-only, for an S3
                     bucket kept with versioning: the manifest then says which objects the dump refers to)

The dump is taken first, then the files are listed from the same database: a file stored after the dump started
is not in the manifest, and no row of the dump lacks its file unless the storage had already lost it (reported).
"""

import hashlib
import json
import os
import subprocess  # noqa: S404 - pg_dump and pg_restore, with arguments from the settings only
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import connection
from django.db.models import FileField
from django.utils import timezone

MANIFEST = "manifest.json"
DUMP = "database.dump"
MEDIA = "media"
FORMAT_VERSION = 1
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or a restore that cannot go on; str() says why."""


def _database():
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        raise BackupError("backup and restore need PostgreSQL (DATABASE_URL=postgres://…); SQLite is copied as a file.")
    return db


def _pg_environment() -> dict:
    """libpq's environment for pg_dump / pg_restore: the password never appears on a command line."""
    db = _database()
    environment = {**os.environ, "PGDATABASE": db["NAME"], "PGHOST": db.get("HOST") or "",
                   "PGPORT": str(db.get("PORT") or ""), "PGUSER": db.get("USER") or ""}
    if db.get("PASSWORD"):
        environment["PGPASSWORD"] = db["PASSWORD"]
    return {key: value for key, value in environment.items() if value != ""}


def _run(command: list[str]) -> None:
    run = subprocess.run(command, env=_pg_environment(), capture_output=True, text=True, check=False)  # noqa: S603
    if run.returncode != 0:
        raise BackupError(f"{command[0]} failed ({run.returncode}): {run.stderr.strip()[-2000:]}")


def sha256_of(handle) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(CHUNK), b""):
        digest.update(chunk)
    return digest.hexdigest()


def file_fields() -> list[tuple[type, str]]:
    """(model, field name) of every FileField (ImageField included) of every installed model."""
    return [(model, f.name) for model in apps.get_models() for f in model._meta.get_fields()
            if isinstance(f, FileField) and not f.many_to_many and f.concrete]


def stored_names() -> list[str]:
    """Every stored file name the database refers to, sorted, each once."""
    names = set()
    for model, name in file_fields():
        names.update(model._default_manager.exclude(**{name: ""}).exclude(**{f"{name}__isnull": True})
                     .values_list(name, flat=True).iterator())
    return sorted(names)


def row_counts() -> dict[str, int]:
    """Rows in every table of the database (Django's and any other), by table name."""
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - introspected
            counts[table] = cursor.fetchone()[0]
    return counts


@dataclass
class Report:
    files: int = 0
    bytes: int = 0
    missing: list[str] = field(default_factory=list)


def backup(target: Path, *, copy_media: bool = True) -> Report:
    """Write a backup into `target` (a new or empty folder)."""
    _database()
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty: a backup goes into a new folder.")
    target.mkdir(parents=True, exist_ok=True)
    started = timezone.now()
    _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(target / DUMP)])
    with open(target / DUMP, "rb") as fh:
        dump_sha = sha256_of(fh)
    report, files = Report(), []
    for name in stored_names():
        try:
            with default_storage.open(name, "rb") as source:
                if copy_media:
                    destination = target / MEDIA / name
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    digest = hashlib.sha256()
                    with open(destination, "wb") as out:
                        for chunk in iter(lambda s=source: s.read(CHUNK), b""):
                            digest.update(chunk)
                            out.write(chunk)
                    checksum, size = digest.hexdigest(), destination.stat().st_size
                else:
                    checksum, size = sha256_of(source), default_storage.size(name)
        except FileNotFoundError:
            report.missing.append(name)
            continue
        files.append({"name": name, "size": size, "sha256": checksum})
        report.files += 1
        report.bytes += size
    manifest = {"format": FORMAT_VERSION, "started_at": started.isoformat(), "finished_at": timezone.now().isoformat(),
                "database": {"file": DUMP, "sha256": dump_sha, "name": settings.DATABASES["default"]["NAME"]},
                "row_counts": row_counts(), "media_copied": copy_media, "files": files, "missing": report.missing}
    (target / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return report


def read_manifest(source: Path) -> dict:
    try:
        manifest = json.loads((Path(source) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BackupError(f"no readable {MANIFEST} in {source}: {error}") from None
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"{source}: unknown backup format {manifest.get('format')!r}")
    return manifest


def restore(source: Path) -> Report:
    """Restore the backup in `source` into the configured database, which must hold no table, and the storage,
    which must not hold a file of a different content under a name the backup restores. Checks the dump's and
    every file's checksum before writing, and the row counts after."""
    source = Path(source)
    manifest = read_manifest(source)
    _database()
    with open(source / manifest["database"]["file"], "rb") as fh:
        if sha256_of(fh) != manifest["database"]["sha256"]:
            raise BackupError("the database dump does not match its checksum in the manifest: not restored.")
    if manifest["media_copied"]:
        for item in manifest["files"]:
            with open(source / MEDIA / item["name"], "rb") as fh:
                if sha256_of(fh) != item["sha256"]:
                    raise BackupError(f"the copy of {item['name']} does not match its checksum: not restored.")
    with connection.cursor() as cursor:
        existing = connection.introspection.table_names(cursor)
    if existing:
        raise BackupError(f"the database {settings.DATABASES['default']['NAME']} is not empty ({len(existing)} "
                          "tables): restore goes into an empty database (createdb, then restore).")
    connection.close()  # pg_restore creates the tables; this process reads them afresh afterwards
    _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
          "--dbname", settings.DATABASES["default"]["NAME"], str(source / manifest["database"]["file"])])
    report = Report()
    for item in manifest["files"]:
        name = item["name"]
        if not manifest["media_copied"]:
            if not default_storage.exists(name):
                report.missing.append(name)
            continue
        if default_storage.exists(name):
            with default_storage.open(name, "rb") as fh:
                if sha256_of(fh) != item["sha256"]:
                    raise BackupError(f"the storage holds another file under {name}: remove it, then restore again.")
        else:
            with open(source / MEDIA / name, "rb") as fh:
                stored = default_storage.save(name, File(fh, name=name))
            if stored != name:
                raise BackupError(f"the storage renamed {name} to {stored}; restore into an empty storage.")
        report.files += 1
        report.bytes += item["size"]
    counts = row_counts()
    differing = {table: (count, counts.get(table)) for table, count in manifest["row_counts"].items()
                 if counts.get(table) != count}
    if differing:
        raise BackupError(f"row counts differ after the restore (expected, found): {differing}")
    return report

