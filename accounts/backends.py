from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from core.prepared import Prepared

from .lockout import normalise_username
from .sessions import user_loaded_with_session

_user = Prepared(lambda pk: get_user_model()._default_manager.filter(pk=pk))


class LoginBackend(ModelBackend):
    """Password login by ID number (persons) or unit account name; a lower-case x is accepted."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        return super().authenticate(request, username=normalise_username(username), password=password, **kwargs)

    def get_user(self, user_id):
        """The signed-in user of every request: the one read with this request's session (accounts.sessions), or
        by a query compiled once (core.prepared)."""
        try:
            user_id = int(user_id)
        except (TypeError, ValueError):
            return None
        user = user_loaded_with_session(user_id) or _user.first(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
