import re

from django.core.exceptions import ValidationError

_SHAPE = re.compile(r"^[A-Za-z][A-Za-z0-9]{7,19}$")


class PasswordShapeValidator:
    """SPEC §2: starts with a letter, letters and digits only, both present, 8–20 characters."""

    def validate(self, password, user=None):
        if not 8 <= len(password) <= 20:
            raise ValidationError("密码长度应为8到20位。", code="password_length")
        if not password[0].isalpha() or not password[0].isascii():
            raise ValidationError("密码必须以字母开头。", code="password_first_letter")
        if not _SHAPE.match(password):
            raise ValidationError("密码只能包含字母和数字。", code="password_characters")
        if not any(c.isdigit() for c in password):
            raise ValidationError("密码必须同时包含字母和数字。", code="password_needs_digit")

    def get_help_text(self):
        return "以字母开头，由字母和数字组成，8到20位。"


# Account names the platform issues, all stored upper-case: ID numbers (a final X), unified social credit codes
# (unit accounts) and built-in units' NZ<region><serial>. Any other name (the system admin's "admin", a
# superuser made with createsuperuser) is kept as typed.
_ISSUED_NAME = re.compile(r"^(\d{17}[\dXx]|[0-9A-Za-z]{18}|[Nn][Zz]\d{6,})$")


def normalise_username(raw: str | None) -> str:
    """ID numbers are stored with an upper-case X; accept a lower-case one at login, and lower-case letters in the
    account names the platform issues. Other usernames are only stripped of surrounding spaces."""
    name = (raw or "").strip()
    return name.upper() if _ISSUED_NAME.match(name) else name
