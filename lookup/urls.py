from django.urls import path

from . import views

app_name = "lookup"

urlpatterns = [
    path("", views.search, name="search"),
    path("<int:pk>/", views.document, name="document"),
]
