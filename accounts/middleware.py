from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from core.audit import reset_request_ip, set_request_ip
from core.http import client_ip

from .audit import audit
from .second_factor import is_staff_user

_REFRESH_EVERY = 60  # seconds: the idle clock's precision; a session write on every request would cost more

# Kept in the session's own data (seconds since the epoch), so that any session engine keeps them:
# the sign-in time, written by every sign-in (accounts.signals): a session ends SESSION_COOKIE_AGE after it
# whatever the activity;
SIGNED_IN_AT = "signed_in_at"
# the last request that counts as activity (the idle clock), rewritten at most once a minute.
LAST_SEEN = "last_seen"


def session_signed_in(session, now) -> None:
    """Start the session's absolute lifetime and its idle clock at `now` (a sign-in)."""
    session[SIGNED_IN_AT] = session[LAST_SEEN] = int(now.timestamp())


def idle_seconds_left(session, now) -> int:
    """Seconds until the session times out for idleness (the full timeout when its clock has not started)."""
    last = session.get(LAST_SEEN)
    idle = now.timestamp() - last if isinstance(last, int) else 0
    return max(0, int(settings.SESSION_IDLE_TIMEOUT.total_seconds() - idle))


class IdleTimeoutMiddleware:
    """Log out a session 12 hours (SESSION_COOKIE_AGE) after its sign-in whatever the activity, and a session idle
    for longer than SESSION_IDLE_TIMEOUT (30 minutes). Both times are in the session's data: the sign-in time
    (SIGNED_IN_AT; a signed-in session without one is ended) and the last request (LAST_SEEN), which a request
    rewrites at most once a minute (the session is then saved, its expiry moving on with it).

    accounts:session_state is passive: it is timed out like any request, but answers itself (signed out) instead
    of being sent to the login page, and it does not restart the idle clock, so a page that asks whether its
    reader has signed in again never keeps a session alive."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.timeout = settings.SESSION_IDLE_TIMEOUT.total_seconds()
        self.max_age = settings.SESSION_COOKIE_AGE
        self._passive = None

    def __call__(self, request):
        if request.user.is_authenticated:
            if self._passive is None:
                self._passive = reverse("accounts:session_state")
            passive = request.path == self._passive
            session, now = request.session, timezone.now().timestamp()
            signed_in = session.get(SIGNED_IN_AT)
            last = session.get(LAST_SEEN)
            if not isinstance(last, int):  # a session saved before the clock was kept: it starts now
                last = None
            if not isinstance(signed_in, int) or now - signed_in > self.max_age:
                self._sign_out(request, why="session_age")
                if not passive:
                    return redirect(f"{reverse('accounts:login')}?expired=1")
            elif last is not None and now - last > self.timeout:
                self._sign_out(request, why="")
                if not passive:
                    return redirect(f"{reverse('accounts:login')}?timeout=1")
            elif not passive and (last is None or now - last >= _REFRESH_EVERY):
                session[LAST_SEEN] = int(now)
        return self.get_response(request)

    @staticmethod
    def _sign_out(request, *, why: str) -> None:
        user = request.user
        logout(request)
        audit(event="idle_timeout", user=user, ip=client_ip(request), obj=why)


# Set by the login view when an applicant who switched on the SMS second factor signs in with her password; staff
# need no mark: their roles say it on every request.
SECOND_FACTOR_DUE = "second_factor_due"


class SecondFactorMiddleware:
    """No page for a signed-in staff member (accounts.second_factor.is_staff_user) until this session has passed
    the second factor (django-otp's OTPMiddleware, which runs before, answers request.user.is_verified()): every
    other URL redirects to 二次验证, which sends a person without an authenticator on to its enrolment. The same
    for an applicant whose sign-in asked for her SMS code. Open meanwhile: those pages, 退出 and static files."""

    allowed_prefixes = ("/accounts/second-factor/", "/accounts/logout/", "/static/", "/dev/sms/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (user.is_authenticated and not request.path.startswith(self.allowed_prefixes)
                and (request.session.get(SECOND_FACTOR_DUE) or is_staff_user(user)) and not user.is_verified()):
            return redirect(f"{reverse('accounts:second_factor')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


class ForcePasswordChangeMiddleware:
    """Until an account given its password by someone else (a built-in unit's initial password) has changed it,
    only the change page is open."""

    allowed_prefixes = (
        "/accounts/password/change/", "/accounts/second-factor/", "/accounts/logout/", "/static/", "/captcha",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.must_change_password and not request.path.startswith(self.allowed_prefixes):
            return redirect("accounts:password_change")
        return self.get_response(request)


def is_download(response) -> bool:
    """A file leaving the platform: a stored file, a print, an Excel export, a certificate PDF (every one is sent
    with a Content-Disposition, or by the reverse proxy through X-Accel-Redirect)."""
    return response.status_code == 200 and (response.has_header("Content-Disposition")
                                            or response.has_header("X-Accel-Redirect"))


class AuditContextMiddleware:
    """The request's client IP for every audit row written while it runs (core.audit.record), and one audit row
    for every download or export: who, in which roles, the path (the object), from where."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = set_request_ip(client_ip(request))
        try:
            response = self.get_response(request)
            if is_download(response):
                user = request.user if request.user.is_authenticated else None
                audit(event="download", user=user, obj=request.get_full_path()[:200])
            return response
        finally:
            reset_request_ip(token)
