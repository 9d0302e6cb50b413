"""Helpers for the employer-portal tests: records brought to a status through the domain functions, real small
files, department reviewers, and readers for the pages' HTML.

Record data is generated from the kind's FieldSpecs (any type works the same way); the employer's pages only
format it, so it is not run through the applicant's form here (tests/dossier covers that).
"""

import io
import itertools
import re
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from accounts.models import Role, RoleAssignment, User
from core.uploads import check_upload
from dossier import services
from dossier.catalogue import KindSpec, catalogue
from dossier.models import Record, RecordCounter, Status
from orgs.models import Unit
from review import services as review_services
from tests.factories import PersonFactory, UnitFactory
from tests.helpers import sign_in

_serial = itertools.count(1)
DECISION_FOR = {Status.APPROVED: "approve", Status.RETURNED: "return", Status.TERMINATED: "terminate"}


def field_values(kind: KindSpec, title: str) -> dict:
    """Plausible stored values for every field of `kind`, the title field set to `title`."""
    values = {}
    for spec in kind.fields:
        match spec.type:
            case "text" | "textarea":
                value = f"{spec.label}内容"[: spec.max_length or 200]
            case "date":
                value = "2021-03-01"
            case "year":
                value = 2023
            case "int":
                value = 1
            case "decimal":
                value = "12.5"
            case "choice":
                value = spec.choices[0]
            case "multichoice":
                value = list(spec.choices[:1])
            case _:
                value = False
        values[spec.key] = value
    values[kind.title] = title
    return values


def png_bytes(size=(40, 30), colour=(31, 95, 168)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def document_scan() -> bytes:
    """A PNG that looks like a scanned page: a heading bar, lines of text and a red seal."""
    image = Image.new("RGB", (620, 420), (252, 252, 250))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 30, 580, 60), fill=(31, 95, 168))
    for i, y in enumerate(range(90, 330, 22)):
        draw.rectangle((40, y, 580 - (i % 3) * 90, y + 8), fill=(120, 126, 138))
    draw.ellipse((440, 300, 560, 400), outline=(210, 40, 40), width=6)
    draw.line((470, 350, 530, 350), fill=(210, 40, 40), width=5)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
            b"trailer<</Root 1 0 R>>\n%%EOF\n")


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def make_record(owner: User, kind_key: str = "research_project", *, status: str = Status.PENDING,
                admin: User | None = None, title: str | None = None, evidence: bool = True,
                opinion: str = "审核意见", any_kind: bool = False, data: dict | None = None) -> Record:
    """A record of `owner` created, submitted and decided through dossier.services (as the pages do).

    any_kind=True skips what the applicant must complete before submitting (child lists such as 病案, named
    attachment slots — tests/dossier covers those) so that a pending record of every type can be made from
    its field declarations alone; the transition, flow and counters are still the real ones. `data` overrides
    the generated field values."""
    kind = catalogue().kind(kind_key)
    title = title or f"{kind.label}{next(_serial)}号"
    files = [check_upload(upload("佐证.png", document_scan(), "image/png"), kind.evidence)] if evidence else []
    values = {**field_values(kind, title), **(data or {})}
    record = services.record_create(owner=owner, kind=kind, data=values, files=files)
    if status == Status.DRAFT:
        return record
    if any_kind:
        with mock.patch.object(services, "submission_problems", lambda *args: []):
            record = services.record_submit(actor=owner, record=record)
    else:
        record = services.record_submit(actor=owner, record=record)
    if status in DECISION_FOR:
        record = review_services.record_decide(actor=admin, record=record, decision=DECISION_FOR[status], opinion=opinion)
    assert record.status == status
    return record


def department(name: str = "福州市卫生健康委员会") -> Unit:
    return UnitFactory(name=name, kind=Unit.Kind.DEPARTMENT, nature=Unit.Nature.GOVERNMENT)


def department_reviewer(dept: Unit, **kwargs) -> User:
    """A person who reviews for the competent department `dept` (主管部门)."""
    person = PersonFactory(unit=None, **kwargs)
    RoleAssignment.objects.create(user=person, role=Role.DEPARTMENT_REVIEWER, unit=dept)
    return person


def login(client, user):
    sign_in(client, user)
    return client


def page_messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def counters(unit) -> dict[tuple[str, str], int]:
    """{(kind, status): n} as the unit's counter rows say, zero rows left out."""
    return {(c.kind, c.status): c.n for c in RecordCounter.objects.filter(unit=unit) if c.n}


def actual_counts(unit) -> dict[tuple[str, str], int]:
    """{(kind, status): n} counted from the unit's records."""
    from django.db.models import Count

    rows = Record.objects.filter(unit=unit).values_list("kind", "status").annotate(n=Count("pk")).order_by()
    return {(kind, status): n for kind, status, n in rows}


def row_ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr data-record="(\d+)">', html)]


def tab_counts(html: str) -> dict[str, int]:
    return {tab: int(n) for tab, n in re.findall(r'data-tab="(\w+)">[^<(]*\((\d+)\)</a>', html)}
