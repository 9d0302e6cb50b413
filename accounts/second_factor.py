"""The second factor at sign-in (django-otp).

Every staff role (any role but 个人: unit accounts, department reviewers, HR-bureau and committee staff, experts,
the system admin) signs in with a password and then a TOTP code from an authenticator app, enrolled with a QR
code on first sign-in; ten recovery codes (django-otp's static device) stand in for a lost phone, each once. The
HR bureau resets a person's devices (re-enrolment at the next sign-in). An applicant may switch on a code sent
by SMS to her own phone (SmsDevice, the SMS code service's limits included).

A session is verified once django_otp.login has stored the device that accepted a code in it;
SecondFactorMiddleware (accounts.middleware) sends an unverified session of such a user to these pages."""

import segno
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .audit import audit
from .models import Role, RoleAssignment, SmsCode, SmsDevice, User
from .roles import role_names, scoped_region_codes
from .sms import SmsError, sms_code_check, sms_code_send, sms_send_permit

RECOVERY_CODES = 10
TOTP_NAME = "身份验证器"
RECOVERY_NAME = "恢复码"


class SecondFactorError(Exception):
    """A code that does not let the person in; the message is shown by the field."""


def is_staff_user(user) -> bool:
    """Whether the account holds a staff role, which always signs in with a second factor."""
    return bool(role_names(user) - {Role.APPLICANT})


def totp_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def sms_device(user) -> SmsDevice | None:
    return SmsDevice.objects.filter(user=user, confirmed=True).first()


def second_factor_due(user) -> bool:
    """Whether signing in as `user` asks for a second factor: staff always, an applicant who switched SMS on."""
    return is_staff_user(user) or sms_device(user) is not None


# Enrolment (staff) ---------------------------------------------------------------------------------------------


def totp_enrolment(user) -> TOTPDevice:
    """The authenticator being enrolled: one unconfirmed device per person, its secret kept until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


def totp_qr_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// URI as a QR code (an SVG data URI for an <img>), for an authenticator app to scan."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def _throttled(device) -> bool:
    return not device.verify_is_allowed()[0]


def totp_enrol_confirm(*, request, token: str, ip: str | None = None) -> list[str]:
    """The person confirms the enrolment with a first code: the device is confirmed, the session verified, and
    ten recovery codes are issued (returned to be shown once). Raises SecondFactorError for a wrong code, once
    the counted try is committed."""
    user = request.user
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first()
        if device is None:
            problem = "绑定已失效，请刷新页面重新扫码。"
        elif _throttled(device):
            problem = "尝试过于频繁，请稍候再试。"
        elif not device.verify_token(_digits(token)):
            audit(event="otp_failed", user=user, ip=ip, obj="enrol", outcome="failure")
            problem = "验证码不正确，请输入身份验证器当前显示的6位数字。"
        else:
            problem = ""
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = recovery_codes_issue(user=user)
            otp_login(request, device)
            audit(event="otp_enrol", user=user, ip=ip, obj=f"totp:{device.pk}")
    if problem:
        raise SecondFactorError(problem)
    return codes


def recovery_codes_issue(*, user) -> list[str]:
    """Replace the person's recovery codes with ten new ones (each usable once)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def _digits(token: str) -> str:
    return "".join((token or "").split())


def second_factor_verify(*, request, token: str, ip: str | None = None) -> None:
    """二次验证 for a staff member: the authenticator's current code (each code once: the device keeps the last
    time step it accepted), or one of the recovery codes (used up). Raises SecondFactorError otherwise, once the
    counted try (the devices' throttling, the audit row) is committed."""
    user = request.user
    token = _digits(token)
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        if device is not None and len(token) == 6 and token.isdigit():
            if _throttled(device):
                problem = "尝试过于频繁，请稍候再试。"
            elif device.verify_token(token):
                otp_login(request, device)
                audit(event="otp_verify", user=user, ip=ip, obj="totp")
                return
            else:
                problem = "验证码不正确或已使用，请输入身份验证器当前显示的6位数字或一个恢复码。"
        else:
            static = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
            if static is not None and static.verify_token(token.lower()):
                otp_login(request, static)
                audit(event="otp_recovery", user=user, ip=ip, obj=f"left:{static.token_set.count()}")
                return
            problem = "验证码不正确或已使用，请输入身份验证器当前显示的6位数字或一个恢复码。"
        audit(event="otp_failed", user=user, ip=ip, outcome="failure")
    raise SecondFactorError(problem)


# Re-enrolment by the HR bureau ---------------------------------------------------------------------------------


def _region_prefix(code: str) -> str:
    """A division's code as the prefix of every division under it (350000 → 35, 350100 → 3501)."""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def may_reset_second_factors(actor) -> bool:
    return bool(role_names(actor) & {Role.BUREAU_STAFF, Role.SYSTEM_ADMIN})


def second_factor_accounts_for(actor: User, *, term: str = "") -> QuerySet[User]:
    """Staff accounts whose second factor `actor` may reset: the HR bureau's, those of units in its regions (or
    holding a role in them); the system admin's, every staff account. Empty for anyone else."""
    names = role_names(actor)
    staff = User.objects.filter(pk__in=RoleAssignment.objects.exclude(role=Role.APPLICANT).values("user_id"))
    if Role.SYSTEM_ADMIN in names:
        qs = staff
    elif Role.BUREAU_STAFF in names:
        scope = Q(pk__in=[])
        for code in scoped_region_codes(actor, Role.BUREAU_STAFF):
            prefix = _region_prefix(code)
            scope |= Q(unit__region__code__startswith=prefix)
            scope |= Q(pk__in=RoleAssignment.objects.filter(region__code__startswith=prefix).values("user_id"))
        qs = staff.filter(scope)
    else:
        return User.objects.none()
    term = (term or "").strip()
    if term:
        qs = qs.filter(Q(name__icontains=term) | Q(username__iexact=term) | Q(username__iexact=term.upper()))
    return qs.select_related("unit").order_by("name", "pk")


def second_factor_account_get_for(actor: User, pk: int) -> User:
    try:
        return second_factor_accounts_for(actor).get(pk=pk)
    except User.DoesNotExist:
        raise Http404 from None


@transaction.atomic
def second_factor_reset(*, actor: User, person: User, ip: str | None = None) -> None:
    """HR bureau (in scope) or system admin: remove every device of `person`, who enrols again at the next sign-in.
    Her sessions verified by a removed device are no longer verified (OTPMiddleware finds no device)."""
    if not second_factor_accounts_for(actor).filter(pk=person.pk).exists():
        raise Http404
    TOTPDevice.objects.filter(user=person).delete()
    StaticDevice.objects.filter(user=person).delete()
    SmsDevice.objects.filter(user=person).delete()
    audit(event="otp_reset", user=actor, ip=ip, obj=f"user:{person.pk}")


# The applicant's optional SMS second factor --------------------------------------------------------------------


@transaction.atomic
def sms_factor_switch(*, user: User, on: bool, ip: str | None = None) -> None:
    """The applicant herself switches the SMS code at sign-in on or off (it needs a phone on the account)."""
    if on:
        if not user.phone:
            raise SecondFactorError("请先在个人信息中填写手机号。")
        SmsDevice.objects.get_or_create(user=user, defaults={"name": "短信验证码", "confirmed": True})
        audit(event="sms_factor_on", user=user, ip=ip)
    else:
        SmsDevice.objects.filter(user=user).delete()
        audit(event="sms_factor_off", user=user, ip=ip)


def sms_factor_send(*, user: User, ip: str) -> None:
    """Send the sign-in code to the account's own phone, within the SMS service's limits (SmsError otherwise)."""
    sms_send_permit(ip=ip, phone=user.phone)
    sms_code_send(phone=user.phone, purpose=SmsCode.Purpose.SECOND_FACTOR)


def sms_factor_verify(*, request, code: str, ip: str | None = None) -> None:
    user = request.user
    device = sms_device(user)
    if device is None:
        raise SecondFactorError("未开启短信二次验证。")
    try:
        sms_code_check(phone=user.phone, purpose=SmsCode.Purpose.SECOND_FACTOR, code=code, consume=True)
    except SmsError as error:
        audit(event="otp_failed", user=user, ip=ip, obj="sms", outcome="failure")
        raise SecondFactorError(str(error)) from None
    otp_login(request, device)
    audit(event="otp_verify", user=user, ip=ip, obj="sms")
