from accounts.roles import role_names

from .navigation import nav_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = role_names(user)
    items = nav_for(roles)
    if user.must_change_password:
        # ForcePasswordChangeMiddleware closes every other page; do not offer links that bounce back.
        items = [item for item in items if item.url_name == "accounts:password_change"]
    return {"nav_items": items, "user_roles": roles, "nav_active_url": _active_url(request.path, items)}


def _active_url(path: str, items) -> str:
    """The menu entry for this page: the longest entry URL that the path starts with ("/" only for itself)."""
    from django.urls import reverse

    best = ""
    for item in items:
        url = reverse(item.url_name)
        if (path == url or (url != "/" and path.startswith(url))) and len(url) > len(best):
            best = url
    return best
