from django.contrib import admin

from core.fields import blind_match
from core.masking import mask_id_number, mask_phone
from core.models import AuditEvent

from .audit import audit
from .backends import login_name
from .models import RoleAssignment, User


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    raw_id_fields = ["unit", "region"]


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    """The system administrator manages accounts and roles but sees no personal numbers (separation of duties):
    the account (a person's ID number), the ID number and the phone appear masked and cannot be edited here."""

    list_display = ["masked_username", "kind", "unit", "registration", "is_active"]
    list_filter = ["kind", "registration", "is_active"]
    search_fields = ["username"]
    raw_id_fields = ["unit"]
    exclude = ["password", "user_permissions", "groups", "username", "id_number", "phone", "name", "email",
               "gender", "birth_date", "political_status"]
    readonly_fields = ["masked_username", "masked_id_number", "masked_phone", "password_changed_at", "last_login"]
    inlines = [RoleInline]

    def get_search_results(self, request, queryset, search_term):
        """The account name as typed, or a full ID number or phone through its blind index."""
        results, duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term:
            results |= queryset.filter(blind_match("id_number", term) | blind_match("phone", term))
        return results, duplicates

    @admin.display(description="账号")
    def masked_username(self, obj):
        return mask_id_number(obj.id_number) if obj.kind == User.Kind.PERSON else obj.username

    @admin.display(description="身份证号")
    def masked_id_number(self, obj):
        return mask_id_number(obj.id_number)

    @admin.display(description="手机号")
    def masked_phone(self, obj):
        return mask_phone(obj.phone)

    def has_add_permission(self, request):
        return False

    def save_formset(self, request, form, formset, change):
        """Role grants and revocations made here are audited."""
        instances = formset.save(commit=False)
        for removed in formset.deleted_objects:
            audit(event="role_revoked", user=request.user, obj=f"user:{removed.user_id} {removed}"[:200])
            removed.delete()
        for assignment in instances:
            assignment.save()
            audit(event="role_granted", user=request.user,
                  obj=f"user:{assignment.user_id} {assignment}"[:200])
        formset.save_m2m()


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only; every reading of the log is itself recorded."""

    list_display = ["at", "masked_username", "role", "ip", "event", "object", "outcome"]
    list_filter = ["event", "outcome"]
    search_fields = ["username"]
    fields = ["at", "masked_username", "role", "ip", "event", "object", "outcome", "prev_hash", "hash"]
    readonly_fields = fields

    def get_search_results(self, request, queryset, search_term):
        """The account name as typed, or the account a typed ID number stands for (rows hold account names)."""
        results, duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term:
            results |= queryset.filter(username=login_name(term))
        return results, duplicates

    @admin.display(description="账号")
    def masked_username(self, obj):
        return mask_id_number(obj.username) if len(obj.username) == 18 else obj.username

    def changelist_view(self, request, extra_context=None):
        audit(event="audit_viewed", user=request.user, obj="admin:auditevent")
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        audit(event="audit_viewed", user=request.user, obj=f"admin:auditevent:{object_id}"[:200])
        return super().change_view(request, object_id, form_url, extra_context)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
