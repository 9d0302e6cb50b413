"""The session engine: Django's database sessions, with the one read that every signed-in request makes (this
session's row) compiled once instead of built by the ORM each time (core.prepared)."""

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from core.prepared import Prepared

_row = Prepared(lambda key: Session.objects.filter(session_key=key).values_list("session_data", "expire_date"))


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        row = _row.first(self.session_key) if isinstance(self.session_key, str) else None
        if row is None or row[1] <= timezone.now():
            self._session_key = None
            return None
        return Session(session_key=self.session_key, session_data=row[0], expire_date=row[1])
