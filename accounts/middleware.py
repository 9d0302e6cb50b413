import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

from core.http import client_ip

from .audit import audit

_LAST_SEEN = "last_seen"
_REFRESH_EVERY = 60  # seconds; refreshing on every request would write the session row every time


class IdleTimeoutMiddleware:
    """Log out a session idle for longer than SESSION_IDLE_TIMEOUT (30 minutes)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.timeout = settings.SESSION_IDLE_TIMEOUT.total_seconds()

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            last = request.session.get(_LAST_SEEN, now)
            if now - last > self.timeout:
                user = request.user
                logout(request)
                audit(event="idle_timeout", user=user, ip=client_ip(request))
                return redirect(f"{reverse('accounts:login')}?timeout=1")
            if now - last >= _REFRESH_EVERY or _LAST_SEEN not in request.session:
                request.session[_LAST_SEEN] = now
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
