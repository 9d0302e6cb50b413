from django.contrib import admin
from django.urls import include, path

from accounts.views import health

urlpatterns = [
    path("", include("core.urls")),
    path("accounts/", include("accounts.urls")),
    path("units/", include("orgs.urls")),
    path("admin/", admin.site.urls),
    path("healthz", health),
]
