"""Keeping the search documents: one per approved record and per filed application (not a draft), rewritten
after every change of either (lookup.signals, once the change commits) and rebuilt in bulk by
`manage.py lookup_rebuild` (records imported in bulk, names changed on the account, a new installation)."""

from django.db import transaction

from applications.models import Application
from core.masking import mask_id_number
from core.personal_data import blind_index
from dossier.catalogue import catalogue
from dossier.models import Record, Status

from . import grams
from .models import Document

BATCH = 2_000


def _text(*values: str) -> str:
    return " ".join(term for value in values if value for term in grams.terms(value))


def _kind_label(key: str) -> str:
    entry = catalogue().kinds_by_key.get(key)
    return entry.label if entry else key


def _id_number(person) -> dict:
    """A document holds the ID number masked, for display, and its blind index, for exact search."""
    return {"id_number": mask_id_number(person.id_number), "id_number_bidx": blind_index(person.id_number)}


def record_document(record: Record) -> Document:
    owner, unit = record.owner, record.unit
    label = _kind_label(record.kind)
    text = _text(owner.name, record.title, label, record.search_text, unit.name if unit else "")
    return Document(
        kind=Document.Kind.RECORD, object_id=record.pk, name=owner.name, **_id_number(owner),
        title=record.title, detail=label, status=record.get_status_display(), unit=unit,
        department_id=unit.department_id if unit else None, region_id=unit.region_id if unit else None,
        body=None, dated=record.decided_at or record.submitted_at, text=text, grams=" ".join(grams.bigrams(text)),
    )


def application_document(application: Application) -> Document:
    person, unit = application.applicant, application.unit
    title = f"{application.series}{application.level}"
    plan = application.plan
    text = _text(person.name, application.series, application.level, title, plan.name,
                 unit.name if unit else "", application.certificate_no)
    return Document(
        kind=Document.Kind.APPLICATION, object_id=application.pk, name=person.name,
        **_id_number(person), title=title, detail=plan.name, status=application.get_status_display(),
        unit=unit, department_id=unit.department_id if unit else None, region_id=unit.region_id if unit else None,
        body_id=plan.committee.bureau_id, dated=application.submitted_at, text=text,
        grams=" ".join(grams.bigrams(text)),
    )


def _indexed_records():
    return Record.objects.filter(status=Status.APPROVED).select_related("owner", "unit")


def _indexed_applications():
    return (Application.objects.exclude(status=Application.Status.DRAFT)
            .select_related("applicant", "unit", "plan__committee"))


_KEPT = ("name", "id_number", "id_number_bidx", "title", "detail", "status", "unit_id", "department_id",
         "region_id", "body_id", "dated", "text", "grams")


def _put(document: Document) -> None:
    Document.objects.update_or_create(kind=document.kind, object_id=document.object_id,
                                      defaults={name: getattr(document, name) for name in _KEPT})


@transaction.atomic
def document_refresh(*, kind: str, pk: int) -> None:
    """The document of one record or application as it is now: written, rewritten or removed."""
    source = _indexed_records() if kind == Document.Kind.RECORD else _indexed_applications()
    subject = source.filter(pk=pk).first()
    if subject is None:
        Document.objects.filter(kind=kind, object_id=pk).delete()
        return
    _put(record_document(subject) if kind == Document.Kind.RECORD else application_document(subject))


def documents_rebuild(*, batch: int = BATCH) -> int:
    """Every document anew, in batches, each batch in its own transaction. Returns the number written."""
    written = 0
    with transaction.atomic():
        Document.objects.all().delete()
    for source, build in ((_indexed_records(), record_document), (_indexed_applications(), application_document)):
        last = 0
        while True:
            rows = list(source.filter(pk__gt=last).order_by("pk")[:batch])
            if not rows:
                break
            with transaction.atomic():
                Document.objects.bulk_create([build(row) for row in rows])
            written += len(rows)
            last = rows[-1].pk
    return written
