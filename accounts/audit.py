"""The audit log for accounts and every app above: core.audit.record with the acting user's role label."""

from core.audit import record

from .roles import role_label

__all__ = ["audit", "personal_numbers_viewed", "role_label"]


def personal_numbers_viewed(request, obj: str) -> None:
    """A detail page showed someone else's full ID number (or phone) to the reader, whose role needs it."""
    audit(event="id_number_viewed", user=request.user, obj=obj)


def audit(*, event: str, user=None, username: str = "", ip: str | None = None, obj: str = "", outcome="success",
          role: str | None = None):
    """Record `event` by `user` (their roles as the label unless `role` names the one they acted in)."""
    return record(event, user=user if user is not None and getattr(user, "pk", None) else None,
                  username=username, role=role_label(user) if role is None else role, ip=ip, object=obj,
                  outcome=outcome)
