from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = "审核与流程"

    def ready(self):
        # Records are a subject of the engine; applications register themselves when their app is ready, and
        # check the stage declarations then (every subject and part known).
        from .records import register  # noqa: PLC0415 — models are importable only once apps are ready

        register()
