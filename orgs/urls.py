from django.urls import path

from . import views

# zhicheng/urls.py mounts these under /units/, in the `orgs:` namespace, together with accounts.unit_urls.
urlpatterns = [
    path("search/", views.unit_search, name="unit_search"),
    path("regions/", views.regions, name="regions"),
    path("news/", views.announcements, name="announcements"),
    path("news/<int:pk>/", views.announcement_detail, name="announcement"),
]
