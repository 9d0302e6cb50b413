"""The audit log for accounts and every app above: core.audit.record with the acting user's role label."""

from core.audit import record

from .roles import roles_of


def role_label(user) -> str:
    if user is None or not getattr(user, "pk", None):
        return ""
    return ",".join(sorted({a.get_role_display() for a in roles_of(user)}))


def audit(*, event: str, user=None, username: str = "", ip: str | None = None, obj: str = "", outcome="success",
          role: str | None = None):
    """Record `event` by `user` (their roles as the label unless `role` names the one they acted in)."""
    return record(event, user=user if user is not None and getattr(user, "pk", None) else None,
                  username=username, role=role_label(user) if role is None else role, ip=ip, object=obj,
                  outcome=outcome)
