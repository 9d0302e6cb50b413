"""通知中心: the list (newest first, paged), 全部标为已读 / one read on opening it, the bell's count (fetched by
htmx after the page loads, so that no page pays a query for it) and the SMS choices per family."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core.paging import per_page

from .models import Family, Notice, Preference
from .services import notices_read, preferences_set


@login_required
def notice_list(request):
    page = Paginator(Notice.objects.filter(user=request.user), per_page(request, 20)).get_page(request.GET.get("page"))
    return render(request, "notices/list.html", {"page": page})


@login_required
def bell(request):
    unread = Notice.objects.filter(user=request.user, read_at__isnull=True).count()
    return render(request, "notices/_bell.html", {"unread": unread})


@login_required
@require_POST
def read(request):
    pk = request.POST.get("notice", "")
    if pk.isdigit():
        notices_read(user=request.user, pks=[int(pk)])
        notice = Notice.objects.filter(user=request.user, pk=int(pk)).first()
        if notice and notice.url and url_has_allowed_host_and_scheme(notice.url, allowed_hosts=None):
            return redirect(notice.url)
    else:
        notices_read(user=request.user)
    return redirect("notices:list")


@login_required
def preferences(request):
    off = set(Preference.objects.filter(user=request.user, sms=False).values_list("family", flat=True))
    if request.method == "POST":
        preferences_set(user=request.user, sms_on={f for f in request.POST.getlist("sms") if f in Family.values})
        messages.success(request, "已保存短信通知设置。")
        return redirect("notices:settings")
    return render(request, "notices/settings.html", {
        "families": [(value, label, value not in off) for value, label in Family.choices]})
