"""Framework hooks only: Django's auth signals feed the audit log, and a sign-in starts the session's 12 hours."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils import timezone

from core.http import client_ip

from .audit import audit
from .lockout import username_from_request
from .middleware import session_signed_in
from .services import staff_password_expire


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    if request is not None:  # login() always has one; a signal sent by hand may not
        session_signed_in(request.session, timezone.now())
    audit(event="login", user=user, ip=client_ip(request) if request else None)
    staff_password_expire(user=user)  # an expired staff password: the change page until it is changed


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit(event="logout", user=user, ip=client_ip(request) if request else None)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    audit(
        event="login_failed",
        username=username_from_request(request, credentials),
        ip=client_ip(request) if request else None,
        outcome="failure",
    )
