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
    return {"nav_items": items, "user_roles": roles}
