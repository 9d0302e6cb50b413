from django.urls import path

from . import views

app_name = "orgs"

urlpatterns = [
    path("search/", views.unit_search, name="unit_search"),
    path("regions/", views.regions, name="regions"),
    path("register/", views.unit_registration, name="unit_register"),
    path("builtin/new/", views.builtin_unit_new, name="builtin_unit_new"),
]
