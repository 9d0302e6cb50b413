"""The project's own pages: each role's home and the demo's SMS outbox. They sit above every app, so they may
read from any of them."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from accounts.models import Role, SmsMessage, User
from accounts.roles import admin_unit_ids, role_names, roles_of


@login_required
def home(request):
    """Each role's home; a person holding several roles sees each role's panel."""
    user = request.user
    roles = role_names(user)
    context = {"roles": roles, "assignments": roles_of(user)}
    if Role.UNIT_ADMIN in roles:
        context["pending_staff"] = User.objects.filter(
            unit_id__in=admin_unit_ids(user), kind=User.Kind.PERSON, registration=User.Registration.PENDING
        ).count()
    return render(request, "zhicheng/home.html", context)


def sms_outbox(request):
    """Demo only: the development SMS backend's outbox. Absent unless DEBUG and the outbox backend are on."""
    if not settings.DEBUG or settings.SMS_BACKEND != "accounts.sms.OutboxBackend":
        raise Http404
    return render(request, "zhicheng/sms_outbox.html", {"messages_sent": SmsMessage.objects.all()[:30]})
