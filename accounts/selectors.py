"""Reads for accounts, always scoped by the acting user."""

from django.db.models import Q, QuerySet
from django.http import Http404

from core.fields import blind_match
from core.models import AuditEvent
from orgs.models import Unit

from .models import User
from .roles import admin_unit_ids


def staff_registrations_for(user: User, *, term: str = "", status: str = "") -> QuerySet[User]:
    """Persons who registered with a unit this user administers (人员注册审核); newest first."""
    units = admin_unit_ids(user)
    qs = User.objects.filter(kind=User.Kind.PERSON, unit_id__in=units)
    term = (term or "").strip()
    if term:
        upper = term.upper()
        qs = qs.filter(Q(name__icontains=term) | blind_match("id_number", upper))
    if status:
        qs = qs.filter(registration=status)
    return qs.select_related("unit").order_by("-date_joined", "-pk")


def staff_registration_get_for(user: User, pk: int) -> User:
    """One staff registration the user may review; 404 otherwise (no hint that it exists)."""
    try:
        return staff_registrations_for(user).get(pk=pk)
    except User.DoesNotExist:
        raise Http404 from None


def audit_events_for(user: User, *, before: int | None = None, event: str = "") -> QuerySet[AuditEvent]:
    """The audit log, newest first, for those who may read it; keyset pages: the rows written before row `before`."""
    if not user.has_perm("accounts.view_audit_log"):
        return AuditEvent.objects.none()
    qs = AuditEvent.objects.order_by("-pk")
    if before:
        qs = qs.filter(pk__lt=before)
    if event:
        qs = qs.filter(event=event)
    return qs


def admin_unit_for(user: User, unit_id: int | None = None) -> Unit:
    """The unit whose settings a unit admin is working on: the one asked for, or their first; 404 otherwise."""
    ids = sorted(admin_unit_ids(user))
    if not ids or (unit_id is not None and unit_id not in ids):
        raise Http404
    return Unit.objects.select_related("region").get(pk=unit_id if unit_id is not None else ids[0])
