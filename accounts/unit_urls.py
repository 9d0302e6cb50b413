"""The /units/ pages that act for a person in a role. zhicheng/urls.py mounts them with orgs.urls under /units/,
in the `orgs:` namespace, so that every unit page keeps one address space and one set of names."""

from django.urls import path

from . import unit_views

urlpatterns = [
    path("register/", unit_views.unit_registration, name="unit_register"),
    path("builtin/new/", unit_views.builtin_unit_new, name="builtin_unit_new"),
    path("info/", unit_views.unit_info, name="unit_info"),
    path("info/edit/", unit_views.unit_info_edit, name="unit_info_edit"),
    path("quotas/", unit_views.quotas, name="quotas"),
    path("quotas/new/", unit_views.quota_new, name="quota_new"),
    path("quotas/<int:pk>/edit/", unit_views.quota_edit, name="quota_edit"),
    path("quotas/<int:pk>/confirm/", unit_views.quota_confirm, name="quota_confirm"),
    path("quotas/<int:pk>/attachment/", unit_views.quota_attachment, name="quota_attachment"),
    path("news/new/", unit_views.announcement_new, name="announcement_new"),
]
