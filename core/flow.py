"""Writing and reading the flow log (core.models.FlowEntry), for dossier, review and applications alike."""

from .files import FileStore
from .models import FlowAttachment, FlowEntry


def flow_write(*, subject_type: str, subject_id: int, actor, role: str, action: str, label: str,
               from_status: str = "", to_status: str = "", opinion: str = "", stage: str = "",
               files=()) -> FlowEntry:
    """Append one flow step (`action` a key, `label` what people read: 提交, 通过, 评委会接收…), with its
    attachments ([(label, CheckedFile)]). Called only inside the service that performs the step (same
    transaction), which StorageError (core.files) rolls back when the storage refuses an attachment; the
    attachments stored before it are deleted again."""
    entry = FlowEntry.objects.create(
        subject_type=subject_type, subject_id=subject_id, actor=actor,
        actor_name=getattr(actor, "name", "") or "系统", role=role, action=action, action_label=label,
        from_status=from_status, to_status=to_status, opinion=opinion, stage=stage,
    )
    with FileStore() as store:
        for file_label, checked in files:
            item = FlowAttachment(entry=entry, label=file_label, name=checked.name, size=checked.size,
                                  content_type=checked.content_type)
            store.save(item.file, checked.name, checked.upload)
            item.save()
    return entry


def flow_for(*, subject_type: str, subject_id: int) -> list[FlowEntry]:
    """The flow of one subject, oldest first. Callers have already checked the subject is visible."""
    return list(FlowEntry.objects.filter(subject_type=subject_type, subject_id=subject_id)
                .prefetch_related("attachments").order_by("at", "pk"))
