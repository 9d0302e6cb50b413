"""Reads for units and regions. Unit data shown here is public directory data (name, region); what is a unit's
own (its post quotas) is checked against the acting user's permissions, which accounts/rules.py declares."""

from django.db.models import Q, QuerySet
from django.http import Http404

from .models import PostQuota, Region, Unit


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


def quotas_for(user, unit: Unit) -> QuerySet[PostQuota]:
    """A unit's post quotas, newest year first (for its admin: the caller found `unit` with the user's scope)."""
    return PostQuota.objects.filter(unit=unit).order_by("-year")


def quota_get_for(user, pk: int) -> PostQuota:
    """A post quota of a unit the user administers (`orgs.administer_unit`, accounts/rules.py); 404 otherwise."""
    quota = PostQuota.objects.filter(pk=pk).select_related("unit").first()
    if quota is None or not user.has_perm("orgs.administer_unit", quota.unit):
        raise Http404
    return quota
