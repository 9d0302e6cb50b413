from django.apps import AppConfig

from .catalogue import catalogue


class DossierConfig(AppConfig):
    name = "dossier"
    verbose_name = "个人业绩库"

    def ready(self):
        # Fail at start-up, not on first use, when a province's catalogue override is malformed.
        catalogue()
