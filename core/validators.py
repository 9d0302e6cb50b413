"""Validation shared by several apps: Chinese identifiers (python-stdnum) and text free of control characters.

A wrong length, character, check digit or birth date is an error; an area code missing from GB/T 2260 is only
a warning (the table lags behind new districts, and a person cannot change their number).
"""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from stdnum import exceptions as stdnum_errors
from stdnum import numdb
from stdnum.cn import ric, uscc

PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
# What no input may carry: the C0 control characters but tab, line feed and carriage return, lone surrogates
# (only a JSON escape can make one) and U+FFFE/U+FFFF; that is, what XML 1.0 cannot hold. PostgreSQL refuses
# NUL in text, psycopg cannot encode a lone surrogate, and the Excel exports (XML inside) refuse the rest.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
CONTROL_CHARACTERS_MESSAGE = "不能包含控制字符（如 NUL）。"


def has_control_characters(text: str) -> bool:
    return CONTROL_CHARACTERS.search(text) is not None


def reject_control_characters(value: str) -> str:
    """A validator for free text: ValidationError when it carries a character of CONTROL_CHARACTERS."""
    if has_control_characters(value):
        raise ValidationError(CONTROL_CHARACTERS_MESSAGE, code="control_characters")
    return value


@dataclass(frozen=True)
class IdNumber:
    number: str
    birth_date: datetime.date
    gender: str  # "M" or "F"
    warning: str = ""


def parse_id_number(value: str) -> IdNumber:
    """Validate a resident ID number (GB 11643) and derive birth date and gender. Lowercase x becomes X."""
    number = (value or "").strip().replace(" ", "").upper()
    if len(number) != 18:
        raise ValidationError("身份证号应为18位。", code="length")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError("身份证号只能由数字和末位的X组成。", code="format")
    if number[-1] != ric.calc_check_digit(number):
        raise ValidationError("身份证号校验位不正确，请核对后重新输入。", code="checksum")
    try:
        birth = ric.get_birth_date(number)
    except stdnum_errors.ValidationError:
        raise ValidationError("身份证号中的出生日期无效。", code="birth_date") from None
    if birth > datetime.date.today() or birth.year < 1900:
        raise ValidationError("身份证号中的出生日期无效。", code="birth_date")
    warning = "" if _area_code_listed(number) else "身份证号的地区码不在行政区划代码表中，请确认无误。"
    gender = "M" if int(number[16]) % 2 else "F"
    return IdNumber(number=number, birth_date=birth, gender=gender, warning=warning)


def _area_code_listed(number: str) -> bool:
    """Whether the first six digits are a GB/T 2260 code of any year. Not compared with the birth year (as
    stdnum's get_birth_place does): numbers are issued years after birth, with the code in force then."""
    return any("county" in props for _part, props in numdb.get("cn/loc").info(number[:6]))


def validate_credit_code(value: str) -> str:
    """Validate a unified social credit code (GB 32100); returns it upper-cased."""
    code = (value or "").strip().upper()
    if len(code) != 18:
        raise ValidationError("统一社会信用代码应为18位。", code="length")
    try:
        return uscc.validate(code)
    except stdnum_errors.InvalidChecksum:
        raise ValidationError("统一社会信用代码校验位不正确。", code="checksum") from None
    except stdnum_errors.ValidationError:
        raise ValidationError("统一社会信用代码格式不正确。", code="format") from None


def validate_phone(value: str) -> str:
    phone = (value or "").strip()
    if not PHONE_RE.match(phone):
        raise ValidationError("请输入11位手机号码。", code="phone")
    return phone
