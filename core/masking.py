"""One masking format for personal numbers, used by every list and export.

ID number: keep the first 4 and last 4 characters (`3501**********123X`).
Phone: keep the first 3 and last 4 digits (`138****5678`).
"""

import re


def mask_id_number(value: str | None) -> str:
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str | None) -> str:
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


_NUMBERS = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|1\d{10})(?![0-9A-Za-z])")


def mask_numbers_in(text: str) -> str:
    """`text` with every ID number (18 characters) and mobile number (11 digits) in it masked: for free text that
    is kept, such as an export's filters in the audit log."""
    return _NUMBERS.sub(lambda m: mask_id_number(m[1]) if len(m[1]) == 18 else mask_phone(m[1]), text)
