"""Every saved or deleted record and application has its document refreshed once the change commits (a change
rolled back leaves the documents as they were; a transition's own queries stay its own). The refresh runs after
the change has landed: should it fail (a lock it could not take), the failure is logged and never reported as the
change's (`robust`); `manage.py lookup_rebuild` writes every document again."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from applications.models import Application
from dossier.models import Record

from .models import Document
from .services import document_refresh


@receiver(post_save, sender=Record, dispatch_uid="lookup_record_saved")
@receiver(post_delete, sender=Record, dispatch_uid="lookup_record_deleted")
def record_changed(sender, instance, **kwargs):
    pk = instance.pk
    transaction.on_commit(lambda: document_refresh(kind=Document.Kind.RECORD, pk=pk), robust=True)


@receiver(post_save, sender=Application, dispatch_uid="lookup_application_saved")
@receiver(post_delete, sender=Application, dispatch_uid="lookup_application_deleted")
def application_changed(sender, instance, **kwargs):
    pk = instance.pk
    transaction.on_commit(lambda: document_refresh(kind=Document.Kind.APPLICATION, pk=pk), robust=True)
