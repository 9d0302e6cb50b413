import re

from django.contrib.auth.backends import ModelBackend

from .models import User, person_username
from .validators import normalise_username

_ID_NUMBER = re.compile(r"\d{17}[\dX]")


def login_name(raw: str | None) -> str:
    """The account name a typed login name stands for: an ID number is found through its blind index (a person's
    account name is not the number); an unknown one gives the name its account would have, so that failures and
    lockouts are counted and audited against that name, never the number in clear."""
    name = normalise_username(raw)
    if _ID_NUMBER.fullmatch(name) and not User.objects.filter(username=name).exists():
        return User.objects.by_id_number(name).values_list("username", flat=True).first() or person_username(name)
    return name


class LoginBackend(ModelBackend):
    """Password login by ID number (persons) or unit account name; a lower-case x is accepted."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        return super().authenticate(request, username=login_name(username), password=password, **kwargs)
