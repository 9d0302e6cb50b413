from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = "审核与流程"

    def ready(self):
        # Records are a subject of the engine; applications register themselves when their app is ready, and
        # check the stage declarations then (every subject and part known).
        from .exports import register as exports_register  # noqa: PLC0415
        from .records import register  # noqa: PLC0415 — models are importable only once apps are ready

        register()
        exports_register()  # the unit's record review lists as list exports (accounts.exports)
