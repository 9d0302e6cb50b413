"""The unit pages that act for a person in a role: registering a unit and its account, the HR bureau's built-in
units, a unit admin's 管理设置 (unit information, post quotas) and publishing title news. Their data is orgs';
who may do what is accounts' (roles in scopes), so the pages live here, above orgs."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.files import StorageError, stored_file_response
from core.http import client_ip
from orgs.forms import AnnouncementForm, PostQuotaForm, UnitInfoForm
from orgs.models import Unit
from orgs.selectors import quota_get_for, quotas_for
from orgs.services import QuotaError, announcement_publish, post_quota_confirm, post_quota_save, unit_info_update

from .forms import BuiltinUnitForm, UnitRegistrationForm
from .models import Role
from .roles import roles_of
from .selectors import admin_unit_for
from .services import builtin_unit_create, unit_register
from .sms import SmsError


def unit_registration(request):
    form = UnitRegistrationForm(request=request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k in UnitRegistrationForm.Meta.fields}
        try:
            unit_register(
                fields=fields, password=form.cleaned_data["password1"], sms_code=form.cleaned_data["sms_code"],
                ip=client_ip(request),
            )
        except SmsError as error:
            form.add_error("sms_code", str(error))
        else:
            messages.success(request, "单位注册成功，请使用统一社会信用代码和密码登录。")
            return redirect("accounts:login")
    return render(request, "orgs/unit_register.html", {"form": form, "selected_region": form["region"].value()})


@login_required
@permission_required("orgs.create_builtin_unit", raise_exception=True)
def builtin_unit_new(request):
    form = BuiltinUnitForm(request.POST or None)
    form.fields["department"].queryset = Unit.objects.filter(kind=Unit.Kind.DEPARTMENT)
    if request.method == "POST" and form.is_valid():
        if not request.user.has_perm("orgs.create_builtin_unit_in", form.cleaned_data["region"]):
            form.add_error("region", "只能在本部门管辖的属地内创建内置单位。")
        else:
            account, password = builtin_unit_create(actor=request.user, fields=form.cleaned_data)
            return render(request, "orgs/builtin_unit_created.html", {"account": account, "password": password})
    return render(request, "orgs/builtin_unit_new.html", {"form": form, "selected_region": form["region"].value()})


# ---------------------------------------------------------------- 管理设置 (unit admins)

unit_admin_required = permission_required("accounts.review_registrations", raise_exception=True)


def _unit_param(request):
    value = request.GET.get("unit") or request.POST.get("unit")
    return int(value) if value and value.isdigit() else None


@login_required
@unit_admin_required
def unit_info(request):
    unit = admin_unit_for(request.user, _unit_param(request))
    return render(request, "orgs/unit_info.html", {"unit": unit})


@login_required
@unit_admin_required
def unit_info_edit(request):
    unit = admin_unit_for(request.user, _unit_param(request))
    form = UnitInfoForm(request.POST or None, instance=Unit.objects.get(pk=unit.pk))
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.changed_data if name != "credit_code"}
        unit_info_update(actor=request.user, unit=unit, fields=fields)
        messages.success(request, "单位信息已保存。")
        return redirect("orgs:unit_info")
    return render(request, "orgs/unit_info_edit.html", {"unit": unit, "form": form})


@login_required
@unit_admin_required
def quotas(request):
    unit = admin_unit_for(request.user, _unit_param(request))
    return render(request, "orgs/quotas.html", {"unit": unit, "quotas": quotas_for(request.user, unit)})


def _quota_form_page(request, quota=None):
    unit = quota.unit if quota else admin_unit_for(request.user, _unit_param(request))
    initial = {"year": quota.year, **{k: getattr(quota, k) for k, _ in quota.LEVELS}} if quota else None
    form = PostQuotaForm(request.POST or None, request.FILES or None, initial=initial)
    if not unit.is_public_institution:
        messages.info(request, "岗位核准信息只适用于事业单位。")
        return redirect("orgs:quotas")
    if quota and quota.confirmed:
        messages.error(request, "岗位核准信息确认后不能修改。")
        return redirect("orgs:quotas")
    if request.method == "POST" and form.is_valid():
        try:
            post_quota_save(actor=request.user, unit=unit, year=form.cleaned_data["year"],
                            vacancies=form.vacancies(), attachment=form.cleaned_data.get("attachment"), quota=quota)
        except QuotaError as error:
            form.add_error("year", str(error))
        except StorageError as error:
            form.add_error("attachment", str(error))
        else:
            messages.success(request, "岗位核准信息已保存。确认后不能再修改。")
            return redirect("orgs:quotas")
    return render(request, "orgs/quota_form.html", {"unit": unit, "form": form, "quota": quota})


@login_required
@unit_admin_required
def quota_new(request):
    return _quota_form_page(request)


@login_required
@unit_admin_required
def quota_edit(request, pk):
    return _quota_form_page(request, quota_get_for(request.user, pk))


@login_required
@unit_admin_required
@require_POST
def quota_confirm(request, pk):
    quota = quota_get_for(request.user, pk)
    try:
        post_quota_confirm(actor=request.user, quota=quota)
        messages.success(request, f"{quota.year}年度岗位核准信息已确认。")
    except QuotaError as error:
        messages.error(request, str(error))
    return redirect("orgs:quotas")


@login_required
@unit_admin_required
def quota_attachment(request, pk):
    quota = quota_get_for(request.user, pk)
    if not quota.attachment:
        raise Http404
    return stored_file_response(quota.attachment, name=quota.attachment_name, as_attachment=True)


# ---------------------------------------------------------------- 职称资讯


@login_required
@permission_required("orgs.publish_announcement", raise_exception=True)
def announcement_new(request):
    form = AnnouncementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        bureau = next((a.unit for a in roles_of(request.user) if a.role == Role.BUREAU_STAFF and a.unit), None)
        item = announcement_publish(actor=request.user, title=form.cleaned_data["title"],
                                    body=form.cleaned_data["body"], publisher=bureau or request.user.unit)
        messages.success(request, "职称资讯已发布。")
        return redirect("orgs:announcement", pk=item.pk)
    return render(request, "orgs/announcement_new.html", {"form": form})
