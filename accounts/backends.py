from django.contrib.auth.backends import ModelBackend

from .lockout import normalise_username


class LoginBackend(ModelBackend):
    """Password login by ID number (persons) or unit account name; a lower-case x is accepted."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        return super().authenticate(request, username=normalise_username(username), password=password, **kwargs)
