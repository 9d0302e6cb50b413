from django.urls import path

from . import views

app_name = "certificates"

# /verify/…: the public verification (no login); /certificates/…: the applicant's download, the bureau's list.
verify_urlpatterns = [
    path("", views.verify, name="verify"),
    path("<str:token>/", views.verify_token, name="verify_token"),
]

urlpatterns = [
    path("", views.bureau_list, name="bureau"),
    path("<int:pk>/revoke/", views.revoke, name="revoke"),
    path("mine/<int:pk>.pdf", views.download, name="download"),
]
