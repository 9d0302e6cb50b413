"""Reads for units and regions. Unit data shown here is public directory data (name, region)."""

from django.db.models import Q, QuerySet

from .models import Region, Unit


def units_search(*, term: str, kind: str = Unit.Kind.UNIT, limit: int = 20) -> QuerySet[Unit]:
    """Fuzzy search of units by name (every typed character must appear, in order) or credit code."""
    term = (term or "").strip()
    if not term:
        return Unit.objects.none()
    pattern = Q()
    for part in term.split():
        pattern &= Q(name__icontains=part) | Q(credit_code__iexact=part)
    return (
        Unit.objects.filter(pattern, kind=kind)
        .select_related("region")
        .only("id", "name", "region__code", "region__name")
        .order_by("name")[:limit]
    )


def region_children(*, parent_code: str | None) -> QuerySet[Region]:
    if parent_code:
        return Region.objects.filter(parent_id=parent_code).order_by("code")
    return Region.objects.filter(level=Region.Level.PROVINCE).order_by("code")


def admin_unit_for(user, unit_id: int | None = None) -> Unit:
    """The unit whose settings a unit admin is working on: the one asked for, or their first; 404 otherwise."""
    from django.http import Http404

    from accounts.roles import admin_unit_ids

    ids = sorted(admin_unit_ids(user))
    if not ids or (unit_id is not None and unit_id not in ids):
        raise Http404
    return Unit.objects.select_related("region").get(pk=unit_id if unit_id is not None else ids[0])


def quotas_for(user, unit: Unit):
    from .models import PostQuota

    return PostQuota.objects.filter(unit=unit).order_by("-year")


def quota_get_for(user, pk: int):
    """A post quota of a unit the user administers; 404 otherwise."""
    from django.http import Http404

    from accounts.roles import admin_unit_ids

    from .models import PostQuota

    quota = PostQuota.objects.filter(pk=pk, unit_id__in=admin_unit_ids(user)).select_related("unit").first()
    if quota is None:
        raise Http404
    return quota


def department_units_for(user) -> QuerySet[Unit]:
    """Units under the competent departments the user reviews for (read-only statistics)."""
    from accounts.models import Role
    from accounts.roles import roles_of

    departments = [a.unit_id for a in roles_of(user) if a.role == Role.DEPARTMENT_REVIEWER and a.unit_id]
    return Unit.objects.filter(department_id__in=departments).order_by("name")
