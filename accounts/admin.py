from django.contrib import admin

from .models import AuthEvent, RoleAssignment, User


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    raw_id_fields = ["unit", "region"]


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["username", "name", "kind", "unit", "registration", "is_active"]
    list_filter = ["kind", "registration", "is_active"]
    search_fields = ["username", "name"]
    raw_id_fields = ["unit"]
    exclude = ["password", "user_permissions", "groups"]
    inlines = [RoleInline]


@admin.register(AuthEvent)
class AuthEventAdmin(admin.ModelAdmin):
    list_display = ["at", "username", "role", "ip", "event", "outcome"]
    list_filter = ["event", "outcome"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
