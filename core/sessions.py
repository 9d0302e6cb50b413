"""Sessions read from the shared cache and written through to the database (Django's cached_db), which go on
working from the database alone while the cache server is down: nobody is signed out and people can sign in
when Redis stops (docs/drills.md, redis-stop). Django's cached_db ignores a failing cache when it reads a
session, but not when it fills the cache after a database read, nor when it checks that a new session key is
free (sign-in), nor when it deletes one (sign-out).

SESSION_ENGINE = "core.sessions" (settings, when CACHE_URL is set).
"""

import logging
import time

from django.contrib.sessions.backends import cached_db

logger = logging.getLogger(__name__)
_QUIET_SECONDS = 60


class TolerantCache:
    """The session cache, each call failing softly: a read misses, a write or a delete is skipped (the database
    holds the session), and the failure is logged at most once a minute per process."""

    _logged_at = 0.0

    def __init__(self, cache):
        self._cache = cache

    def _failed(self, operation: str, error: Exception) -> None:
        now = time.monotonic()
        if now - TolerantCache._logged_at > _QUIET_SECONDS:
            TolerantCache._logged_at = now
            logger.warning("session cache %s failed (%s); sessions are served from the database", operation, error)

    def get(self, key, default=None):
        try:
            return self._cache.get(key, default)
        except Exception as error:  # any failure of the cache server, whatever its client raises
            self._failed("get", error)
            return default

    def set(self, key, value, timeout=None):
        try:
            self._cache.set(key, value, timeout)
        except Exception as error:
            self._failed("set", error)

    def delete(self, key):
        try:
            return self._cache.delete(key)
        except Exception as error:
            self._failed("delete", error)
            return False

    def __contains__(self, key):
        try:
            return key in self._cache
        except Exception as error:
            self._failed("has_key", error)
            return False


    def __getattr__(self, name):  # anything else (the async methods): as the cache itself
        return getattr(self._cache, name)


class SessionStore(cached_db.SessionStore):
    def __init__(self, session_key=None):
        super().__init__(session_key)
        self._cache = TolerantCache(self._cache)
