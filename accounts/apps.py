from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "账号"

    def ready(self):
        # The auth audit's signal handlers, connected once the models are loaded (Django's documented place).
        from . import signals  # noqa: F401, PLC0415
