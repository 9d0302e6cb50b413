from django.apps import AppConfig

from .catalogue import catalogue


class DossierConfig(AppConfig):
    name = "dossier"
    verbose_name = "个人业绩库"

    def ready(self):
        # Fail at start-up, not on first use, when a province's catalogue override is malformed.
        catalogue()
        from .exports import register  # noqa: PLC0415 — the builder reads models, importable once apps are ready

        register()  # 我的业绩 as a list export (accounts.exports)
