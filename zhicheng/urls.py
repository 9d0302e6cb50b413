from django.contrib import admin
from django.urls import include, path

from accounts.views import health

from .api import api

urlpatterns = [
    path("", include("core.urls")),
    path("accounts/", include("accounts.urls")),
    path("units/", include("orgs.urls")),
    path("dossier/", include("dossier.urls")),
    path("unit/", include("review.urls")),
    path("apply/", include("applications.urls")),
    path("chain/", include("applications.chain_urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    path("healthz", health),
]

handler404 = "core.views.page_not_found"
