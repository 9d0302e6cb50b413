from django.urls import path

from .captcha import captcha_image

app_name = "core"

urlpatterns = [
    path("captcha.png", captcha_image, name="captcha"),
]
