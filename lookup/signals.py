"""Every saved or deleted record and application has its document refreshed once the change commits (a change
rolled back leaves the documents as they were; a transition's own queries stay its own)."""

from functools import partial

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
    transaction.on_commit(partial(document_refresh, kind=Document.Kind.RECORD, pk=instance.pk))


@receiver(post_save, sender=Application, dispatch_uid="lookup_application_saved")
@receiver(post_delete, sender=Application, dispatch_uid="lookup_application_deleted")
def application_changed(sender, instance, **kwargs):
    transaction.on_commit(partial(document_refresh, kind=Document.Kind.APPLICATION, pk=instance.pk))
