"""Writes for units and regions. A write for a unit's admin checks `actor.has_perm("orgs.administer_unit", unit)`:
orgs knows nothing of people or roles, accounts/rules.py declares who holds that permission."""

import secrets

from django.db import transaction
from django.utils import timezone

from core.files import FileStore

from .models import Announcement, PostQuota, Region, Unit
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


class QuotaError(Exception):
    """A refused quota operation, with a Chinese message."""


LEVEL_KEYS = [key for key, _ in PostQuota.LEVELS]


def unit_info_update(*, actor, unit: Unit, fields: dict) -> Unit:
    """A unit admin completes the unit's basic and detailed information (完善单位信息)."""
    if not actor.has_perm("orgs.administer_unit", unit):
        raise PermissionError
    for name, value in fields.items():
        setattr(unit, name, value)
    unit.full_clean()
    unit.save()
    return unit


@transaction.atomic
def post_quota_save(*, actor, unit: Unit, year: int, vacancies: dict, attachment=None, quota=None):
    """Create or edit a public institution's 岗位核准信息 for a year; refused once confirmed. StorageError
    (core.files) when the storage refuses the attachment: nothing is saved."""
    if not actor.has_perm("orgs.administer_unit", unit):
        raise PermissionError
    if not unit.is_public_institution:
        raise QuotaError("只有事业单位需要填写岗位核准信息。")
    if quota is None:
        if PostQuota.objects.filter(unit=unit, year=year).exists():
            raise QuotaError(f"{year}年度的岗位核准信息已存在。")
        quota = PostQuota(unit=unit, year=year)
    else:
        quota = PostQuota.objects.select_for_update().get(pk=quota.pk, unit=unit)
        if quota.confirmed:
            raise QuotaError("岗位核准信息确认后不能修改。")
        if year != quota.year:
            # The form offers the year as editable: take it, unless that year already has its own quota.
            if PostQuota.objects.filter(unit=unit, year=year).exists():
                raise QuotaError(f"{year}年度的岗位核准信息已存在。")
            quota.year = year
    for key in LEVEL_KEYS:
        setattr(quota, key, vacancies.get(key))
    with FileStore() as store:
        if attachment is not None:
            quota.attachment_name = attachment.name[:200]
            store.save(quota.attachment, secrets.token_hex(16), attachment)
        quota.save()
    return quota


@transaction.atomic
def post_quota_confirm(*, actor, quota):
    """确认: the quota becomes immutable. An approved-quota attachment is required."""
    quota = PostQuota.objects.select_for_update().get(pk=quota.pk)
    if not actor.has_perm("orgs.administer_unit", quota.unit):
        raise PermissionError
    if quota.confirmed:
        raise QuotaError("岗位核准信息已确认。")
    if not quota.attachment:
        raise QuotaError("请先上传岗位核准文件再确认。")
    quota.confirmed_at = timezone.now()
    quota.save(update_fields=["confirmed_at"])
    return quota


@transaction.atomic
def post_quota_take(*, unit: Unit, year: int, level: str):
    """Take one vacancy of `level` from the unit's confirmed quota of `year` for a recommendation.

    For the application issue: call inside the transaction that records the recommendation. Raises QuotaError
    when there is no confirmed quota or no vacancy left; 不限 (None) never runs out. Row-locked, so two clerks
    racing for the last vacancy cannot both get it."""
    if level not in LEVEL_KEYS:
        raise ValueError(level)
    quota = PostQuota.objects.select_for_update().filter(unit=unit, year=year).first()
    if quota is None or not quota.confirmed:
        raise QuotaError(f"单位{year}年度的岗位核准信息尚未确认，不能推荐。")
    limit = getattr(quota, level)
    taken = getattr(quota, f"{level}_taken")
    if limit is not None and taken >= limit:
        label = dict(PostQuota.LEVELS)[level]
        raise QuotaError(f"{label}岗位空缺已用完（核准{limit}个，已推荐{taken}人），不能再推荐。")
    setattr(quota, f"{level}_taken", taken + 1)
    quota.save(update_fields=[f"{level}_taken"])
    return quota


def announcement_publish(*, actor, title: str, body: str, publisher: Unit):
    """HR-bureau staff publish title news (checked by the view's `orgs.publish_announcement` permission)."""
    return Announcement.objects.create(title=title, body=body, publisher=publisher)
