"""One masking format for personal numbers (core.masking): ID 3501**********123X, phone 138****5678."""

import pytest

from core.masking import mask_id_number, mask_phone


def test_id_number_keeps_first_4_and_last_4():
    assert mask_id_number("35010219850505123X") == "3501**********123X"


def test_phone_keeps_first_3_and_last_4():
    assert mask_phone("13812345678") == "138****5678"


@pytest.mark.parametrize("mask", [mask_id_number, mask_phone])
@pytest.mark.parametrize("empty", [None, ""])
def test_missing_numbers_mask_to_nothing(mask, empty):
    assert mask(empty) == ""


def test_short_values_are_masked_entirely():
    assert mask_id_number("12345678") == "********"
    assert mask_phone("1234567") == "*******"
