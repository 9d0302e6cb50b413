"""Continuing-education hours from the provincial platform (Anhui's 提取).

Input format (docs/continuing-education.md): CSV with a header row, or JSON `{"records": [ ... ]}`, each row
keyed by the person's ID number:

    id_number, record_id, year, ce_type, programme, hours, organiser, start_date, end_date, certificate_no

`record_id` is the platform's own identifier; together with the source it makes the row's external key, so
feeding the same export twice adds nothing. Rows land in ContinuingEducationFeed; `extract_for(person)` turns a
person's rows into approved 自动生成 records (no unit review).
"""

import csv
import io
import json
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from core.personal_data import blind_index
from core.validators import parse_id_number

from .catalogue import catalogue
from .models import ContinuingEducationFeed
from .services import records_import_auto, validate_data

KIND = "continuing_education"
COLUMNS = ["id_number", "record_id", "year", "ce_type", "programme", "hours", "organiser", "start_date",
           "end_date", "certificate_no"]


@dataclass
class FeedResult:
    received: int = 0
    duplicates: int = 0
    extracted: int = 0
    errors: list[str] = field(default_factory=list)


def parse_feed(content: bytes | str, *, fmt: str) -> list[dict]:
    text = content.decode("utf-8-sig") if isinstance(content, bytes) else content
    if fmt == "json":
        payload = json.loads(text)
        rows = payload.get("records", []) if isinstance(payload, dict) else payload
        return [dict(r) for r in rows]
    if fmt == "csv":
        return [dict(r) for r in csv.DictReader(io.StringIO(text))]
    raise ValueError(f"unknown format {fmt!r}")


def feed_ingest(rows: list[dict], *, source: str = "ce-platform", extract: bool = True,
                first_line: int = 1) -> FeedResult:
    """Store valid rows (skipping ones already received) and, with `extract`, pull them into the dossiers of
    people who have accounts. Invalid rows are reported by line (`first_line` is the number of the first row:
    2 for a CSV file, whose line 1 is the header) and skipped. Called by the management command and the API,
    both restricted to the platform's credentials."""
    kind = catalogue().kind(KIND)
    result = FeedResult()
    touched: set[str] = set()
    for line, row in enumerate(rows, start=first_line):
        try:
            id_number = parse_id_number(str(row.get("id_number", ""))).number
            record_id = str(row.get("record_id") or "").strip()
            if not record_id:
                raise ValidationError("缺少 record_id")
            data = validate_data(kind, {k: row.get(k) for k in COLUMNS[2:] if row.get(k) not in (None, "")})
        except ValidationError as error:
            result.errors.append(f"第{line}行：{'；'.join(error.messages)}")
            continue
        with transaction.atomic():
            _, created = ContinuingEducationFeed.objects.get_or_create(
                external_key=f"{source}:{record_id}", defaults={"id_number": id_number, "data": data}
            )
        if created:
            result.received += 1
            touched.add(id_number)
        else:
            result.duplicates += 1
    if extract and touched:
        people = User.objects.filter(id_number_bidx__in=[blind_index(number) for number in touched])
        for person in people.select_related("unit"):
            result.extracted += extract_for(person)
    return result


def extract_for(person) -> int:
    """提取: create the person's 自动生成 records from feed rows not yet pulled. Returns how many were new."""
    if not person.id_number:
        return 0
    kind = catalogue().kind(KIND)
    rows = [(f.external_key, f.data) for f in ContinuingEducationFeed.objects.by_id_number(person.id_number)]
    return records_import_auto(owner=person, kind=kind, rows=rows)
