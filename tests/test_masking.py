"""One masking format for personal numbers (core.masking): ID 3501**********123X, phone 138****5678."""

import pytest

from core.masking import mask_id_number, mask_numbers_in, mask_phone


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


def test_numbers_inside_free_text_are_masked():
    text = '{"搜索":"35010219850505123x","电话":"13812345678","编号":"2026-000123","长":"123456789012345678901"}'

    masked = mask_numbers_in(text)

    assert "3501**********123x" in masked and "138****5678" in masked
    assert "35010219850505123" not in masked and "13812345678" not in masked
    assert "2026-000123" in masked and "123456789012345678901" in masked  # not a number of a person
