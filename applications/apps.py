from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = "职称申报"

    def ready(self):
        # The declaration is read from modules that need the models: only once every app is loaded.
        from .sections import sections  # noqa: PLC0415

        sections()  # a malformed section declaration stops the start-up
        from .chain import task_source_install

        task_source_install()
