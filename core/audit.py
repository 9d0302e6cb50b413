"""The audit log's one writer and its checks (core.models.AuditEvent).

`record(event, user=…, role=…, ip=…, object=…, outcome=…)` appends one row to the SHA-256 chain. Writers at once
never fork the chain: on PostgreSQL each takes a transaction-scoped advisory lock before reading the head, on
SQLite the write lock serialises them. The row joins the caller's transaction: an action rolled back leaves no
audit row, and the lock is held until the caller commits, so call it last in a transaction.

The IP defaults to the current request's (set by accounts.middleware.AuditContextMiddleware); the role is a label
the caller passes (accounts.audit.role_label computes one for a user).
"""

import contextvars
import dataclasses
import datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .models import AUDIT_EVENTS as EVENTS
from .models import AUDIT_GENESIS, AuditEvent

__all__ = ["EVENTS", "record", "verify", "purge"]

# The PostgreSQL advisory lock key of the chain's head ("audit" in ASCII).
CHAIN_LOCK = 0x6175646974

MIN_RETENTION_DAYS = 184

_request_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("audit_request_ip", default=None)


def set_request_ip(ip: str | None) -> contextvars.Token:
    return _request_ip.set(ip or None)


def reset_request_ip(token: contextvars.Token) -> None:
    _request_ip.reset(token)


def _lock_head() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])


def _head_hash() -> str:
    last = AuditEvent.objects.order_by("-pk").values_list("hash", flat=True).first()
    return last or AUDIT_GENESIS


def record(event: str, *, user=None, username: str = "", role: str = "", ip: str | None = None, object: str = "",  # noqa: A002
           outcome: str = "success", at: datetime.datetime | None = None) -> AuditEvent:
    """Append one audit row. `object` names what was acted on ("decision:12", "evidence:7", a path)."""
    user_id = getattr(user, "pk", None) if user is not None else None
    row = AuditEvent(
        user_id=user_id,
        username=(username or (getattr(user, "username", "") if user is not None else ""))[:64],
        role=(role or "")[:64], ip=ip or _request_ip.get(), event=event[:32], object=(object or "")[:1000],
        outcome=(outcome or "")[:16],
    )
    with transaction.atomic():
        _lock_head()
        row.prev_hash = _head_hash()
        row.at = at or timezone.now()
        row.hash = row.computed_hash()
        row.save()
    return row


@dataclasses.dataclass(frozen=True)
class Break:
    pk: int
    problem: str

    def __str__(self):
        return f"audit row {self.pk}: {self.problem}"


def _anchored_by_purge(anchor: str) -> bool:
    return AuditEvent.objects.filter(event="audit_purged", object__endswith=f"anchor:{anchor}").exists()


def verify(*, chunk: int = 2000) -> Break | None:
    """The first row that breaks the chain, None when the chain holds. A row whose stored hash differs from its
    fields' hash was altered; a row whose previous hash is not the hash of the row before it follows a deleted
    (or altered) row. The first remaining row may follow rows purged by audit_purge, which recorded its anchor."""
    previous = None
    last_pk = 0
    while True:
        rows = list(AuditEvent.objects.filter(pk__gt=last_pk).order_by("pk")[:chunk])
        if not rows:
            return None
        for row in rows:
            if row.computed_hash() != row.hash:
                return Break(row.pk, "its fields do not match its hash (altered)")
            if previous is None:
                if row.prev_hash != AUDIT_GENESIS and not _anchored_by_purge(row.prev_hash):
                    return Break(row.pk, "the rows before it were deleted (no purge recorded)")
            elif row.prev_hash != previous.hash:
                return Break(row.pk, f"the row before it (after row {previous.pk}) was deleted or altered")
            previous = row
        last_pk = rows[-1].pk


def retention_days() -> int:
    days = getattr(settings, "AUDIT_RETENTION_DAYS", MIN_RETENTION_DAYS)
    if days < MIN_RETENTION_DAYS:
        raise ValueError(f"AUDIT_RETENTION_DAYS must be at least {MIN_RETENTION_DAYS} (is {days})")
    return days


def purge(*, now: datetime.datetime | None = None) -> int:
    """Delete the rows older than the retention period (run by the database owner role: the application's role
    may not DELETE), then record the purge with the first remaining row's anchor so that verification holds.
    Returns the number of rows deleted."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=retention_days())
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with transaction.atomic():
        _lock_head()
        kept = AuditEvent.objects.filter(at__gte=cutoff).order_by("pk").first()
        doomed = AuditEvent.objects.filter(at__lt=cutoff)
        if kept is not None:
            doomed = doomed.filter(pk__lt=kept.pk)
        last = doomed.order_by("-pk").values_list("pk", flat=True).first()
        if last is None:
            return 0
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE id <= %s", [last])  # noqa: S608 (the model's own table)
            deleted = cursor.rowcount
        anchor = kept.prev_hash if kept is not None else _head_hash()
        record("audit_purged", username="system", object=f"through:{last} anchor:{anchor}",
               outcome=str(deleted))
    return deleted


def grants_sql(role: str) -> list[str]:
    """The statements that leave `role` (the application's) able to read and append the audit log, never to
    change or remove a row."""
    quote = connection.ops.quote_name
    table = quote(AuditEvent._meta.db_table)
    sequence = quote(f"{AuditEvent._meta.db_table}_id_seq")
    who = quote(role)
    return [
        f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {table} FROM {who}",
        f"GRANT SELECT, INSERT ON {table} TO {who}",
        f"GRANT USAGE, SELECT ON SEQUENCE {sequence} TO {who}",
    ]
