"""Framework hooks only: Django's auth signals feed the audit log."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from core.http import client_ip

from .audit import audit
from .lockout import username_from_request


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    audit(event="login", user=user, ip=client_ip(request) if request else None)


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
