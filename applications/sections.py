"""The application's sections (SPEC §4), declared in sections.toml and validated at start-up.

Field declarations use the dossier catalogue's syntax and form generator, so a section is a declaration, not a
form class. Rows sections name the dossier types they can be filled from (`source`) and how record fields map
onto row fields (`map`), so an applicant picks approved records instead of retyping them.
"""

from __future__ import annotations

import functools
import string
import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from dossier.catalogue import EvidenceSpec, FieldSpec, _fields, _slot, catalogue
from dossier.display import format_value

BASE_FILE = Path(__file__).with_name("sections.toml")


@dataclass(frozen=True)
class GroupSpec:
    """A small row list inside a fields section (工作简历 of the teacher section)."""

    key: str
    label: str
    fields: tuple[FieldSpec, ...]
    max_rows: int
    show_if: dict | None = None

    def applies(self, data: dict) -> bool:
        return FieldSpec(key=self.key, label=self.label, type="text", show_if=self.show_if).visible(data)


@dataclass(frozen=True)
class SectionSpec:
    key: str
    label: str
    kind: str  # "fields" | "rows"
    fields: tuple[FieldSpec, ...]
    attachments: tuple[EvidenceSpec, ...] = ()
    series: str | None = None
    source: tuple[str, ...] = ()
    map: dict | None = None  # row field -> record field, a list of candidates, or {field, values} (a translation)
    max_rows: int | None = None
    one_per_year_last: int | None = None
    at_most_one: dict | None = None
    row_attachment: EvidenceSpec | None = None
    groups: tuple[GroupSpec, ...] = ()
    row_label: str | None = None  # rows sections: how a row reads where a field picks it ("{school} {major}")

    @property
    def is_rows(self) -> bool:
        return self.kind == "rows"

    def field(self, key: str) -> FieldSpec:
        return next(f for f in self.fields if f.key == key)

    def label_of_row(self, values: dict) -> str:
        """One row as a field that picks it offers and keeps it: row_label with the row's values as shown."""
        return self.row_label.format_map({f.key: format_value(f, values.get(f.key)) for f in self.fields})

    def row_from_record(self, record_data: dict) -> dict:
        """The row values a picked dossier record gives (pick, don't retype)."""
        values = {}
        for row_key, source in (self.map or {}).items():
            if isinstance(source, dict):  # a choice translated: 教育类型 全日制教育 → 是否工作前学历 是
                values[row_key] = source.get("values", {}).get(record_data.get(source["field"]))
                continue
            candidates = source if isinstance(source, list) else [source]
            filled = (record_data.get(c) for c in candidates if record_data.get(c) not in (None, ""))
            values[row_key] = next(filled, None)
        return values


@dataclass(frozen=True)
class Sections:
    all: tuple[SectionSpec, ...]
    choices: dict
    title_names: dict  # series -> level -> [names]

    def for_series(self, series: str) -> list[SectionSpec]:
        """The common sections, then the series section when the applicant's series has one."""
        return [s for s in self.all if s.series is None or s.series == series]

    def get(self, key: str) -> SectionSpec:
        return next(s for s in self.all if s.key == key)

    def titles(self, series: str, level: str) -> list[str]:
        return list(self.title_names.get(series, {}).get(level, []))

    def row_choices(self, field: FieldSpec, data: dict) -> list[str]:
        """What a `pick_row` field may hold: each row of its section in the application's `data`, as it reads."""
        source = self.get(field.pick_row)
        return [source.label_of_row(row["values"]) for row in data.get(source.key, {}).get("rows", [])]

    def stale_picks(self, fields, values: dict, data: dict) -> list[FieldSpec]:
        """The `pick_row` fields among `fields` whose value in `values` is no longer one of their rows as they read
        in the application's `data` (the row was changed or deleted since)."""
        return [f for f in fields if f.pick_row and values.get(f.key)
                and values[f.key] not in self.row_choices(f, data)]


def _build(raw: dict) -> Sections:
    choices = {name: tuple(values) for name, values in raw.get("choices", {}).items()}
    built = []
    keys = set()
    raw_sections = raw.get("sections", [])
    pickable = frozenset(s.get("key") for s in raw_sections if s.get("kind") == "rows" and s.get("row_label"))
    for spec in raw_sections:
        where = f"application section {spec.get('key')!r}"
        if spec.get("kind") not in ("fields", "rows") or not spec.get("key") or spec["key"] in keys:
            raise ImproperlyConfigured(f"{where}: needs a unique key and kind fields or rows")
        keys.add(spec["key"])
        fields = _fields(spec.get("fields", []), choices, where, pickable=pickable)
        field_keys = {f.key for f in fields}
        row_label = spec.get("row_label")
        if row_label is not None:
            try:
                names = {name for _text, name, _format, _conversion in string.Formatter().parse(row_label) if name}
            except ValueError:
                names = set()
            if spec["kind"] != "rows" or not names or not names <= field_keys:
                raise ImproperlyConfigured(f"{where}: row_label must name fields of this rows section in braces")
        if spec["kind"] == "rows" and any(f.pick_row for f in fields):
            raise ImproperlyConfigured(f"{where}: only a fields section's field picks a row of another section")
        for row_key, source in (spec.get("map") or {}).items():
            if row_key not in field_keys:
                raise ImproperlyConfigured(f"{where}: map names unknown field {row_key!r}")
            if isinstance(source, dict) and not isinstance(source.get("field"), str):
                raise ImproperlyConfigured(f"{where}: map entry {row_key!r} needs a record field")
        groups = tuple(
            GroupSpec(key=key, label=group["label"], fields=_fields(group["fields"], choices, f"{where} group {key}"),
                      max_rows=int(group.get("max_rows", 10)), show_if=group.get("show_if"))
            for key, group in spec.get("groups", {}).items()
        )
        row_attachment = spec.get("row_attachment")
        built.append(SectionSpec(
            key=spec["key"], label=spec["label"], kind=spec["kind"], fields=fields,
            attachments=tuple(_slot(a, {}) for a in spec.get("attachments", [])),
            series=spec.get("series"), source=tuple(spec.get("source", ())), map=spec.get("map"),
            max_rows=spec.get("max_rows"), one_per_year_last=spec.get("one_per_year_last"),
            at_most_one=spec.get("at_most_one"),
            row_attachment=_slot(row_attachment, {}, key="row") if row_attachment else None,
            groups=groups, row_label=row_label,
        ))
    return Sections(all=tuple(built), choices=choices, title_names=raw.get("title_names", {}))


@functools.cache
def sections() -> Sections:
    with open(BASE_FILE, "rb") as fh:
        result = _build(tomllib.load(fh))
    kinds = set(catalogue().kinds_by_key)
    for section in result.all:
        unknown = set(section.source) - kinds
        if unknown:
            raise ImproperlyConfigured(f"application section {section.key!r}: unknown dossier types {unknown}")
    return result
