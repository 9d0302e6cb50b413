"""Helpers for the dossier tests: values generated from a kind's FieldSpecs, real small files, records moved
through their lifecycle by the domain functions, and small HTML readers."""

import datetime
import decimal
import io
import json
import random
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.uploads import check_upload
from dossier import services
from dossier.catalogue import FieldSpec, KindSpec, catalogue
from dossier.forms import record_form
from dossier.models import Record, Status
from review import services as review_services
from tests.helpers import sign_in

# The 18 types of SPEC §3.2 (1–18) that issue 3 builds.
SPEC_KIND_KEYS = [
    "work_experience", "education", "continuing_education", "project_award", "honour", "appraisal", "patent",
    "academic_post", "certificate", "comprehensive", "research_project", "engineering_project", "adoption",
    "standard", "work_report", "paper", "book", "aid",
]


def served_by_the_generic_pages(kind: KindSpec) -> bool:
    """A type the generic form, list and drawer serve alone: shown to every applicant, no child lists (病案,
    参考文献) and no required attachment slot besides 佐证材料 (an optional one, 论文's 查重报告, may stay empty).
    Types with those (the health series) have their own pages and tests."""
    limited = getattr(catalogue(), "category_series", {}).get(kind.category)
    return not limited and not kind.children and not any(s.required for s in kind.extra_attachments)


def generic_kind_keys() -> list[str]:
    return [k.key for k in catalogue().kinds() if served_by_the_generic_pages(k)]
BASE_DATE = datetime.date(2019, 3, 1)


# ------------------------------------------------------------------------------------------------ values


def _clamp(value, spec: FieldSpec):
    if spec.min is not None:
        value = max(value, spec.min)
    if spec.max is not None:
        value = min(value, spec.max)
    return value


def _date_depth(kind: KindSpec, spec: FieldSpec) -> int:
    depth = 0
    while spec.not_before:
        spec = kind.field(spec.not_before)
        depth += 1
    return depth


def _dependants(kind: KindSpec, key: str) -> list[FieldSpec]:
    return [f for f in kind.fields if f.show_if and f.show_if["field"] == key]


# Values of each named format (dossier.forms.PATTERNS) as the form stores them.
PATTERN_SAMPLES = {"journal_number": "ISSN 2095-882X", "issn": "ISSN 2095-882X", "cn_serial": "CN 11-2120/TU",
                   "isbn": "ISBN 978-7-114-12345-0", "patent_number": "ZL202310123456.7", "digits": "3501"}


def _value(kind: KindSpec, spec: FieldSpec, seed: str, values: dict):
    """One valid value for `spec`; controllers of conditional fields get a value that shows their dependants."""
    if spec.pattern:
        return PATTERN_SAMPLES[spec.pattern]
    match spec.type:
        case "text" | "textarea":
            return f"{seed}{spec.label}"[: spec.max_length or 200]
        case "date":
            return BASE_DATE + datetime.timedelta(days=400 * _date_depth(kind, spec))
        case "year":
            return 2023
        case "int":
            if spec.not_above:
                return int(_clamp(min(2, values.get(spec.not_above, 2)), spec))
            return int(_clamp(5, spec))
        case "decimal":
            return decimal.Decimal(str(_clamp(12.5, spec)))
        case "choice":
            for choice in spec.choices:
                if all(d.visible({**values, spec.key: choice}) for d in _dependants(kind, spec.key)):
                    return choice
            return spec.choices[0]
        case "multichoice":
            return list(spec.choices[:2])
        case "bool":
            for candidate in (True, False):
                if all(d.visible({**values, spec.key: candidate}) for d in _dependants(kind, spec.key)):
                    return candidate
            return True
    raise AssertionError(f"no value for field type {spec.type}")


def valid_values(kind: KindSpec, *, seed: str = "甲") -> dict:
    """A valid Python value for every field that applies, built from the FieldSpecs: choices, min/max,
    not_before (later dates), not_above (a smaller number), show_if (controllers chosen so every conditional
    field is shown and filled)."""
    values: dict = {}
    ordered = sorted(kind.fields, key=lambda f: (bool(f.show_if), bool(f.not_above), _date_depth(kind, f)))
    for spec in ordered:
        if spec.show_if and not spec.visible(values):
            continue
        values[spec.key] = _value(kind, spec, seed, values)
    return values


def to_post(kind: KindSpec, values: dict) -> dict:
    """The values as a browser posts them (unchecked boxes are absent)."""
    post = {}
    for spec in kind.fields:
        if spec.key not in values or values[spec.key] is None:
            continue
        value = values[spec.key]
        if spec.type == "bool":
            if value:
                post[spec.key] = "on"
        elif spec.type == "multichoice":
            post[spec.key] = list(value)
        elif isinstance(value, datetime.date):
            post[spec.key] = value.isoformat()
        else:
            post[spec.key] = str(value)
    return post


def valid_data(kind: KindSpec, *, seed: str = "甲") -> dict:
    """POST data for a valid record of `kind`, generated from its FieldSpecs."""
    return to_post(kind, valid_values(kind, seed=seed))


def stored(kind: KindSpec, values: dict, *, unit_name: str = "") -> dict:
    """What the record's `data` column must hold after saving `values` (JSON-ready, hidden fields None)."""
    data = {}
    for spec in kind.fields:
        value = values.get(spec.key)
        if spec.fill == "unit_name" and unit_name:
            value = unit_name
        if spec.show_if and not spec.visible(values):
            value = None
        if isinstance(value, datetime.date):
            value = value.isoformat()
        elif isinstance(value, decimal.Decimal):
            value = format(value.normalize(), "f")
        elif spec.type == "bool":
            value = bool(value)
        elif spec.type == "multichoice" and value is None:
            value = []
        elif value == "":
            value = None
        data[spec.key] = value
    return data


# ------------------------------------------------------------------------------------------------ files


def png_bytes(size=(8, 8), *, noisy=False) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    if noisy:
        rng = random.Random(7)
        image.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(size[0] * size[1])])
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def png_upload(name: str = "毕业证书.png", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content if content is not None else png_bytes(), content_type="image/png")


def checked_png(kind: KindSpec, name: str = "scan.png"):
    """A PNG that passed core.uploads' checks, ready for the services."""
    return check_upload(png_upload(name), kind.evidence)


# ------------------------------------------------------------------------------------------------ records


def record_data(kind: KindSpec, *, seed: str = "甲", unit_name: str = "") -> dict:
    form = record_form(kind, data=valid_data(kind, seed=seed), unit_name=unit_name)
    assert form.is_valid(), form.errors
    return form.record_data()


def make_record(owner, kind_key: str = "work_experience", *, status: str = Status.DRAFT, admin=None,
                seed: str = "甲", evidence: bool = True) -> Record:
    """A record of `owner` brought to `status` through the domain functions (admin decides when needed)."""
    kind = catalogue().kind(kind_key)
    unit_name = owner.unit.name if owner.unit_id else ""
    files = [checked_png(kind)] if evidence else []
    record = services.record_create(owner=owner, kind=kind, data=record_data(kind, seed=seed, unit_name=unit_name),
                                    files=files)
    if status == Status.DRAFT:
        return record
    record = services.record_submit(actor=owner, record=record)
    decision = {Status.APPROVED: "approve", Status.RETURNED: "return", Status.TERMINATED: "terminate"}.get(status)
    if decision:
        record = review_services.record_decide(actor=admin, record=record, decision=decision, opinion="审核意见")
    assert record.status == status
    return record


# ------------------------------------------------------------------------------------------------ pages


def login(client, user):
    sign_in(client, user)
    return client


def page_messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def field_block(html: str, key: str) -> str:
    """The part of a form page that belongs to the field `key`: from its wrapper to the next field's."""
    start = html.index(f'name="{key}"')
    begin = html.rfind("zc-field", 0, start)
    end = html.find("zc-field", start)
    return html[begin: end if end != -1 else len(html)]


def input_value(html: str, key: str) -> str | None:
    """The value the page shows in the input (or textarea, or selected option) named `key`."""
    block = field_block(html, key)
    m = re.search(rf'<input[^>]*name="{key}"[^>]*value="([^"]*)"', block) or re.search(
        rf'<input[^>]*value="([^"]*)"[^>]*name="{key}"', block)
    if m:
        return m.group(1)
    m = re.search(rf'<textarea[^>]*name="{key}"[^>]*>\s*(.*?)</textarea>', block, re.S)
    if m:
        return m.group(1).strip()
    m = re.search(r'<option value="([^"]*)"[^>]*selected', block)
    return m.group(1) if m else None


def json_script(html: str, element_id: str):
    m = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S)
    assert m, f"no json_script {element_id}"
    return json.loads(m.group(1))


def menu_counts(html: str) -> dict[str, str]:
    """{kind key: "(total/approved)"} as the menu shows them."""
    return dict(re.findall(r'data-kind="([\w-]+)">\s*[^<]*<span class="text-muted">(\(\d+/\d+\))</span>', html))


def tab_counts(html: str) -> dict[str, int]:
    return {tab: int(n) for tab, n in re.findall(r'data-tab="(\w+)">[^<(]*\((\d+)\)</a>', html)}


def row_ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr data-record="(\d+)">', html)]
