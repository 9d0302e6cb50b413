"""The organisation directory's own pages: unit search, the region cascader, title news. The /units/ pages that
act for a person in a role (registration, a unit admin's settings and quotas, publishing news) are
accounts/unit_views.py: orgs knows nothing of people. zhicheng/urls.py mounts both under /units/ (`orgs:`)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render

from core.paging import per_page

from .models import Announcement
from .selectors import region_children, units_search


def unit_search(request):
    """htmx: units whose name matches what the applicant typed (public directory data only)."""
    units = units_search(term=request.GET.get("q", ""))
    return render(request, "orgs/_unit_options.html", {"units": units, "q": request.GET.get("q", "")})


def regions(request):
    """JSON for the 属地 cascader: the provinces, or the children of ?parent=CODE."""
    rows = region_children(parent_code=request.GET.get("parent") or None)
    return JsonResponse({"regions": [{"code": r.code, "name": r.name, "level": r.level} for r in rows]})


@login_required
def announcements(request):
    paginator = Paginator(Announcement.objects.select_related("publisher"), per_page(request))
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "orgs/announcements.html", {"page": page})


@login_required
def announcement_detail(request, pk):
    # Published news is public to every signed-in user: no scoping needed.
    return render(request, "orgs/announcement_detail.html",
                  {"item": get_object_or_404(Announcement.objects.select_related("publisher"), pk=pk)})
