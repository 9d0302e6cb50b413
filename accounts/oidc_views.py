"""The pages of government sign-in (accounts/oidc.py): start, the provider's callback, and where a sign-in that
did not end in one goes. All three answer 404 while no provider is configured (OIDC_ENABLED)."""

import requests
from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from accounts.audit import audit
from accounts.oidc import OUTCOME, VERIFIED_PERSON
from core.http import client_ip


def _enabled() -> None:
    if not settings.OIDC_ENABLED:
        raise Http404


def _to_login(request, outcome: str):
    return redirect(f"{reverse('accounts:login')}?oidc={outcome}")


def start(request):
    """使用…登录: to the provider's sign-in page, unless the provider does not answer at all (then the login page
    says so at once, rather than leaving the person on a browser error)."""
    _enabled()
    try:
        requests.head(settings.OIDC_OP_AUTHORIZATION_ENDPOINT, timeout=settings.OIDC_PROBE_SECONDS)
    except requests.RequestException:
        return _to_login(request, "down")
    request.session.pop(VERIFIED_PERSON, None)
    return OIDCAuthenticationRequestView.as_view()(request)


class _Callback(OIDCAuthenticationCallbackView):
    def login_success(self):
        response = super().login_success()
        audit(event="login", user=self.user, ip=client_ip(self.request), obj="oidc")
        return response


def callback(request):
    _enabled()
    request.session.pop(OUTCOME, None)
    return _Callback.as_view()(request)


def failed(request):
    """Where mozilla-django-oidc sends a callback that did not sign anyone in: a verified person without an account
    goes on to registration; everything else back to the login page with its reason."""
    _enabled()
    if request.session.get(VERIFIED_PERSON):
        messages.info(request, f"已通过{settings.OIDC_PROVIDER_NAME}核验您的姓名和身份证号。"
                               "首次使用请完成注册：选择工作单位、绑定手机号，并等待单位审核。")
        return redirect("accounts:register")
    return _to_login(request, request.session.pop(OUTCOME, "refused"))

