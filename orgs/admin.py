from django.contrib import admin

from .models import Region, Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "nature", "credit_code", "region", "builtin"]
    list_filter = ["kind", "nature", "builtin"]
    search_fields = ["name", "credit_code"]
    raw_id_fields = ["region", "department"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level"]
    search_fields = ["code", "name"]
