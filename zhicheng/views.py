"""The project's own pages: each role's home and the demo's SMS outbox. They sit above every app, so they may
read from any of them."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from accounts.models import Role, SmsMessage
from accounts.roles import role_names, roles_of

from . import home as panels

STAFF_ROLES = {Role.UNIT_ADMIN, Role.DEPARTMENT_REVIEWER, Role.BUREAU_STAFF, Role.COMMITTEE_STAFF}


@login_required
def home(request):
    """Each role's home; a person holding several roles sees each role's panel."""
    user = request.user
    roles = role_names(user)
    context = {"roles": roles, "assignments": roles_of(user)}
    if Role.APPLICANT in roles and user.is_approved:
        context["applicant"] = panels.applicant_home(user)
    if Role.UNIT_ADMIN in roles:
        context["unit_records"] = panels.unit_record_panel(user)
        context["pending_staff"] = context["unit_records"]["pending_staff"]
    if roles & STAFF_ROLES:
        context["desks"] = panels.desk_panels(user)
        context["plan_deadlines"] = panels.open_plans()
    if Role.EXPERT in roles:
        context["expert"] = panels.expert_panel(user)
        context.setdefault("notices", panels.latest_notices())
    return render(request, "zhicheng/home.html", context)


def sms_outbox(request):
    """Demo only: the development SMS backend's outbox. Absent unless DEBUG and the outbox backend are on."""
    if not settings.DEBUG or settings.SMS_BACKEND != "accounts.sms.OutboxBackend":
        raise Http404
    return render(request, "zhicheng/sms_outbox.html", {"messages_sent": SmsMessage.objects.all()[:30]})
