"""Helpers for tests that race threads against the database."""

import time

from django.db import OperationalError, connection


def waiting_for_the_lock(call, *, attempts: int = 2000):
    """Call, waiting while another connection holds the write lock, as the production database does.

    PostgreSQL makes the second transaction wait on the row lock (select_for_update) or on a unique index.
    Production SQLite is a file in WAL mode with IMMEDIATE transactions and a busy timeout, so a second writer
    waits at BEGIN; the test runner's in-memory database, shared between threads through SQLite's shared cache,
    reports "database table is locked" at once instead. Retrying the whole (rolled back) call reproduces the
    wait. Nothing else is retried."""
    for _ in range(attempts):
        try:
            return call()
        except OperationalError as exc:
            if connection.vendor != "sqlite" or "locked" not in str(exc):
                raise
            connection.close()
            time.sleep(0.002)
    raise AssertionError("the write lock was never released")
