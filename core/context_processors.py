from accounts.roles import role_names

from .navigation import nav_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = role_names(user)
    return {"nav_items": nav_for(roles), "user_roles": roles}
