from django.urls import path

from . import views

app_name = "publicity"

# /gs/…: the public pages (no login); /publicity/…: the committee office's and the bureau's pages.
public_urlpatterns = [
    path("<slug:slug>/", views.public, name="public"),
    path("<slug:slug>/object/", views.object_form, name="object"),
    path("receipt/<slug:token>/", views.receipt, name="receipt"),
]

urlpatterns = [
    path("", views.office, name="office"),
    path("plan/<int:plan_pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/confirm/", views.confirm_clean, name="confirm"),
    path("objection/<int:pk>/", views.objection, name="objection"),
    path("objection/<int:pk>/file/<int:attachment_pk>/", views.objection_file, name="objection_file"),
]
