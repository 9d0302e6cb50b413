from datetime import timedelta

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from core.http import client_ip

from .audit import audit

_REFRESH_EVERY = timedelta(seconds=60)  # the idle clock's precision; a write on every request would cost more


class IdleTimeoutMiddleware:
    """Log out a session idle for longer than SESSION_IDLE_TIMEOUT (30 minutes). The session's last request is
    kept in its row (accounts.sessions: `last_seen`, `touch`), updated at most once a minute.

    accounts:session_state is passive: it is timed out like any request, but answers itself (signed out) instead
    of being sent to the login page, and it does not restart the idle clock, so a page that asks whether its
    reader has signed in again never keeps a session alive."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.timeout = settings.SESSION_IDLE_TIMEOUT
        self._passive = None

    def __call__(self, request):
        if request.user.is_authenticated:
            if self._passive is None:
                self._passive = reverse("accounts:session_state")
            passive = request.path == self._passive
            session, now = request.session, timezone.now()
            last = session.last_seen
            if last is not None and now - last > self.timeout:
                user = request.user
                logout(request)
                audit(event="idle_timeout", user=user, ip=client_ip(request))
                if not passive:
                    return redirect(f"{reverse('accounts:login')}?timeout=1")
            elif not passive and (last is None or now - last >= _REFRESH_EVERY):
                session.touch(now)
        return self.get_response(request)


class ForcePasswordChangeMiddleware:
    """After a reset (temporary password) or a built-in account's first login, only the change page is open."""

    allowed_prefixes = ("/accounts/password/change/", "/accounts/logout/", "/static/", "/captcha")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.must_change_password and not request.path.startswith(self.allowed_prefixes):
            return redirect("accounts:password_change")
        return self.get_response(request)
