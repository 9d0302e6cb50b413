from django.urls import path

from . import views

app_name = "applications"

urlpatterns = [
    path("", views.home, name="home"),
    path("plans/", views.plans, name="plans"),
    path("plans/<int:plan_pk>/start/", views.start, name="start"),
    path("plans/<int:plan_pk>/manage/", views.plan_manage, name="plan_manage"),
    path("committees/<int:committee_pk>/manage/", views.committee_manage, name="committee_manage"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/s/<slug:key>/", views.section_page, name="section"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/files/<int:file_pk>/", views.file, name="file"),
    path("<int:pk>/print/<str:kind>", views.print_file, name="print"),
    path("<int:pk>/preview/<str:kind>", views.preview, name="preview"),
    path("<int:pk>/defence-notice.pdf", views.defence_notice, name="defence_notice"),
    # brief.pdf, review.pdf, review.xlsx
    path("<int:pk>/flow-files/<int:attachment_pk>/", views.flow_file, name="flow_file"),
]
