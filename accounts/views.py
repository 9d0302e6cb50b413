from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST

from core.http import client_ip
from core.paging import per_page

from . import oidc
from .audit import audit, personal_numbers_viewed
from .forms import (
    AuditFilterForm,
    LoginForm,
    PasswordChangeForm,
    PasswordForgotForm,
    PasswordResetForm,
    ProfileForm,
    RegistrationDecisionForm,
    RegistrationForm,
    SmsSendForm,
)
from .middleware import SECOND_FACTOR_DUE, idle_seconds_left
from .models import SmsCode, User
from .second_factor import second_factor_due
from .selectors import audit_events_for, staff_registration_get_for, staff_registrations_for
from .services import (
    password_change,
    password_expired,
    password_reset,
    password_reset_code_send,
    person_register,
    profile_update,
    registration_decide,
)
from .sms import SmsError, sms_code_send, sms_send_permit


@login_required
def keepalive(request):
    """Nothing but a signed-in request: the page a person is typing into sends it while they are active, so that
    the idle timeout (IdleTimeoutMiddleware, which runs first) counts their typing as activity."""
    response = HttpResponse(status=204)
    response["Cache-Control"] = "no-store"
    return response


def session_state(request):
    """For a page that has told its reader she was signed out: whether this browser is signed in now (again, in
    another tab), as which account, with the CSRF token of that sign-in and the idle seconds left, so that the
    page can send what is still typed into it. Passive (IdleTimeoutMiddleware): asking restarts no idle clock."""
    if not request.user.is_authenticated:
        data = {"signed_in": False}
    else:
        data = {"signed_in": True, "account": request.user.pk, "csrf": get_token(request),
                "idle_left": idle_seconds_left(request.session, timezone.now())}
    response = JsonResponse(data)
    response["Cache-Control"] = "no-store"
    return response


def login_view(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = LoginForm(request=request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        login(request, form.user, backend="accounts.backends.LoginBackend")
        target = request.GET.get("next") if _safe_next(request) else reverse("home")
        if form.user.must_change_password:
            target = reverse("accounts:password_change")
        if second_factor_due(form.user):
            # Staff always, an applicant who switched the SMS code on: 二次验证 before any page (and before a
            # forced password change, which SecondFactorMiddleware keeps behind it).
            request.session[SECOND_FACTOR_DUE] = True
            return redirect(f"{reverse('accounts:second_factor')}?{urlencode({'next': target})}")
        # A forced password change: the change page itself says why (a flashed warning repeated it word for word).
        return redirect(target)
    outcome = request.GET.get("oidc")
    return render(request, "accounts/login.html", {
        "form": form, "timed_out": request.GET.get("timeout"), "expired": request.GET.get("expired"),
        "max_hours": settings.SESSION_COOKIE_AGE // 3600,
        "oidc_enabled": settings.OIDC_ENABLED, "oidc_provider": settings.OIDC_PROVIDER_NAME,
        "oidc_message": oidc.message(outcome) if outcome in oidc.MESSAGES else "",
    })


def _safe_next(request) -> bool:
    nxt = request.GET.get("next")
    return bool(nxt) and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()})


@require_POST
def logout_view(request):
    logout(request)
    return redirect("accounts:login")


def agreement(request):
    """The registration agreement on its own page, for a browser without JavaScript (the form opens it in a dialog)."""
    return render(request, "accounts/agreement.html")


def register(request):
    form = RegistrationForm(request=request, data=request.POST or None)
    verified = request.session.get(oidc.VERIFIED_PERSON) if settings.OIDC_ENABLED else None
    if verified:  # name and ID number as the identity provider verified them, not to be typed or changed
        for name in ("name", "id_number"):
            form.fields[name].disabled = True
            form.fields[name].initial = verified[name]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = person_register(
                name=data["name"], id_number=data["id_number"], gender=form.parsed_id.gender,
                birth_date=form.parsed_id.birth_date, email=data["email"], password=data["password1"],
                phone=data["phone"], sms_code=data["sms_code"], unit=data["unit"], ip=client_ip(request),
            )
        except SmsError as error:
            form.add_error("sms_code", str(error))
        else:
            messages.success(request, "注册成功。请等待单位管理员审核；审核通过前可以登录，但不能提交业绩或申报。")
            if form.id_warning:
                messages.warning(request, form.id_warning)
            if verified:  # signed in by the provider already: she goes on signed in
                request.session.pop(oidc.VERIFIED_PERSON, None)
                login(request, person, backend="accounts.oidc.GovernmentIdBackend")
                return redirect("home")
            return redirect("accounts:login")
    return render(request, "accounts/register.html", {"form": form})


# The answer to 获取验证码 whether or not a code went out: a phone with an account gets none for registration.
AUDIT_PAGE = 50

SMS_SENT = {
    SmsCode.Purpose.REGISTER: "如该手机号未注册过账号，验证码已发送，3分钟内有效。",
    SmsCode.Purpose.UNIT_REGISTER: "验证码已发送，3分钟内有效。",
    SmsCode.Purpose.OBJECTION: "验证码已发送，3分钟内有效。",
}


@require_POST
def sms_send(request):
    """htmx: send a code for registration. Answers with a short status line; the code is never in it, nor whether
    the phone has an account. The image captcha first (it is used up either way), then the limits every request
    meets (sms_send_permit); only then is it decided whether a code goes out."""
    form = SmsSendForm(request=request, data=request.POST)
    if not form.is_valid():
        bad_phone = "phone" in form.errors or "purpose" in form.errors
        message = "请先输入正确的11位手机号。" if bad_phone else form.errors["captcha"][0]
        return render(request, "accounts/_sms_status.html", {"message": message, "ok": False})
    phone, purpose = form.cleaned_data["phone"], form.cleaned_data["purpose"]
    try:
        sms_send_permit(ip=client_ip(request), phone=phone)
    except SmsError as error:
        return render(request, "accounts/_sms_status.html", {"message": str(error), "ok": False})
    if purpose != SmsCode.Purpose.REGISTER or not User.objects.by_phone(phone).exists():
        try:
            sms_code_send(phone=phone, purpose=purpose)
        except SmsError:
            # The database's own limits, behind the permit's: refused silently, as a phone with an account is.
            pass
    return render(request, "accounts/_sms_status.html", {"message": SMS_SENT[purpose], "ok": True})


_RESET = "password_reset"  # the session's pending 找回密码: the ID number and phone of step 1


def password_forgot(request):
    """找回密码, step 1: ID number, bound phone, captcha. A code goes to the phone if the pair is an account's;
    the answer is the same either way, and nothing changes until the code comes back in step 2."""
    form = PasswordForgotForm(request=request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        id_number, phone = form.cleaned_data["id_number"], form.cleaned_data["phone"]
        try:
            sms_send_permit(ip=client_ip(request), phone=phone)
        except SmsError as error:
            form.add_error(None, str(error))
        else:
            password_reset_code_send(id_number=id_number, phone=phone)
            request.session[_RESET] = {"id_number": id_number, "phone": phone}
            messages.info(request, "如身份证号与绑定手机号匹配，短信验证码已发送至该手机，3分钟内有效。")
            return redirect("accounts:password_reset")
    return render(request, "accounts/password_forgot.html", {"form": form})


def password_reset_view(request):
    """找回密码, step 2: the code sent to the bound phone and the new password. Only a right code changes anything."""
    pending = request.session.get(_RESET)
    if not pending:
        return redirect("accounts:password_forgot")
    form = PasswordResetForm(data=request.POST or None, **pending)
    if request.method == "POST" and form.is_valid():
        try:
            password_reset(
                **pending, code=form.cleaned_data["sms_code"], new_password=form.cleaned_data["password1"],
                ip=client_ip(request),
            )
        except SmsError as error:
            form.add_error("sms_code", str(error))
        except ValidationError as error:
            form.add_error("password1", error)
        else:
            del request.session[_RESET]
            messages.success(request, "密码已重置，请使用新密码登录。")
            return redirect("accounts:login")
    return render(request, "accounts/password_reset.html", {"form": form, "phone": pending["phone"]})


@login_required
def password_change_view(request):
    form = PasswordChangeForm(data=request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        password_change(user=request.user, new_password=form.cleaned_data["password1"], ip=client_ip(request))
        update_session_auth_hash(request, request.user)
        messages.success(request, "密码已修改。")
        return redirect("home")
    return render(request, "accounts/password_change.html", {
        "form": form, "expired": password_expired(request.user), "max_age": settings.STAFF_PASSWORD_MAX_AGE_DAYS})


@login_required
@permission_required("accounts.review_registrations", raise_exception=True)
def staff_registrations(request):
    term = request.GET.get("q", "")
    status = request.GET.get("status", "")
    qs = staff_registrations_for(request.user, term=term, status=status)
    page = Paginator(qs, per_page(request)).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/staff_registrations.html",
        {"page": page, "q": term, "status": status, "statuses": User.Registration.choices},
    )


@login_required
@permission_required("accounts.review_registrations", raise_exception=True)
def staff_registration_detail(request, pk: int):
    person = staff_registration_get_for(request.user, pk)
    form = RegistrationDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        registration_decide(
            actor=request.user, person=person, approve=approve, reason=form.cleaned_data["reason"],
            ip=client_ip(request),
        )
        messages.success(request, f"已{'通过' if approve else '驳回'} {person.name} 的注册申请。")
        return redirect("accounts:staff_registrations")
    personal_numbers_viewed(request, f"user:{person.pk}")
    return render(request, "accounts/staff_registration_detail.html", {"person": person, "form": form})


@login_required
@permission_required("accounts.view_audit_log", raise_exception=True)
def audit_log(request):
    """审计日志: 50 rows a page by keyset (?before=<row>), an event filter; each reading is itself recorded."""
    form = AuditFilterForm(request.GET or None)
    before, event = (form.cleaned_data["before"], form.cleaned_data["event"]) if form.is_valid() else (None, "")
    rows = list(audit_events_for(request.user, before=before, event=event)[:AUDIT_PAGE + 1])
    more = len(rows) > AUDIT_PAGE
    rows = rows[:AUDIT_PAGE]
    audit(event="audit_viewed", user=request.user, obj=f"audit_log before:{before or ''} event:{event}"[:200])
    return render(request, "accounts/audit_log.html", {
        "page": rows, "form": form, "next_before": rows[-1].pk if more else None, "event": event})


@login_required
def profile(request):
    """个人信息: the person's own account data (full ID number: it is their own) and editable fields."""
    form = ProfileForm(request.POST or None, instance=User.objects.get(pk=request.user.pk))
    if request.method == "POST" and form.is_valid():
        profile_update(user=request.user, fields={k: form.cleaned_data[k] for k in form.changed_data})
        messages.success(request, "个人信息已保存。")
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})
