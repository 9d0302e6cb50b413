from django.urls import path

from . import views
from .captcha import captcha_image

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("captcha.png", captcha_image, name="captcha"),
    path("dev/sms/", views.sms_outbox, name="sms_outbox"),
]
