"""Writing the authentication audit log (append-only, UTC timestamps)."""

from .models import AuthEvent
from .roles import roles_of


def role_label(user) -> str:
    if user is None or not getattr(user, "pk", None):
        return ""
    return ",".join(sorted({a.get_role_display() for a in roles_of(user)}))


def audit(*, event: str, user=None, username: str = "", ip: str | None = None, obj: str = "", outcome="success"):
    AuthEvent.objects.create(
        event=event,
        user=user if user is not None and getattr(user, "pk", None) else None,
        username=username or (getattr(user, "username", "") if user is not None else ""),
        role=role_label(user),
        ip=ip or None,
        object=obj[:200],
        outcome=outcome,
    )
