from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = "职称申报"

    def ready(self):
        from .sections import sections

        sections()  # a malformed section declaration stops the start-up
        from .chain import task_source_install

        task_source_install()
