from pathlib import Path

from django.apps import AppConfig


class PublicityConfig(AppConfig):
    name = "publicity"
    verbose_name = "结果公示"

    def ready(self):
        # The confirmation's publicity rule: a part of the bureau's 确认发证, declared in this app's stages.toml.
        from review.stages import declarations_register, stages  # noqa: PLC0415

        from . import parts  # noqa: PLC0415, F401 — registers its part

        declarations_register(Path(__file__).with_name("stages.toml"))
        stages()  # checked again with this app's declarations
