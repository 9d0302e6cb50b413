"""Writes for accounts: registration, registration review, passwords. Each docstring says who may call it."""

import datetime
import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.fields import blind_match
from core.validators import parse_id_number, validate_credit_code, validate_phone
from orgs.models import Unit
from orgs.services import unit_create

from .audit import audit
from .models import Role, SmsCode, User, person_username
from .roles import STAFF_ROLES, is_staff_account, role_grant
from .sms import SmsError, sms_code_check, sms_code_send


@transaction.atomic
def person_register(
    *, name: str, id_number: str, gender: str, birth_date, email: str, password: str, phone: str,
    sms_code: str, unit: Unit, ip: str | None = None,
) -> User:
    """Anonymous self-registration (SPEC §2). Fields come validated from RegistrationForm; the SMS code is
    consumed here, in the same transaction that creates the account."""
    sms_code_check(phone=phone, purpose=SmsCode.Purpose.REGISTER, code=sms_code, consume=True)
    user = User(
        username=person_username(id_number),
        kind=User.Kind.PERSON,
        name=name,
        id_number=id_number,
        gender=gender,
        birth_date=birth_date,
        email=email,
        phone=phone,
        unit=unit,
        registration=User.Registration.PENDING,
    )
    user.set_password(password)
    user.save()
    audit(event="register", user=user, ip=ip, obj=f"unit:{unit.pk}")
    return user


@transaction.atomic
def unit_register(*, fields: dict, password: str, sms_code: str, ip: str | None = None) -> User:
    """Anonymous unit registration (SPEC §2): the unit and its account, whose login is the credit code."""
    sms_code_check(
        phone=fields["contact_phone"], purpose=SmsCode.Purpose.UNIT_REGISTER, code=sms_code, consume=True
    )
    unit = unit_create(kind=Unit.Kind.UNIT, **fields)
    account = User(
        username=unit.credit_code,
        kind=User.Kind.UNIT,
        name=unit.name,
        email=unit.email,
        unit=unit,
        registration=User.Registration.APPROVED,
    )
    account.set_password(password)
    account.save()
    role_grant(user=account, role=Role.UNIT_ADMIN, unit=unit)
    audit(event="unit_register", user=account, ip=ip, obj=f"unit:{unit.pk}")
    return account


def _temporary_password() -> str:
    # A letter first, then letters and digits: it satisfies the password shape it will be replaced by.
    letters = "abcdefghjkmnpqrstuvwxyz"
    body = "".join(secrets.choice(letters + "23456789") for _ in range(8))
    return secrets.choice(letters).upper() + body + secrets.choice("23456789")


@transaction.atomic
def builtin_unit_create(*, actor: User, fields: dict) -> tuple[User, str]:
    """HR-bureau staff create a unit without its own credit code (内置单位) and its account.

    Returns the account and its initial password, shown once; the unit must change it at first login."""
    region = fields["region"]
    if not actor.has_perm("orgs.create_builtin_unit_in", region):
        raise PermissionDenied("不能在该属地创建内置单位。")
    unit = unit_create(kind=Unit.Kind.UNIT, builtin=True, credit_code=None, **fields)
    username = f"NZ{region.code}{unit.pk:05d}"
    password = _temporary_password()
    account = User(
        username=username, kind=User.Kind.UNIT, name=unit.name, unit=unit,
        registration=User.Registration.APPROVED, must_change_password=True,
    )
    account.set_password(password)
    account.save()
    role_grant(user=account, role=Role.UNIT_ADMIN, unit=unit, actor=actor)
    audit(event="unit_register", user=actor, obj=f"builtin unit:{unit.pk} account:{username}")
    return account, password


@transaction.atomic
def registration_decide(*, actor: User, person: User, approve: bool, reason: str = "", ip=None) -> User:
    """A unit admin of the person's unit approves or rejects a staff registration (人员注册审核)."""
    person = User.objects.select_for_update().get(pk=person.pk)
    if not actor.has_perm("accounts.review_registration", person):
        raise PermissionDenied
    if not approve and not reason.strip():
        raise ValueError("请填写不通过的原因。")
    person.registration = User.Registration.APPROVED if approve else User.Registration.REJECTED
    person.registration_note = reason.strip()
    person.registration_decided_at = timezone.now()
    person.save(update_fields=["registration", "registration_note", "registration_decided_at"])
    audit(
        event="registration_approved" if approve else "registration_rejected",
        user=actor, ip=ip, obj=f"user:{person.pk}", outcome="approved" if approve else "rejected",
    )
    return person


@transaction.atomic
def password_change(*, user: User, new_password: str, ip=None) -> None:
    """The logged-in user changes their own password (old password checked by the form)."""
    validate_password(new_password, user)
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    audit(event="password_change", user=user, ip=ip)


# One answer for every refusal of a reset code: an unknown pair, a wrong, spent, expired or overtried code.
RESET_CODE_REFUSED = "短信验证码不正确或已失效，请核对后重新输入，或重新获取验证码。"


def _reset_account(*, id_number: str, phone: str) -> User | None:
    return User.objects.by_id_number(id_number).filter(blind_match("phone", phone), is_active=True).first()


def password_reset_code_send(*, id_number: str, phone: str) -> None:
    """Anonymous (找回密码, step 1, after the captcha and sms_send_permit): send a code to `phone` if it is the bound
    phone of the active account with this ID number; otherwise send nothing. Nothing else changes: the password
    stays valid and no session ends. Says nothing either way: a code refused by the database's limits is not
    sent, silently, as for a pair that does not match."""
    if _reset_account(id_number=id_number, phone=phone) is None:
        return
    try:
        sms_code_send(phone=phone, purpose=SmsCode.Purpose.RESET_PASSWORD)
    except SmsError:
        pass


def password_reset(*, id_number: str, phone: str, code: str, new_password: str, ip=None) -> User:
    """Anonymous (找回密码, step 2): with the code sent to the account's bound phone, the person sets her new
    password; her other sessions end with the old password. Raises SmsError (RESET_CODE_REFUSED, whatever the
    reason, so that it does not tell whether the pair matched) or ValidationError (the new password, judged
    against the account only once the code is right). The code's limits apply: 3 minutes, 5 wrong tries."""
    user = _reset_account(id_number=id_number, phone=phone)
    if user is None:
        raise SmsError(RESET_CODE_REFUSED)
    try:
        # Outside any transaction, so that a wrong try is counted (sms_code_check).
        sms_code_check(phone=phone, purpose=SmsCode.Purpose.RESET_PASSWORD, code=code, consume=False)
    except SmsError:
        raise SmsError(RESET_CODE_REFUSED) from None
    validate_password(new_password, user)
    try:
        with transaction.atomic():
            sms_code_check(phone=phone, purpose=SmsCode.Purpose.RESET_PASSWORD, code=code, consume=True)
            user.set_password(new_password)
            user.must_change_password = False
            user.save(update_fields=["password", "must_change_password", "password_changed_at"])
            audit(event="password_reset", user=user, ip=ip)
    except SmsError:  # used by a request that came in between
        raise SmsError(RESET_CODE_REFUSED) from None
    return user


def profile_update(*, user: User, fields: dict) -> User:
    """The signed-in person changes their own email, political status or series."""
    allowed = {"email", "political_status", "series"}
    if set(fields) - allowed:
        raise PermissionDenied
    for name, value in fields.items():
        setattr(user, name, value)
    if fields:
        user.save(update_fields=list(fields))
    return user


@transaction.atomic
def first_bureau_account_create(*, region, bureau_name: str, credit_code: str, name: str, id_number: str,
                                phone: str) -> tuple[User, str]:
    """A province's first HR-bureau account on an empty installation (manage.py create_bureau_account): the
    bureau's unit in `region` and a person holding 人社部门 over the region and 系统管理员, with a temporary
    password shown once and changed at first sign-in. Every further account is made on the pages."""
    parsed = parse_id_number(id_number)
    bureau = Unit.objects.filter(kind=Unit.Kind.BUREAU, credit_code=validate_credit_code(credit_code)).first()
    if bureau is None:
        bureau = unit_create(kind=Unit.Kind.BUREAU, name=bureau_name, credit_code=credit_code, region=region,
                             nature=Unit.Nature.GOVERNMENT)
    password = _temporary_password()
    person = User(
        username=person_username(parsed.number), kind=User.Kind.PERSON, name=name, id_number=parsed.number,
        birth_date=parsed.birth_date, gender=parsed.gender, phone=validate_phone(phone), unit=bureau,
        registration=User.Registration.APPROVED, must_change_password=True,
    )
    person.set_password(password)
    person.full_clean()
    person.save()
    role_grant(user=person, role=Role.BUREAU_STAFF, region=region)
    role_grant(user=person, role=Role.SYSTEM_ADMIN)
    audit(event="first_bureau_account", user=person, obj=f"unit:{bureau.pk}")
    return person, password


def password_expired(user: User, now=None) -> bool:
    """A staff account's password older than STAFF_PASSWORD_MAX_AGE_DAYS has expired."""
    age = datetime.timedelta(days=settings.STAFF_PASSWORD_MAX_AGE_DAYS)
    return is_staff_account(user) and user.password_changed_at < (now or timezone.now()) - age


def staff_password_expire(*, user: User) -> bool:
    """At sign-in: an expired staff password forces the change of password (the must-change flow). Audited."""
    if user.must_change_password or not password_expired(user):
        return False
    user.must_change_password = True
    user.save(update_fields=["must_change_password"])
    audit(event="password_expired", user=user, outcome="forced_change")
    return True


def inactive_staff_disable(*, now=None) -> list[User]:
    """Disable the staff accounts unused for STAFF_INACTIVE_DAYS (last sign-in, or creation when never signed
    in); each one audited. Running it again changes nothing."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.STAFF_INACTIVE_DAYS)
    unused = (User.objects.filter(is_active=True)
              .filter(Q(roles__role__in=STAFF_ROLES) | Q(is_staff=True) | Q(is_superuser=True))
              .filter(Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff))
              .distinct().order_by("pk"))
    disabled = []
    for user in unused:
        with transaction.atomic():
            User.objects.filter(pk=user.pk).update(is_active=False)
            audit(event="account_disabled", username="system", obj=f"user:{user.pk}",
                  outcome=f"unused {settings.STAFF_INACTIVE_DAYS} days")
        disabled.append(user)
    return disabled
