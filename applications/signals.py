"""Framework hooks only: every saved version of a committee or a plan (simple_history) is a configuration change
in the audit log, whoever made it and however (the bureau's pages, a service, the admin site)."""

from django.dispatch import receiver
from simple_history.signals import post_create_historical_record

from accounts.audit import audit

from .models import Committee, Plan

_KINDS = {"+": "created", "~": "changed", "-": "deleted"}


@receiver(post_create_historical_record)
def _configuration_changed(sender, instance, history_instance, history_user=None, **kwargs):
    if not isinstance(instance, Committee | Plan):
        return
    user = history_user if getattr(history_user, "is_authenticated", False) else None
    audit(event="config_changed", user=user,
          obj=f"{instance._meta.model_name}:{instance.pk} {history_instance.history_change_reason or ''}"[:200],
          outcome=_KINDS.get(history_instance.history_type, history_instance.history_type))
