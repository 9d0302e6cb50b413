"""Validation of resident ID numbers (GB 11643), credit codes (GB 32100) and phone numbers (core.validators)."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from stdnum.cn import ric

from core.validators import parse_id_number, validate_credit_code, validate_phone
from tests.factories import id_number_ending_in_x
from zhicheng.demo.ids import make_credit_code, make_id_number

UNKNOWN_AREA = "身份证号的地区码不在行政区划代码表中，请确认无误。"


def refused(value, code):
    with pytest.raises(ValidationError) as error:
        parse_id_number(value)
    assert error.value.code == code
    return error.value.messages[0]


def test_id_number_gives_birth_date_and_gender():
    parsed = parse_id_number(make_id_number("350102", datetime.date(1985, 5, 5), 3, "M"))

    assert (parsed.birth_date, parsed.gender, parsed.warning) == (datetime.date(1985, 5, 5), "M", "")


def test_even_17th_digit_is_female():
    assert parse_id_number(make_id_number("350102", datetime.date(1990, 1, 2), 3, "F")).gender == "F"


def test_lowercase_x_becomes_upper_case():
    number = id_number_ending_in_x()

    assert parse_id_number(f" {number.lower()} ").number == number


def test_check_digit_must_match():
    number = make_id_number("350102", datetime.date(1985, 5, 5), 3)
    wrong = number[:-1] + next(c for c in "0123456789X" if c != number[-1])

    assert refused(wrong, "checksum") == "身份证号校验位不正确，请核对后重新输入。"


def test_id_number_has_18_characters():
    assert refused("35010219850505031", "length") == "身份证号应为18位。"


def test_only_the_last_character_may_be_x():
    assert refused("3501021985050503X1", "format") == "身份证号只能由数字和末位的X组成。"


def test_impossible_birth_date_is_an_error():
    body = "35010219850230031"  # 30 February

    assert refused(body + ric.calc_check_digit(body + "0"), "birth_date") == "身份证号中的出生日期无效。"


def test_future_birth_date_is_an_error():
    with time_machine.travel(datetime.datetime(2026, 3, 2, tzinfo=datetime.UTC)):
        tomorrow = make_id_number("350102", datetime.date(2026, 3, 3), 3)
        assert refused(tomorrow, "birth_date") == "身份证号中的出生日期无效。"
        assert parse_id_number(make_id_number("350102", datetime.date(2026, 3, 1), 3)).birth_date


def test_birth_before_1900_is_an_error():
    assert refused(make_id_number("350102", datetime.date(1899, 12, 31), 3), "birth_date")


def test_unknown_area_code_is_only_a_warning():
    parsed = parse_id_number(make_id_number("999999", datetime.date(1985, 5, 5), 3))

    assert parsed.warning == UNKNOWN_AREA
    assert parsed.birth_date == datetime.date(1985, 5, 5)


@pytest.mark.parametrize("birth", [datetime.date(1975, 1, 1), datetime.date(1995, 1, 1)])
def test_known_area_code_gives_no_warning_whatever_the_birth_year(birth):
    # 鼓楼区 (350102) is listed from 1983; people born earlier received their number later, with today's code.
    assert parse_id_number(make_id_number("350102", birth, 3)).warning == ""


def test_retired_area_code_gives_no_warning():
    # 长乐市 (350182, 1994–2017): numbers issued then stay valid for life.
    assert parse_id_number(make_id_number("350182", datetime.date(1996, 6, 1), 3)).warning == ""


def test_credit_code_is_validated_and_upper_cased():
    code = make_credit_code("350102", "MA0000009")

    assert validate_credit_code(f" {code.lower()} ") == code


def test_credit_code_check_character_must_match():
    code = make_credit_code("350102", "MA0000009")
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")

    with pytest.raises(ValidationError, match="统一社会信用代码校验位不正确。"):
        validate_credit_code(wrong)


def test_credit_code_has_18_characters():
    with pytest.raises(ValidationError, match="统一社会信用代码应为18位。"):
        validate_credit_code("12350102MA000000")


@pytest.mark.parametrize("phone", ["13812345678", "19912345678"])
def test_mobile_numbers_are_accepted(phone):
    assert validate_phone(f" {phone} ") == phone


@pytest.mark.parametrize("phone", ["12812345678", "1381234567", "138123456789", "0591888888a", ""])
def test_other_numbers_are_not_mobile_numbers(phone):
    with pytest.raises(ValidationError, match="请输入11位手机号码。"):
        validate_phone(phone)
