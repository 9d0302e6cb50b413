"""The session engine: Django's database sessions, stored with the id of the signed-in user (accounts.Session),
so that the one read every signed-in request makes brings the session's row, its user's row and the user's role
assignments at once (one query compiled once, core.prepared) instead of three.

The user read with the session is handed to the authentication backend (accounts.backends) for this request
only: Django's `auth.get_user` loads the session and then asks the backend for the user whose id the session
holds; the backend takes the user read with this session if the ids agree, and reads it by id otherwise."""

from contextvars import ContextVar

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import db
from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone

from core.prepared import Prepared

from .models import RoleAssignment, Session, User
from .roles import remember_roles

_USER = [f.attname for f in User._meta.concrete_fields]
_ROLE = [f.attname for f in RoleAssignment._meta.concrete_fields]
# One row per role assignment (one row, its role columns NULL, for a user without any; user columns NULL for a
# session without a user); in the order of the assignments' ids.
_row = Prepared(lambda key: Session.objects.filter(session_key=key).order_by("user__roles__id").values_list(
    "session_data", "expire_date", "last_seen",
    *(f"user__{name}" for name in _USER), *(f"user__roles__{name}" for name in _ROLE),
))
_FIRST_USER = 3  # the position of the user's columns in a row

_loaded: ContextVar[User | None] = ContextVar("session_user", default=None)


def user_loaded_with_session(user_id: int) -> User | None:
    """The user read with the session this request just loaded, if it is `user_id`; taken once."""
    user = _loaded.get()
    if user is None:
        return None
    _loaded.set(None)
    return user if user.pk == user_id else None


class SessionStore(db.SessionStore):
    _last_seen = None

    @classmethod
    def get_model_class(cls):
        return Session

    @property
    def last_seen(self):
        """When this session last had a request (to the minute, as touch() keeps it), or None if unknown."""
        self._get_session()  # loads the row once
        return self._last_seen

    def touch(self, now) -> None:
        """Record a request at `now` in the session's row, without rewriting the session; its expiry moves on as
        a save would move it."""
        if self.session_key is not None:
            Session.objects.filter(session_key=self.session_key).update(
                last_seen=now, expire_date=self.get_expiry_date(modification=now))
        self._last_seen = now

    def _get_session_from_db(self):
        _loaded.set(None)
        rows = _row.all(self.session_key) if isinstance(self.session_key, str) else []
        if not rows or rows[0][1] <= timezone.now():
            self._session_key = None
            return None
        data, expire_date, self._last_seen = rows[0][:_FIRST_USER]
        end = _FIRST_USER + len(_USER)
        if rows[0][_FIRST_USER] is not None:  # the user's id
            user = User.from_db(DEFAULT_DB_ALIAS, _USER, rows[0][_FIRST_USER:end])
            remember_roles(user, [RoleAssignment.from_db(DEFAULT_DB_ALIAS, _ROLE, row[end:])
                                  for row in rows if row[end] is not None])
            _loaded.set(user)
        return Session(session_key=self.session_key, session_data=data, expire_date=expire_date)

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        session.last_seen = self._last_seen = timezone.now()  # a save comes from a request
        try:
            session.user_id = int(data.get(SESSION_KEY))
        except (TypeError, ValueError):
            session.user_id = None
        return session
