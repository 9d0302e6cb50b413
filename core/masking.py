"""One masking format for personal numbers, used by every list and export.

ID number: keep the first 4 and last 4 characters (`3501**********123X`).
Phone: keep the first 3 and last 4 digits (`138****5678`).
"""


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
