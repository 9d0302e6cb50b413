from django.urls import path

from . import views

app_name = "review"

urlpatterns = [
    path("", views.unit_home, name="unit_home"),
    path("records/", views.records_home, name="records_home"),
    path("records/k/<slug:kind_key>/", views.records, name="records"),
    path("records/r/<int:pk>/", views.record_review, name="record"),
    path("records/batch/", views.records_batch, name="records_batch"),
    path("withdrawals/", views.withdrawals, name="withdrawals"),
    path("withdrawals/<int:pk>/decide/", views.withdrawal_decide, name="withdrawal_decide"),
    path("tasks/", views.tasks, name="tasks"),
]
