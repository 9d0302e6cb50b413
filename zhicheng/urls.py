from django.contrib import admin
from django.urls import include, path

from accounts import unit_urls
from certificates import urls as certificates_urls
from core.health import liveness, readiness
from core.observability import metrics
from orgs import urls as orgs_urls
from publicity import urls as publicity_urls

from . import views
from .api import api

urlpatterns = [
    path("", views.home, name="home"),
    path("dev/sms/", views.sms_outbox, name="sms_outbox"),
    path("", include("core.urls")),
    path("accounts/", include("accounts.urls")),
    # /units/ (`orgs:`): the directory's own pages (orgs) and the unit pages that act for a person in a role
    # (accounts), which orgs, below accounts, cannot serve itself.
    path("units/", include((orgs_urls.urlpatterns + unit_urls.urlpatterns, "orgs"))),
    path("dossier/", include("dossier.urls")),
    path("unit/", include("review.urls")),
    path("apply/", include("applications.urls")),
    path("chain/", include("applications.chain_urls")),
    path("experts/", include("experts.urls")),
    path("gs/", include((publicity_urls.public_urlpatterns, "gs"))),
    path("publicity/", include(publicity_urls)),
    path("notices/", include("notices.urls")),
    path("verify/", include((certificates_urls.verify_urlpatterns, "certificates"), namespace="verify")),
    path("certificates/", include(certificates_urls)),
    path("lookup/", include("lookup.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    path("healthz", liveness),  # the process answers (core.health)
    path("readyz", readiness),  # the database, the cache and the file storage answer too
    path("metrics", metrics),  # Prometheus, for the configured scraper only (core.observability)
]

handler404 = "core.views.page_not_found"
