import functools

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

from accounts.models import Role
from accounts.roles import admin_unit_ids, role_names
from dossier.catalogue import catalogue
from orgs.models import Unit

from .navigation import nav_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = role_names(user)
    public = Role.UNIT_ADMIN in roles and Unit.objects.filter(
        pk__in=admin_unit_ids(user), nature=Unit.Nature.PUBLIC_INSTITUTION).exists()
    items, links = _entries(frozenset(roles), public, catalogue().withdrawal, user.must_change_password,
                            get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    return {
        "nav_items": items, "nav_links": links, "user_roles": roles,
        "nav_active_url": _active_url(request.path, links),
        # The idle timeout, for the page's warning before it (static/js/app.js).
        "idle_seconds": int(settings.SESSION_IDLE_TIMEOUT.total_seconds()),
    }


@functools.lru_cache(maxsize=256)
def _entries(roles: frozenset, public_institution: bool, withdrawal: bool, must_change_password: bool, _prefix: str,
             _urlconf: str) -> tuple[list, list]:
    """The entries these roles see and their URLs, worked out once per combination of roles, the catalogue's
    撤回 (a province preset may have none), URL prefix and URLconf rather than on every page. Callers must not
    change the lists."""
    items = nav_for(roles, public_institution, withdrawal)
    if must_change_password:
        # ForcePasswordChangeMiddleware closes every other page; do not offer links that bounce back.
        items = [item for item in items if item.url_name == "accounts:password_change"]
    return items, [(item, reverse(item.url_name)) for item in items]


def _active_url(path: str, links) -> str:
    """The menu entry for this page: the longest entry URL that the path starts with ("/" only for itself)."""
    best = ""
    for _item, url in links:
        if (path == url or (url != "/" and path.startswith(url))) and len(url) > len(best):
            best = url
    return best
