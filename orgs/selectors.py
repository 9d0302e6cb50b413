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
