from django.urls import path

from . import views, views_department, views_items

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
    path("r/<int:pk>/items/<slug:child_key>/", views_items.items_page, name="items"),
    path("r/<int:pk>/items/<slug:child_key>/<int:item_pk>/edit/", views_items.item_edit, name="item_edit"),
    path("r/<int:pk>/items/<slug:child_key>/<int:item_pk>/<slug:action>/", views_items.item_action, name="item_action"),
    path("r/<int:pk>/items/<slug:child_key>/import/", views_items.import_upload, {"kind_key": ""}, name="items_import"),
    path("template/<slug:kind_key>/", views_items.template_download, name="template"),
    path("template/<slug:kind_key>/<slug:child_key>/", views_items.template_download, name="child_template"),
    path("k/<slug:kind_key>/import/", views_items.import_upload, name="import"),
    path("k/<slug:kind_key>/batch-submit/", views_items.batch_submit, name="batch_submit"),
    path("imports/<int:job_pk>/", views_items.import_job, name="import_job"),
    path("imports/<int:job_pk>/commit/", views_items.import_commit, name="import_commit"),
    path("department/stats/", views_department.department_stats, name="department_stats"),
]
