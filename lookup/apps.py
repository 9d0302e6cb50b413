from django.apps import AppConfig


class LookupConfig(AppConfig):
    name = "lookup"
    verbose_name = "全省检索"

    def ready(self):
        from . import signals  # noqa: F401, PLC0415 — connects the receivers; models load once apps are ready
