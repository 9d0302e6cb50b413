from django.urls import path

from . import views

app_name = "orgs"

urlpatterns = [
    path("search/", views.unit_search, name="unit_search"),
    path("regions/", views.regions, name="regions"),
    path("register/", views.unit_registration, name="unit_register"),
    path("builtin/new/", views.builtin_unit_new, name="builtin_unit_new"),
    path("info/", views.unit_info, name="unit_info"),
    path("info/edit/", views.unit_info_edit, name="unit_info_edit"),
    path("quotas/", views.quotas, name="quotas"),
    path("quotas/new/", views.quota_new, name="quota_new"),
    path("quotas/<int:pk>/edit/", views.quota_edit, name="quota_edit"),
    path("quotas/<int:pk>/confirm/", views.quota_confirm, name="quota_confirm"),
    path("quotas/<int:pk>/attachment/", views.quota_attachment, name="quota_attachment"),
    path("department/stats/", views.department_stats, name="department_stats"),
    path("news/", views.announcements, name="announcements"),
    path("news/new/", views.announcement_new, name="announcement_new"),
    path("news/<int:pk>/", views.announcement_detail, name="announcement"),
]
