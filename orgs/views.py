from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import JsonResponse
from django.shortcuts import redirect, render

from accounts.forms import BuiltinUnitForm, UnitRegistrationForm
from accounts.services import builtin_unit_create, unit_register
from accounts.sms import SmsError
from core.http import client_ip

from .models import Unit
from .selectors import region_children, units_search


def unit_search(request):
    """htmx: units whose name matches what the applicant typed (public directory data only)."""
    units = units_search(term=request.GET.get("q", ""))
    return render(request, "orgs/_unit_options.html", {"units": units, "q": request.GET.get("q", "")})


def regions(request):
    """JSON for the 属地 cascader: the provinces, or the children of ?parent=CODE."""
    rows = region_children(parent_code=request.GET.get("parent") or None)
    return JsonResponse({"regions": [{"code": r.code, "name": r.name, "level": r.level} for r in rows]})


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
