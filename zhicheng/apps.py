from django.apps import AppConfig


class ZhichengConfig(AppConfig):
    """The project package as an app: the layer above every app (home, navigation, the demo and its command)."""

    name = "zhicheng"
    verbose_name = "职称申报评审平台"
