"""The audit chain under concurrent writers, and the application's database role that may only read and append
(PostgreSQL; SQLite has no roles, and audit_grants says so)."""

import threading
import uuid

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from core.audit import record, verify
from core.models import AuditEvent
from tests.concurrency import waiting_for_the_lock

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 6
ROWS_EACH = 20


def test_concurrent_writers_never_fork_the_chain():
    barrier = threading.Barrier(THREADS)
    errors = []

    def write(n):
        try:
            barrier.wait(timeout=10)
            for i in range(ROWS_EACH):
                waiting_for_the_lock(lambda i=i: record("download", username=f"writer{n}", object=f"/file/{i}/"))
        except Exception as exc:  # noqa: BLE001 - the test inspects what went wrong
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    rows = list(AuditEvent.objects.order_by("pk").values_list("prev_hash", "hash"))
    assert len(rows) == THREADS * ROWS_EACH
    assert len({prev for prev, _ in rows}) == len(rows)  # no two rows follow the same row: no fork
    assert all(rows[i][0] == rows[i - 1][1] for i in range(1, len(rows)))
    assert verify() is None


def app_grants_sql(role: str) -> list[str]:
    """What a deployment gives the application's role before audit_grants: everything on its tables."""
    return [f'CREATE ROLE "{role}" LOGIN PASSWORD \'{role}\'',
            f'GRANT ALL ON ALL TABLES IN SCHEMA public TO "{role}"',
            f'GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO "{role}"']


def test_the_application_role_may_append_but_never_change_or_remove_audit_rows():
    row = record("login", username="someone")
    if connection.vendor != "postgresql":
        with pytest.raises(CommandError, match="PostgreSQL only"):
            call_command("audit_grants", "zhicheng_app")
        return
    role = f"zc_audit_{uuid.uuid4().hex[:10]}"
    assert AuditEvent._meta.db_table == "core_auditevent"
    with connection.cursor() as cursor:
        for statement in app_grants_sql(role):
            cursor.execute(statement)
    try:
        call_command("audit_grants", role)
        params = connection.get_connection_params()
        params.update(user=role, password=role)
        params.pop("cursor_factory", None)
        params.pop("prepare_threshold", None)
        with psycopg.connect(**{k: v for k, v in params.items() if k in {
                "dbname", "user", "password", "host", "port"}}, autocommit=True) as app:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                app.execute("UPDATE core_auditevent SET outcome = 'failure' WHERE id = %s", [row.pk])
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                app.execute("DELETE FROM core_auditevent WHERE id = %s", [row.pk])
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                app.execute("TRUNCATE core_auditevent")
            app.execute("INSERT INTO core_auditevent (at, username, role, event, object, outcome, prev_hash, hash) "
                        "VALUES (now(), 'app', '', 'login', '', 'success', %s, %s)", [row.hash, "f" * 64])
            assert app.execute("SELECT count(*) FROM core_auditevent").fetchone()[0] == 2
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP OWNED BY "{role}"')
            cursor.execute(f'DROP ROLE "{role}"')
    assert AuditEvent.objects.get(pk=row.pk).outcome == "success"
