from django.urls import path

from . import views

app_name = "notices"

urlpatterns = [
    path("", views.notice_list, name="list"),
    path("bell/", views.bell, name="bell"),
    path("read/", views.read, name="read"),
    path("settings/", views.preferences, name="settings"),
]
