from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = "职称申报"

    def ready(self):
        # Modules that read models load once the apps are: a malformed declaration stops the start-up.
        from dossier.citations import citation_check_register  # noqa: PLC0415
        from review.stages import stages  # noqa: PLC0415

        from . import signals  # noqa: F401, PLC0415 - the audit of committee and plan changes
        from .chain import register  # noqa: PLC0415
        from .exports import register as exports_register  # noqa: PLC0415
        from .sections import sections  # noqa: PLC0415
        from .selectors import record_is_cited  # noqa: PLC0415

        sections()
        citation_check_register(record_is_cited)  # a record a filed application cites cannot be withdrawn
        register()  # applications as a subject of the review engine, with their parts
        exports_register()  # the desks' lists as exports (accounts.exports)
        stages()  # every stage declaration checked, now that every subject and part is known
