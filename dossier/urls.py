from django.urls import path

from . import views

app_name = "dossier"

urlpatterns = [
    path("", views.home, name="home"),
    path("k/<slug:kind_key>/", views.kind_list, name="list"),
    path("k/<slug:kind_key>/new/", views.record_new, name="new"),
    path("r/<int:pk>/", views.record_detail, name="detail"),
    path("r/<int:pk>/edit/", views.record_edit, name="edit"),
    path("r/<int:pk>/submit/", views.record_submit, name="submit"),
    path("r/<int:pk>/delete/", views.record_delete, name="delete"),
    path("r/<int:pk>/withdraw/", views.withdrawal_new, name="withdraw"),
    path("withdrawals/", views.withdrawals, name="withdrawals"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence"),
    path("evidence/<int:pk>/delete/", views.evidence_delete, name="evidence_delete"),
    path("ce/extract/", views.ce_extract, name="ce_extract"),
]
