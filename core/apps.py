from django.apps import AppConfig
from django.contrib.auth.signals import user_login_failed
from django_tasks.signals import task_enqueued, task_finished, task_started


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "公共"

    def ready(self):
        # The request id carried into tasks, and the failed sign-ins counted (core.observability reads models).
        from . import observability  # noqa: PLC0415

        task_enqueued.connect(observability.task_enqueued, dispatch_uid="core.request_id.enqueued")
        task_started.connect(observability.task_started, dispatch_uid="core.request_id.started")
        task_finished.connect(observability.task_finished, dispatch_uid="core.request_id.finished")
        user_login_failed.connect(observability.login_failed, dispatch_uid="core.metrics.login_failed")
