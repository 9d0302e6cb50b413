"""The application's URLconf plus the floor views, which exist only under bench.settings."""

from django.urls import path

from zhicheng.urls import urlpatterns as app_urlpatterns

from .views import floor

urlpatterns = [path("bench/floor/<slug:name>/", floor, name="bench_floor"), *app_urlpatterns]
