"""Writes for units and regions. Callers check permissions (see accounts.rules) before calling."""

from django.db import transaction

from .models import Region, Unit
from .regions import iter_divisions


@transaction.atomic
def regions_load(*, provinces: set[str] | None = None) -> tuple[int, int]:
    """Insert the current GB/T 2260 divisions that are missing; idempotent. Returns (created, total)."""
    existing = set(Region.objects.values_list("code", flat=True))
    new = [
        Region(code=code, name=name, level=level, parent_id=parent)
        for code, name, level, parent in iter_divisions(provinces)
        if code not in existing
    ]
    Region.objects.bulk_create(new, batch_size=500)
    return len(new), Region.objects.count()


def unit_create(*, kind: str = Unit.Kind.UNIT, **fields) -> Unit:
    """Create a unit from validated fields (registration form or HR-bureau built-in account)."""
    unit = Unit(kind=kind, **fields)
    unit.full_clean()
    unit.save()
    return unit
