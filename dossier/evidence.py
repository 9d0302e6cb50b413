"""Keeping a record's files: each checked upload (core.uploads) becomes an Evidence row in its slot. Shared by the
record services and the child-list services, inside the caller's transaction and FileStore."""

from core.files import FileStore

from .models import Evidence, Record


def evidence_store(store: FileStore, record: Record, files, slot_files: dict | None = None, item=None) -> None:
    """Store checked files: `files` in the default slot, `slot_files` {slot key: files} in named slots; inside
    the caller's transaction and FileStore."""
    batches = [("evidence", files)] + list((slot_files or {}).items())
    for slot, checked_files in batches:
        for checked in checked_files:
            evidence = Evidence(record=record, slot=slot, item=item, name=checked.name, size=checked.size,
                                content_type=checked.content_type)
            store.save(evidence.file, checked.name, checked.upload)
            evidence.save()
