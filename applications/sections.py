"""The application's sections (SPEC §4), declared in sections.toml and validated at start-up.

Field declarations use the dossier catalogue's syntax and form generator, so a section is a declaration, not a
form class. Rows sections name the dossier types they can be filled from (`source`) and how record fields map
onto row fields (`map`), so an applicant picks approved records instead of retyping them.
"""

from __future__ import annotations

import copy
import functools
import string
import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from core.presets import preset_part
from dossier.catalogue import EvidenceSpec, FieldSpec, _fields, _slot, catalogue
from dossier.display import format_value

BASE_FILE = Path(__file__).with_name("sections.toml")
OTHER = "其他"  # the last choice of a title-name list: the name is typed in the `<field>_other` beside it


def title_name(values: dict, key: str = "title_name") -> str | None:
    """申报/现资格名称 as it reads: the name chosen from the list, or the text typed beside 其他."""
    value = (values or {}).get(key)
    return (values.get(f"{key}_other") or value) if value == OTHER else value


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
    # Title-name fields (`titles = ...` in sections.toml): field key -> "application" (the names of the
    # application's own series and level) or {"series": field, "level": field} (of two fields of this section).
    titles: dict | None = None

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

    def title_choices(self, section: SectionSpec, key: str, values: dict, series: str, level: str) -> list[str]:
        """What the title-name field `key` may hold: the names of its series and level, then 其他. `values` are the
        section's (for a field that follows two others), `series`/`level` the application's."""
        source = section.titles[key]
        if source != "application":
            series, level = values.get(source["series"]), values.get(source["level"])
        return [*self.titles(series or "", level or ""), OTHER]

    def title_map(self) -> dict:
        """series -> level -> names, each list ending with 其他: what the page narrows a title-name list from."""
        return {series: {level: [*names, OTHER] for level, names in levels.items()}
                for series, levels in self.title_names.items()}

    def wrong_titles(self, section: SectionSpec, values: dict, series: str, level: str) -> list[FieldSpec]:
        """The title-name fields of `section` whose value is not one of their series and level's names."""
        return [section.field(key) for key in section.titles or {}
                if values.get(key) and values[key] not in self.title_choices(section, key, values, series, level)]

    def echoed(self, section: SectionSpec, data: dict) -> dict:
        """The values the section's `echo` fields show read-only, read from their sections in `data` (行政职务 of
        个人基本信息 on the 卫生技术 page)."""
        values = {}
        for f in section.fields:
            if f.echo:
                source, key = f.echo.split(".")
                values[f.key] = data.get(source, {}).get("values", {}).get(key)
        return values

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
    title_names = raw.get("title_names", {})
    every_title = tuple(dict.fromkeys(n for levels in title_names.values() for names in levels.values() for n in names))
    for spec in raw_sections:
        where = f"application section {spec.get('key')!r}"
        if spec.get("kind") not in ("fields", "rows") or not spec.get("key") or spec["key"] in keys:
            raise ImproperlyConfigured(f"{where}: needs a unique key and kind fields or rows")
        keys.add(spec["key"])
        raw_fields, titles = _title_fields(spec, every_title, where)
        fields = _fields(raw_fields, choices, where, pickable=pickable)
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
            groups=groups, row_label=row_label, titles=titles or None,
        ))
    fields_of = {s.key: {f.key for f in s.fields} for s in built}
    for section in built:
        for f in section.fields:
            source, _, key = (f.echo or "").partition(".")
            if f.echo and key not in fields_of.get(source, ()):
                raise ImproperlyConfigured(f"application section {section.key!r}: field {f.key!r} echoes unknown "
                                           f"field {f.echo!r}")
    return Sections(all=tuple(built), choices=choices, title_names=title_names)


def _title_fields(spec: dict, every_title: tuple, where: str) -> tuple[list, dict]:
    """A fields section's title-name fields (`titles = "application"` or `titles = { series, level }`): choice
    fields over every name of `title_names` and 其他 (the page and the checks narrow them to one series and
    level), each with its `<key>_other` text field declared beside it."""
    fields, titles = [], {}
    keys = {f.get("key") for f in spec.get("fields", [])}
    for f in spec.get("fields", []):
        if "titles" not in f:
            fields.append(f)
            continue
        f = dict(f)
        source = f.pop("titles")
        ok = source == "application" or (isinstance(source, dict) and {source.get("series"), source.get("level")}
                                         <= keys and set(source) == {"series", "level"})
        if spec.get("kind") != "fields" or f.get("type") != "choice" or not ok or f"{f['key']}_other" not in keys:
            raise ImproperlyConfigured(f"{where}: field {f.get('key')!r}: titles is \"application\" or {{ series, "
                                       "level } naming fields of this fields section, on a choice field with a "
                                       f"{f.get('key')}_other text field")
        titles[f["key"]] = source
        fields.append({**f, "choices": [*every_title, OTHER]})
    return fields, titles


def _merge(base: dict, override: dict) -> dict:
    """Apply one override document to the raw sections file, the way the catalogue's overrides apply
    (docs/presets.md): shared `choices` replaced and `choices_add` appended, `title_names` per series, and per
    section (`[sections.<key>]`) `enabled = false`, plain keys replaced, `field_overrides`, `add_fields`,
    `remove_fields`, `attachment_overrides`, `add_attachments`, `remove_attachments`; `add_sections` appends whole
    declarations."""
    merged = copy.deepcopy(base)
    merged.setdefault("choices", {}).update(override.get("choices", {}))
    for name, extra in override.get("choices_add", {}).items():
        have = list(merged["choices"].get(name, []))
        merged["choices"][name] = have + [c for c in extra if c not in have]
    for series, levels in override.get("title_names", {}).items():
        merged.setdefault("title_names", {}).setdefault(series, {}).update(levels)
    by_key = {spec["key"]: spec for spec in merged.get("sections", [])}
    for key, patch in override.get("sections", {}).items():
        if key not in by_key:
            raise ImproperlyConfigured(f"section override: unknown section {key!r}")
        section, patch = by_key[key], copy.deepcopy(patch)
        field_patches = patch.pop("field_overrides", {})
        remove_fields = set(patch.pop("remove_fields", []))
        slot_patches = patch.pop("attachment_overrides", {})
        remove_slots = set(patch.pop("remove_attachments", []))
        fields = [f for f in section.get("fields", []) if f["key"] not in remove_fields]
        unknown = set(field_patches) - {f["key"] for f in fields}
        if unknown:
            raise ImproperlyConfigured(f"section override for {key}: unknown fields {sorted(unknown)}")
        for f in fields:
            f.update(field_patches.get(f["key"], {}))
        section["fields"] = fields + list(patch.pop("add_fields", []))
        slots = [a for a in section.get("attachments", []) if a["key"] not in remove_slots]
        unknown = set(slot_patches) - {a["key"] for a in slots}
        if unknown:
            raise ImproperlyConfigured(f"section override for {key}: unknown attachments {sorted(unknown)}")
        for a in slots:
            a.update(slot_patches.get(a["key"], {}))
        section["attachments"] = slots + list(patch.pop("add_attachments", []))
        section.update(patch)
    merged["sections"] = [s for s in merged.get("sections", []) if s.get("enabled", True)]
    merged["sections"] += list(override.get("add_sections", []))
    return merged


def load(paths=(), *, preset: dict | None = None) -> Sections:
    """The sections from the base file, a province preset's `[application]` document, then override files."""
    with open(BASE_FILE, "rb") as fh:
        raw = tomllib.load(fh)
    if preset:
        raw = _merge(raw, preset)
    for path in paths:
        with open(path, "rb") as fh:
            raw = _merge(raw, tomllib.load(fh))
    for spec in raw.get("sections", []):
        spec.pop("enabled", None)
    return _build(raw)


@functools.cache
def sections() -> Sections:
    result = load(getattr(settings, "APPLICATION_SECTION_OVERRIDES", []), preset=preset_part("application"))
    kinds = set(catalogue().kinds_by_key)
    for section in result.all:
        unknown = set(section.source) - kinds
        if unknown:
            raise ImproperlyConfigured(f"application section {section.key!r}: unknown dossier types {unknown}")
    return result


def reset() -> None:
    """Forget the cached sections (tests that change the preset or APPLICATION_SECTION_OVERRIDES call this)."""
    sections.cache_clear()
