from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "账号"

    def ready(self):
        from . import signals  # noqa: F401  (auth audit hooks into Django's auth signals)
