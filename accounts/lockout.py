"""django-axes policy: 5 failures, each within 15 minutes of the previous one, lock an account for 30 minutes.

Axes counts the failures of an attempt row whose last failure is newer than the cool-off threshold. Returning
the 15-minute window while the account is below the limit, and the 30-minute lockout once it has reached it,
gives both rules with axes's own bookkeeping. Each attempt row stores its own expiry
(AXES_USE_ATTEMPT_EXPIRATION): without it axes purges every account's rows with the cool-off of whoever is
logging in right now, so anyone else's login would cut a 30-minute lockout down to 15 minutes.
"""

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render

from core.http import client_ip

from .audit import audit
from .backends import login_name
from .forms import LoginForm
from .validators import normalise_username


def _typed(request, credentials) -> str:
    if credentials and credentials.get("username"):
        return normalise_username(credentials["username"])
    if request is not None and hasattr(request, "POST"):
        return normalise_username(request.POST.get("username"))
    return ""


def username_from_request(request, credentials) -> str:
    """The account name attempts are counted and audited under: for an ID number, the person's account name
    (accounts.backends.login_name), so that neither axes's rows nor the audit log hold the number in clear."""
    typed = _typed(request, credentials)
    return login_name(typed) if typed else ""


def cool_off(request):
    username = username_from_request(request, None) if request is not None else ""
    if username:
        failures = (
            AccessAttempt.objects.filter(username=username).aggregate(n=Sum("failures_since_start"))["n"] or 0
        )
        if failures >= settings.AXES_FAILURE_LIMIT:
            return settings.AXES_LOCKOUT_DURATION
    return settings.AXES_FAILURE_WINDOW


def lockout_response(request, original_response=None, credentials=None):
    """The same page for every locked username, known or not, so a lockout reveals nothing."""
    audit(
        event="lockout",
        username=username_from_request(request, credentials),
        ip=client_ip(request),
        outcome="locked",
    )
    # An unbound form: validating the posted one would call authenticate() again and count another failure.
    form = LoginForm(request=request, initial={"username": _typed(request, credentials)})
    minutes = int(settings.AXES_LOCKOUT_DURATION.total_seconds() // 60)
    return render(
        request,
        "accounts/login.html",
        {"form": form, "locked_message": f"登录失败次数过多，账号已锁定，请{minutes}分钟后再试。"},
        status=403,
    )
