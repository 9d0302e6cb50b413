"""Writing notices: one per event (a keyed one at most once, however many runs at once), an SMS through the task
queue when the person keeps that family's SMS on; the flow's steps become notices (notices.events)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.sms import notice_send

from .models import Family, Notice, Preference


def sms_wanted(user, family: str) -> bool:
    return not Preference.objects.filter(user=user, family=family, sms=False).exists()


def notify(*, user, family: str, text: str, url: str = "", key: str | None = None, sms: bool = True) -> Notice | None:
    """The notice for `user`; with `key`, only if none has it yet (None otherwise). The SMS is delivered by a task
    once the caller's transaction commits, retried when the gateway fails; the notice stands whatever it does."""
    try:
        with transaction.atomic():
            notice = Notice.objects.create(user=user, family=family, text=text[:500], url=url, key=key or None)
    except IntegrityError:
        if key and Notice.objects.filter(key=key).exists():
            return None
        raise
    if sms and getattr(user, "phone", "") and sms_wanted(user, family):
        notice_send(user.phone, f"【职称评审】{text}")
    return notice


def notices_read(*, user, pks=None) -> int:
    """Mark the user's notices read (all of them, or those of `pks`)."""
    mine = Notice.objects.filter(user=user, read_at__isnull=True)
    if pks is not None:
        mine = mine.filter(pk__in=pks)
    return mine.update(read_at=timezone.now())


def preferences_set(*, user, sms_on: set[str]) -> None:
    for family in Family.values:
        Preference.objects.update_or_create(user=user, family=family, defaults={"sms": family in sms_on})
