"""One-time SMS codes and their pluggable delivery.

Codes are 6 digits from `secrets`, valid 3 minutes, single use, bound to phone and purpose, at most 5 wrong
tries; a phone gets at most one code per 60 s and 10 a day. Only an HMAC of the code is stored, and the code
appears in no response and no log: the delivery backend is the only place that sees it.

A request for a code is first counted by sms_send_permit (after the image captcha: the caller's form checks it),
whatever the phone, so that its refusals say nothing about whether the phone has an account.

Delivery goes through the task queue, never inside the request: the code (or notice) is stored in the request
and a task, enqueued once that commits, hands it to the gateway. A gateway that fails is tried again a few times
with growing pauses (RETRY_DELAYS), every failure logged; the person's request never sees it.
"""

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from core.masking import mask_phone
from core.observability import SMS_FAILURES
from core.personal_data import decrypt, encrypt

from .models import SmsCode, SmsMessage

logger = logging.getLogger(__name__)


class SmsError(Exception):
    """A user-fixable SMS problem; the message is shown by the field."""


class OutboxBackend:
    """Development and demo delivery: messages land in the SmsMessage table, shown at /dev/sms/."""

    def send(self, phone: str, text: str) -> None:
        SmsMessage.objects.create(phone=phone, text=text)


class ConsoleRefusingBackend:
    """Placeholder for production gateways: subclass and implement send() for the province's SMS gateway. Used
    as it is (`make check`, the benchmarks), every send fails: the delivery task logs it and gives up after its
    retries, as for a gateway that is down."""

    def send(self, phone: str, text: str) -> None:
        raise NotImplementedError("configure SMS_BACKEND with the province's SMS gateway")


def _backend():
    return import_string(settings.SMS_BACKEND)()


def _digest(phone: str, purpose: str, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{phone}:{purpose}:{code}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Sent:
    phone: str
    expires_at: object


_PURPOSE_TEXT = {
    SmsCode.Purpose.REGISTER: "您正在注册职称申报评审平台账号",
    SmsCode.Purpose.UNIT_REGISTER: "您正在注册职称申报评审平台单位账号",
    SmsCode.Purpose.RESET_PASSWORD: "您正在找回职称申报评审平台密码",
    SmsCode.Purpose.OBJECTION: "您正在对职称评审结果公示提出异议",
    SmsCode.Purpose.SECOND_FACTOR: "您正在登录职称申报评审平台",
}


_HOUR = 3600
_DAY = 24 * _HOUR


def _count(key: str, window: int) -> int:
    """Add one to a counter that lives `window` seconds from its first count; return the new value."""
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between the two calls: this request starts a new window
        cache.set(key, 1, timeout=window)
        return 1


def sms_send_permit(*, ip: str, phone: str) -> None:
    """Count a request for a code to `phone` from `ip`, or raise SmsError when a limit is reached: per client IP
    and in all (SMS_IP_HOURLY_LIMIT, SMS_GLOBAL_HOURLY_LIMIT an hour), per phone (one a minute, SMS_DAILY_LIMIT a
    day). Anonymous callers (registration, forgot password) call it, after the image captcha and before deciding
    whether to send anything: it counts every request whatever the phone, so that a refusal never depends on
    whether the phone (or an ID number with it) has an account. sms_code_send keeps its own limits in the database
    behind these. If the cache fails, nothing may be sent (fail closed)."""
    now = timezone.now().timestamp()
    try:
        if _count(f"sms-permit:ip:{ip}", _HOUR) > settings.SMS_IP_HOURLY_LIMIT:
            raise SmsError("当前网络获取验证码过于频繁，请稍后再试。")
        if _count("sms-permit:all", _HOUR) > settings.SMS_GLOBAL_HOURLY_LIMIT:
            raise SmsError("短信发送繁忙，请稍后再试。")
        interval = int(settings.SMS_RESEND_INTERVAL.total_seconds())
        if not cache.add(f"sms-permit:last:{phone}", now, timeout=interval):
            last = cache.get(f"sms-permit:last:{phone}", now)
            raise SmsError(f"验证码发送过于频繁，请{max(1, int(interval - (now - last)) + 1)}秒后再试。")
        if _count(f"sms-permit:day:{phone}", _DAY) > settings.SMS_DAILY_LIMIT:
            raise SmsError("该手机号今日获取验证码次数已达上限，请明天再试。")
    except SmsError:
        raise
    except Exception:  # the cache server is down or refuses: no counting, no sending
        logger.exception("SMS limits could not be counted; no code is sent")
        raise SmsError("短信服务暂时不可用，请稍后再试。") from None


def sms_code_send(*, phone: str, purpose: str) -> Sent:
    """Create and deliver a code. Anyone may call (anonymous registration) once sms_send_permit has let the
    request through; the limits kept here, in the database, are the last guard."""
    now = timezone.now()
    with transaction.atomic():
        recent = SmsCode.objects.select_for_update().by_phone(phone).filter(
            created_at__gte=now - timezone.timedelta(days=1)
        )
        recent_list = list(recent.order_by("-created_at").values_list("created_at", flat=True))
        if recent_list and now - recent_list[0] < settings.SMS_RESEND_INTERVAL:
            wait = int((settings.SMS_RESEND_INTERVAL - (now - recent_list[0])).total_seconds()) + 1
            raise SmsError(f"验证码发送过于频繁，请{wait}秒后再试。")
        if len(recent_list) >= settings.SMS_DAILY_LIMIT:
            raise SmsError("该手机号今日获取验证码次数已达上限，请明天再试。")
        code = f"{secrets.randbelow(1_000_000):06d}"
        record = SmsCode.objects.create(
            phone=phone,
            purpose=purpose,
            code_hash=_digest(phone, purpose, code),
            created_at=now,
            expires_at=now + settings.SMS_CODE_TTL,
        )
        transaction.on_commit(partial(_enqueue, sms_code_deliver, record.pk, _seal(record, code)), robust=True)
    return Sent(phone=phone, expires_at=record.expires_at)


def sms_code_check(*, phone: str, purpose: str, code: str, consume: bool) -> None:
    """Raise SmsError unless `code` is the latest live code for phone and purpose.

    A wrong code counts a try; after the 5th wrong try even the right code is refused. `consume=True` marks it
    used (call it inside the transaction that performs the action the code authorises). Check the code first
    with `consume=False` outside any transaction (the form does): a wrong try counted inside a caller's
    transaction is rolled back with it.
    """
    code = (code or "").strip()
    now = timezone.now()
    with transaction.atomic():
        record = (
            SmsCode.objects.select_for_update()
            .by_phone(phone).filter(purpose=purpose, used_at__isnull=True)
            .order_by("-created_at")
            .first()
        )
        if record is None:
            raise SmsError("请先获取短信验证码。")
        if record.failed_tries >= settings.SMS_CODE_MAX_TRIES:
            raise SmsError("验证码错误次数过多，请重新获取。")
        if record.expires_at < now:
            raise SmsError("短信验证码已过期，请重新获取。")
        matches = hmac.compare_digest(record.code_hash, _digest(phone, purpose, code))
        if not matches:
            SmsCode.objects.filter(pk=record.pk).update(failed_tries=record.failed_tries + 1)
        elif consume:
            SmsCode.objects.filter(pk=record.pk).update(used_at=now)
    # Raised only once the counted try is committed: raising inside the block would roll the count back.
    if not matches:
        left = settings.SMS_CODE_MAX_TRIES - record.failed_tries - 1
        if left <= 0:
            raise SmsError("验证码错误次数过多，请重新获取。")
        raise SmsError(f"短信验证码不正确，还可尝试{left}次。")


def notice_send(phone: str, text: str) -> None:
    """A notice (not a code) to a registered mobile, delivered by a task once the caller's transaction commits;
    nothing without a number. Any service may call it; it never raises for the gateway."""
    if phone:  # the task table stores its arguments: the phone travels encrypted
        transaction.on_commit(partial(_enqueue, sms_notice_deliver, encrypt(phone), text), robust=True)


# ---------------------------------------------------------------- delivery, in the task queue

# Pauses before the 2nd, 3rd and 4th attempt of a delivery; then it is given up (and logged as an error). A code
# lives SMS_CODE_TTL (3 minutes): one that has expired meanwhile is not sent at all.
RETRY_DELAYS = (timedelta(seconds=10), timedelta(seconds=30), timedelta(seconds=90))


def _enqueue(delivery, *args, attempt: int = 1, delay: timedelta | None = None) -> None:
    """Queue a delivery task, after `delay` where the task backend can defer (the database backend); a backend
    that runs tasks at once (the tests') runs the retry at once."""
    if delay is not None and delivery.get_backend().supports_defer:
        delivery = delivery.using(run_after=timezone.now() + delay)
    delivery.enqueue(*args, attempt=attempt)


def _deliver(*, phone: str, text: str, attempt: int, again) -> None:
    """Hand one message to the gateway; a failure is logged (never the text: it may hold a code) and `again`
    queues the next attempt, until RETRY_DELAYS are used up."""
    try:
        _backend().send(phone, text)
    except Exception:
        SMS_FAILURES.labels(outcome="retried" if attempt <= len(RETRY_DELAYS) else "given_up").inc()
        if attempt <= len(RETRY_DELAYS):
            delay = RETRY_DELAYS[attempt - 1]
            logger.warning("SMS to %s: attempt %s failed, trying again in %ss", mask_phone(phone), attempt,
                           int(delay.total_seconds()), exc_info=True)
            again(attempt=attempt + 1, delay=delay)
        else:
            logger.error("SMS to %s not delivered: attempt %s failed, giving up", mask_phone(phone), attempt,
                         exc_info=True)


# The task's arguments are stored in the task table, so the code travels sealed: added (mod 10^6) to a pad that
# only the SECRET_KEY derives, one per SmsCode row. Whoever reads the database learns no more of a code than from
# its stored HMAC.
def _pad(record: SmsCode) -> int:
    key = settings.SECRET_KEY.encode()
    message = f"sms-delivery:{record.pk}:{record.code_hash}".encode()
    return int.from_bytes(hmac.new(key, message, hashlib.sha256).digest()[:8], "big") % 1_000_000


def _seal(record: SmsCode, code: str) -> str:
    return f"{(int(code) + _pad(record)) % 1_000_000:06d}"


def _unseal(record: SmsCode, sealed: str) -> str:
    return f"{(int(sealed) - _pad(record)) % 1_000_000:06d}"


@task()
def sms_code_deliver(code_id: int, sealed: str, attempt: int = 1) -> None:
    """Deliver the code of SmsCode `code_id`, unless it is no longer of use: expired, used, or overtaken by a
    newer code for the same phone and purpose (only the latest counts)."""
    record = SmsCode.objects.filter(pk=code_id).first()
    if record is None or record.used_at is not None or record.expires_at <= timezone.now() or (
            SmsCode.objects.by_phone(record.phone).filter(purpose=record.purpose, created_at__gt=record.created_at)
            .exists()):
        logger.warning("SMS code %s no longer of use at attempt %s: not sent", code_id, attempt)
        return
    minutes = int(settings.SMS_CODE_TTL.total_seconds() // 60)
    text = (f"【职称申报】{_PURPOSE_TEXT.get(record.purpose, '')}，验证码{_unseal(record, sealed)}，"
            f"{minutes}分钟内有效，请勿泄露。")
    _deliver(phone=record.phone, text=text, attempt=attempt, again=partial(_enqueue, sms_code_deliver, code_id, sealed))


@task()
def sms_notice_deliver(sealed_phone: str, text: str, attempt: int = 1) -> None:
    """Deliver a notice (答辩安排, …) to the phone encrypted in `sealed_phone` (core.personal_data)."""
    _deliver(phone=decrypt(sealed_phone), text=text, attempt=attempt,
             again=partial(_enqueue, sms_notice_deliver, sealed_phone, text))
