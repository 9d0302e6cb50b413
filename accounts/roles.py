"""Role assignments in scopes. Every permission derives from these rows (see accounts/rules.py)."""

from core.audit import record

from .models import Role, RoleAssignment

_CACHE = "_role_assignments"


def roles_of(user) -> list[RoleAssignment]:
    """The user's role assignments, loaded once per request (cached on the user object). Every page reads them
    for the navigation; only the rare page that shows an assignment's unit or region loads it (one row)."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, _CACHE, None)
    if cached is None:
        cached = list(RoleAssignment.objects.filter(user_id=user.pk))
        setattr(user, _CACHE, cached)
    return cached


def forget_roles(user) -> None:
    if hasattr(user, _CACHE):
        delattr(user, _CACHE)


def role_names(user) -> set[str]:
    names = {a.role for a in roles_of(user)}
    if getattr(user, "is_authenticated", False) and user.kind == user.Kind.PERSON:
        names.add(Role.APPLICANT)
    if getattr(user, "is_superuser", False):
        names.add(Role.SYSTEM_ADMIN)
    return names


# The roles that make an account staff (密码有效期, 长期未使用停用): everyone but applicants and experts.
STAFF_ROLES = frozenset({Role.UNIT_ADMIN, Role.DEPARTMENT_REVIEWER, Role.BUREAU_STAFF, Role.COMMITTEE_STAFF,
                         Role.SYSTEM_ADMIN})


def is_staff_account(user) -> bool:
    return bool(getattr(user, "is_staff", False) or role_names(user) & STAFF_ROLES)


def is_system_admin_only(user) -> bool:
    """The system administrator in the sense of separation of duties: a superuser, or an account whose only staff
    role is 系统管理员. They administer the platform, never decide a review nor read personal numbers."""
    if getattr(user, "is_superuser", False):
        return True
    names = role_names(user)
    return Role.SYSTEM_ADMIN in names and not names - {Role.SYSTEM_ADMIN, Role.APPLICANT}


def admin_unit_ids(user) -> set[int]:
    """Units this user administers."""
    return {a.unit_id for a in roles_of(user) if a.role == Role.UNIT_ADMIN and a.unit_id}


def scoped_region_codes(user, role: str) -> set[str]:
    return {a.region_id for a in roles_of(user) if a.role == role and a.region_id}


def role_label(user) -> str:
    """What the audit log records as the role of `user`: the labels of every role they hold."""
    if user is None or not getattr(user, "pk", None):
        return ""
    return ",".join(sorted({a.get_role_display() for a in roles_of(user)}))


def role_grant(*, user, role: str, unit=None, region=None, actor=None) -> RoleAssignment:
    """Grant `role` in its scope (audited when new: by `actor`, or the person themselves when they registered)."""
    assignment, created = RoleAssignment.objects.get_or_create(user=user, role=role, unit=unit, region=region)
    forget_roles(user)
    if created:
        by = actor if actor is not None else user
        record("role_granted", user=by, role=role_label(by), object=f"user:{user.pk} {assignment}"[:200])
    return assignment
