from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = "通知"

    def ready(self):
        # Every flow step of interest becomes a notice (notices.events); models load once the apps are ready.
        from django.db.models.signals import post_save  # noqa: PLC0415

        from core.models import FlowEntry  # noqa: PLC0415

        from .events import flow_entry_saved  # noqa: PLC0415

        post_save.connect(flow_entry_saved, sender=FlowEntry, dispatch_uid="notices.flow_entry_saved")
