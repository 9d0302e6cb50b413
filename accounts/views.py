from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.http import client_ip

from .forms import (
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    RegistrationDecisionForm,
    RegistrationForm,
    SmsSendForm,
)
from .models import User
from .selectors import auth_events_for, staff_registration_get_for, staff_registrations_for
from .services import password_change, password_reset, person_register, registration_decide
from .sms import SmsError, sms_code_send


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
        last = request.session.last_seen or timezone.now()
        left = settings.SESSION_IDLE_TIMEOUT - (timezone.now() - last)
        data = {"signed_in": True, "account": request.user.pk, "csrf": get_token(request),
                "idle_left": max(0, int(left.total_seconds()))}
    response = JsonResponse(data)
    response["Cache-Control"] = "no-store"
    return response


def login_view(request):
    if request.user.is_authenticated:
        return redirect("core:home")
    form = LoginForm(request=request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        login(request, form.user, backend="accounts.backends.LoginBackend")
        if form.user.must_change_password:
            # The change page itself says why (a second, flashed warning repeated it word for word).
            return redirect("accounts:password_change")
        return redirect(request.GET.get("next") if _safe_next(request) else "core:home")
    return render(request, "accounts/login.html", {"form": form, "timed_out": request.GET.get("timeout")})


def _safe_next(request) -> bool:
    from django.utils.http import url_has_allowed_host_and_scheme

    nxt = request.GET.get("next")
    return bool(nxt) and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()})


@require_POST
def logout_view(request):
    logout(request)
    return redirect("accounts:login")


def register(request):
    form = RegistrationForm(request=request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person_register(
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
            return redirect("accounts:login")
    return render(request, "accounts/register.html", {"form": form})


@require_POST
def sms_send(request):
    """htmx: send a code for registration. Answers with a short status line; the code is never in it."""
    form = SmsSendForm(request.POST)
    if not form.is_valid():
        message, ok = "请先输入正确的11位手机号。", False
    else:
        phone = form.cleaned_data["phone"]
        if form.cleaned_data["purpose"] == "register" and User.objects.filter(phone=phone).exists():
            message, ok = "该手机号已绑定其他账号，一个手机号只能注册一个账号。", False
        else:
            try:
                sms_code_send(phone=phone, purpose=form.cleaned_data["purpose"])
                message, ok = "验证码已发送，3分钟内有效。", True
            except SmsError as error:
                message, ok = str(error), False
    return render(request, "accounts/_sms_status.html", {"message": message, "ok": ok})


def password_forgot(request):
    form = PasswordResetForm(request=request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = User.objects.filter(
            id_number=form.cleaned_data["id_number"], phone=form.cleaned_data["phone"], is_active=True
        ).first()
        if user is not None:
            try:
                password_reset(user=user, ip=client_ip(request))
            except SmsError:
                # Too soon or too often: nothing is sent. Saying so would answer differently for a matching
                # pair than for any other, and tell a stranger that this ID number and phone belong together.
                pass
        # The same answer whether or not the pair matched an account.
        messages.info(request, "如身份证号与绑定手机号匹配，临时密码已通过短信发送，请用临时密码登录后修改密码。")
        return redirect("accounts:login")
    return render(request, "accounts/password_forgot.html", {"form": form})


@login_required
def password_change_view(request):
    form = PasswordChangeForm(data=request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        password_change(user=request.user, new_password=form.cleaned_data["password1"], ip=client_ip(request))
        update_session_auth_hash(request, request.user)
        messages.success(request, "密码已修改。")
        return redirect("core:home")
    return render(request, "accounts/password_change.html", {"form": form})


@login_required
@permission_required("accounts.review_registrations", raise_exception=True)
def staff_registrations(request):
    term = request.GET.get("q", "")
    status = request.GET.get("status", "")
    qs = staff_registrations_for(request.user, term=term, status=status)
    page = Paginator(qs, 10).get_page(request.GET.get("page"))
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
    return render(request, "accounts/staff_registration_detail.html", {"person": person, "form": form})


@login_required
@permission_required("accounts.view_audit_log", raise_exception=True)
def audit_log(request):
    page = Paginator(auth_events_for(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "accounts/audit_log.html", {"page": page})


@login_required
def profile(request):
    """个人信息: the person's own account data (full ID number: it is their own) and editable fields."""
    from .forms import ProfileForm
    from .services import profile_update

    form = ProfileForm(request.POST or None, instance=User.objects.get(pk=request.user.pk))
    if request.method == "POST" and form.is_valid():
        profile_update(user=request.user, fields={k: form.cleaned_data[k] for k in form.changed_data})
        messages.success(request, "个人信息已保存。")
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})
