from django.urls import path

from . import views

app_name = "experts"

urlpatterns = [
    path("pool/", views.pool, name="pool"),
    path("pool/template.xlsx", views.pool_template, name="pool_template"),
    path("pool/<int:pk>/status/", views.expert_status, name="expert_status"),
    path("draws/", views.draws, name="draws"),
    path("draws/<int:pk>/", views.draw, name="draw"),
    path("draws/<int:pk>/snapshot.json", views.draw_snapshot, name="draw_snapshot"),
    path("draws/<int:pk>/close/", views.ballot_close, name="ballot_close"),
    path("assignments/<int:pk>/decline/", views.assignment_decline, name="assignment_decline"),
    path("exclusions/<int:pk>/override/", views.exclusion_override, name="exclusion_override"),
    path("draws/<int:pk>/feedback/<int:application_pk>/", views.feedback_release, name="feedback_release"),
    path("feedback/", views.feedback, name="feedback"),
    path("relations/", views.relations, name="relations"),
    path("service/", views.service, name="service"),
    path("service/certificate.pdf", views.service_certificate, name="service_certificate"),
    path("console/", views.console, name="console"),
    path("console/<int:draw_pk>/", views.meeting, name="meeting"),
    path("console/<int:draw_pk>/<int:pk>/", views.review, name="review"),
    path("console/<int:draw_pk>/<int:pk>/files/<int:file_pk>/", views.review_file, name="review_file"),
    path("console/<int:draw_pk>/<int:pk>/print/<str:kind>", views.review_print, name="review_print"),
]
