"""二次验证: the code page after the password, the authenticator's enrolment, the applicant's SMS switch and the
HR bureau's reset of a person's devices (accounts.second_factor holds the rules)."""

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.http import client_ip

from .forms import SecondFactorForm, SmsFactorForm
from .middleware import SECOND_FACTOR_DUE
from .second_factor import (
    SecondFactorError,
    is_staff_user,
    may_reset_second_factors,
    second_factor_account_get_for,
    second_factor_accounts_for,
    second_factor_reset,
    second_factor_verify,
    sms_device,
    sms_factor_send,
    sms_factor_switch,
    sms_factor_verify,
    totp_device,
    totp_enrol_confirm,
    totp_enrolment,
    totp_qr_data_uri,
)
from .sms import SmsError


def _next(request) -> str:
    nxt = request.GET.get("next") or request.POST.get("next") or ""
    return nxt if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}) else "/"


def _page(request, template, context):
    # second_factor_page: base.html shows neither the menu nor the bell before the second factor.
    return render(request, template, {"second_factor_page": True, "next": _next(request), **context})


@login_required
def second_factor(request):
    """二次验证: the authenticator's code (or a recovery code) for staff, the SMS code for an applicant who chose it."""
    user = request.user
    if user.is_verified():
        return redirect(_next(request))
    staff = is_staff_user(user)
    if staff and totp_device(user) is None:
        return redirect(f"{reverse('accounts:second_factor_enrol')}?{request.GET.urlencode()}")
    if not staff and not request.session.get(SECOND_FACTOR_DUE):
        return redirect(_next(request))
    form = SecondFactorForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            if staff:
                second_factor_verify(request=request, token=form.cleaned_data["code"], ip=client_ip(request))
            else:
                sms_factor_verify(request=request, code=form.cleaned_data["code"], ip=client_ip(request))
        except SecondFactorError as error:
            form.add_error("code", str(error))
        else:
            request.session.pop(SECOND_FACTOR_DUE, None)
            return redirect(_next(request))
    if not staff:
        form.fields["code"].label = "短信验证码"
    return _page(request, "accounts/second_factor.html", {"form": form, "staff": staff, "phone": user.phone})


@login_required
def second_factor_enrol(request):
    """绑定身份验证器: a staff member without one scans the QR code and confirms with a first code; the ten
    recovery codes are then shown once. Someone who has one (or has passed the second factor) cannot enrol
    another here: the HR bureau resets it first."""
    user = request.user
    if not is_staff_user(user) or totp_device(user) is not None:
        return redirect(f"{reverse('accounts:second_factor')}?{request.GET.urlencode()}")
    device = totp_enrolment(user)
    form = SecondFactorForm(request.POST if request.method == "POST" else None)
    form.fields["code"].label = "身份验证器显示的6位验证码"
    if request.method == "POST" and form.is_valid():
        try:
            codes = totp_enrol_confirm(request=request, token=form.cleaned_data["code"], ip=client_ip(request))
        except SecondFactorError as error:
            form.add_error("code", str(error))
        else:
            return _page(request, "accounts/second_factor_codes.html", {"codes": codes})
    return _page(request, "accounts/second_factor_enrol.html", {
        "form": form, "qr": totp_qr_data_uri(device), "secret": _grouped(device.bin_key),
        "uri": device.config_url,
    })


def _grouped(key: bytes) -> str:
    """The secret in base32, as an authenticator app takes it when typed, in groups of four."""
    encoded = base64.b32encode(key).decode().rstrip("=")
    return " ".join(encoded[i:i + 4] for i in range(0, len(encoded), 4))


@login_required
@require_POST
def second_factor_sms_send(request):
    """获取短信验证码 on the 二次验证 page of an applicant who switched it on."""
    if request.session.get(SECOND_FACTOR_DUE) and sms_device(request.user) is not None:
        try:
            sms_factor_send(user=request.user, ip=client_ip(request))
        except SmsError as error:
            messages.error(request, str(error))
        else:
            messages.info(request, "验证码已发送至您绑定的手机，3分钟内有效。")
    return redirect(f"{reverse('accounts:second_factor')}?{request.GET.urlencode()}")


@login_required
def security(request):
    """登录安全: an applicant switches the SMS second factor on or off (staff always sign in with theirs)."""
    user = request.user
    staff = is_staff_user(user)
    form = SmsFactorForm(request.POST if request.method == "POST" else None,
                         initial={"on": sms_device(user) is not None})
    if request.method == "POST" and not staff and form.is_valid():
        try:
            sms_factor_switch(user=user, on=form.cleaned_data["on"], ip=client_ip(request))
        except SecondFactorError as error:
            form.add_error("on", str(error))
        else:
            messages.success(request, "已开启短信二次验证。" if form.cleaned_data["on"] else "已关闭短信二次验证。")
            return redirect("accounts:security")
    return render(request, "accounts/security.html", {"form": form, "staff": staff, "phone": user.phone})


@login_required
def second_factor_accounts(request):
    """二次验证重置 (HR bureau, system admin): the staff accounts in scope, whether each has an authenticator."""
    if not may_reset_second_factors(request.user):
        raise Http404
    term = request.GET.get("q", "")
    qs = second_factor_accounts_for(request.user, term=term).annotate(
        enrolled=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)))
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(request, "accounts/second_factor_accounts.html", {"page": page, "q": term})


@login_required
@require_POST
def second_factor_account_reset(request, pk: int):
    person = second_factor_account_get_for(request.user, pk)
    second_factor_reset(actor=request.user, person=person, ip=client_ip(request))
    messages.success(request, f"已重置 {person.name} 的二次验证，其下次登录时须重新绑定身份验证器。")
    return redirect("accounts:second_factor_accounts")
