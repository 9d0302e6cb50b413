"""The record-type catalogue: one declaration per type, loaded from TOML and validated at start-up.

`catalogue()` returns the effective catalogue: `catalogue.toml` beside this file, then every file named in
settings.DOSSIER_CATALOGUE_OVERRIDES applied in order (docs/catalogue.md describes the override format). Every
other part of the dossier — forms, list pages, the drawer, review pages, counts — reads this object and nothing
else, so adding a type is a declaration, not code.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from core.presets import preset_part
from core.uploads import FileRules

BASE_FILE = Path(__file__).with_name("catalogue.toml")
FIELD_TYPES = {"text", "textarea", "date", "year", "int", "decimal", "choice", "multichoice", "bool"}
COLUMN_FORMATS = {"period", "rank", "join"}
RECORD_ATTRIBUTES = {
    "@source": "来源", "@submitted_at": "申报时间", "@decided_at": "审核时间", "@status": "审核状态",
}


@dataclass(frozen=True)
class FieldSpec:
    key: str
    label: str
    type: str
    required: bool = False
    max_length: int | None = None
    min: float | None = None
    max: float | None = None
    choices: tuple[str, ...] = ()
    show_if: dict | None = None
    fill: str | None = None
    help: str = ""
    not_before: str | None = None
    not_above: str | None = None
    column_label: str | None = None
    excel_text: bool = False  # a text column in Excel templates (keeps leading zeros of 住院号, ID numbers)
    not_future: bool = False  # a date that cannot be after today
    pattern: str | None = None  # a named format from dossier.forms.PATTERNS (issn, isbn, ...)
    lock_if: dict | None = None  # a show_if-style rule: when it holds the field is shown read-only and kept empty
    echo: str | None = None  # application sections only: "<section>.<field>", shown read-only from that section
    searchable: bool = False  # choice: typed with its choices offered as the text narrows them (民族, 56 entries)
    suggestions: tuple[str, ...] = ()  # text: common values offered in a list while typing (外语情况: 英语理工A合格)
    pick_row: str | None = None  # application sections only: the value is one row of that rows section (有效学历)

    def visible(self, data: dict) -> bool:
        """Whether this field applies, given the other values (conditional fields)."""
        if not self.show_if:
            return True
        value = data.get(self.show_if["field"])
        if "filled" in self.show_if and bool(value not in (None, "", [])) != self.show_if["filled"]:
            return False
        if "equals" in self.show_if:
            expected = self.show_if["equals"]
            actual = bool(value) if isinstance(expected, bool) else value
            if actual != expected:
                return False
        if "not_equals" in self.show_if and value == self.show_if["not_equals"]:
            return False
        if "in" in self.show_if and value not in self.show_if["in"]:
            return False
        return True

    def locked(self, data: dict) -> bool:
        """Whether the field is read-only (and empty) given the other values: 级别 of a 公共卫生机构."""
        return bool(self.lock_if) and FieldSpec(key=self.key, label=self.label, type="text",
                                                show_if=self.lock_if).visible(data)


@dataclass(frozen=True)
class ColumnSpec:
    label: str
    fields: tuple[str, ...]
    format: str = "value"  # value | period | rank | join | attribute | count
    nowrap: bool = False  # short values (dates, numbers, choices, codes, names) that read badly when broken


NOWRAP_TYPES = {"date", "year", "int", "decimal", "choice", "bool"}


def _nowrap(spec: FieldSpec) -> bool:
    return spec.type in NOWRAP_TYPES or (spec.type == "text" and (spec.max_length or 200) <= 30)


@dataclass(frozen=True)
class EvidenceSpec(FileRules):
    """One attachment slot: the default 佐证材料 (`evidence`) or a named one (查重文档附件, 纸质扫描版…). Its
    files are checked by core.uploads against the FileRules it extends (types, size, count)."""

    required: bool
    help: str = ""
    key: str = "evidence"
    label: str = "佐证材料"
    enabled: bool = True
    show_if: dict | None = None

    def applies(self, data: dict) -> bool:
        """Whether this slot is asked for, given the record's values (a conditional slot)."""
        return FieldSpec(key=self.key, label=self.label, type="text", show_if=self.show_if).visible(data)


@dataclass(frozen=True)
class ChildListSpec:
    """A list of rows inside a record (病案 of a 专题, 参考文献 of a 综述), with its own fields and thresholds."""

    key: str
    label: str
    fields: tuple[FieldSpec, ...]
    show_if: dict | None = None
    min_count: int = 0
    recent_years: int | None = None
    recent_min: int | None = None  # how many rows must be recent; None: every row
    recent_fields: tuple[str, ...] = ()
    unique_together: tuple[str, ...] = ()
    item_attachment: EvidenceSpec | None = None
    numbered: bool = False  # the Excel template starts with a 序号 column

    def applies(self, data: dict) -> bool:
        return FieldSpec(key=self.key, label=self.label, type="text", show_if=self.show_if).visible(data)

    def field(self, key: str) -> FieldSpec:
        return next(f for f in self.fields if f.key == key)


@dataclass(frozen=True)
class KindSpec:
    key: str
    category: str
    label: str
    fields: tuple[FieldSpec, ...]
    columns: tuple[ColumnSpec, ...]
    search: tuple[str, ...]
    title: str
    evidence: EvidenceSpec
    withdrawable: bool = True
    extractable: bool = False
    submit_requires_unit: bool = False
    enabled: bool = True
    extra_attachments: tuple[EvidenceSpec, ...] = ()
    children: tuple[ChildListSpec, ...] = ()
    importable: bool = False  # rows of this type can be imported from an Excel template
    batch_submit: bool = False
    unique_together: tuple[str, ...] = ()

    @property
    def slots(self) -> tuple[EvidenceSpec, ...]:
        """Every attachment slot of the type, the default 佐证材料 first when it is enabled."""
        return ((self.evidence,) if self.evidence.enabled else ()) + self.extra_attachments

    def slot(self, key: str) -> EvidenceSpec:
        return next(s for s in self.slots if s.key == key)

    def child(self, key: str) -> ChildListSpec:
        return next(c for c in self.children if c.key == key)

    def field(self, key: str) -> FieldSpec:
        return self._by_key[key]

    @functools.cached_property
    def _by_key(self) -> dict[str, FieldSpec]:
        return {f.key: f for f in self.fields}

    @property
    def search_labels(self) -> str:
        return "/".join(self.field(k).label for k in self.search)

    @property
    def search_placeholder(self) -> str:
        return "请输入" + self.search_labels


@dataclass(frozen=True)
class Catalogue:
    categories: dict[str, str]
    kinds_by_key: dict[str, KindSpec]
    withdrawal: bool = True
    page_size: int = 10
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)
    category_series: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # A digest of the declaration it was built from: part of the key of every cached fragment whose markup the
    # catalogue decides (labels, columns, URLs of the types), so that a changed catalogue is never served old markup.
    version: str = ""

    def category_shown_to(self, category: str, series: str) -> bool:
        """A category limited to some series (行业专用 → 卫生技术) shows only to applicants of those series."""
        allowed = self.category_series.get(category)
        return not allowed or series in allowed

    def by_category_for(self, series: str) -> list[tuple[str, str, list[KindSpec]]]:
        return [c for c in self.by_category() if self.category_shown_to(c[0], series)]

    def kinds(self) -> list[KindSpec]:
        return [k for k in self.kinds_by_key.values() if k.enabled]

    def kind(self, key: str) -> KindSpec:
        """The enabled kind `key`; KeyError otherwise (views turn it into a 404)."""
        spec = self.kinds_by_key[key]
        if not spec.enabled:
            raise KeyError(key)
        return spec

    def by_category(self) -> list[tuple[str, str, list[KindSpec]]]:
        """[(category key, label, [kinds])] in declaration order, empty categories left out."""
        out = []
        for key, label in self.categories.items():
            kinds = [k for k in self.kinds() if k.category == key]
            if kinds:
                out.append((key, label, kinds))
        return out

    def withdrawable(self, kind: KindSpec) -> bool:
        return self.withdrawal and kind.withdrawable


# ------------------------------------------------------------------ loading and overrides


def _merge(base: dict, override: dict) -> dict:
    """Apply one override document to the raw catalogue (see docs/catalogue.md)."""
    merged = copy.deepcopy(base)
    for section in ("settings", "categories", "choices", "evidence", "category_series"):
        merged.setdefault(section, {}).update(override.get(section, {}))
    for name, extra in override.get("choices_add", {}).items():
        have = list(merged["choices"].get(name, []))
        merged["choices"][name] = have + [c for c in extra if c not in have]
    kinds = merged.setdefault("kinds", {})
    for key, patch in override.get("kinds", {}).items():
        patch = dict(patch)
        field_patches = patch.pop("field_overrides", {})
        add_fields = patch.pop("add_fields", [])
        remove_fields = set(patch.pop("remove_fields", []))
        child_patches = patch.pop("children", {})
        kind = kinds.setdefault(key, {})
        kind.update(patch)
        # A child list is patched key by key (min_count = 3 keeps its label, fields and other thresholds).
        for child_key, child_patch in child_patches.items():
            kind.setdefault("children", {}).setdefault(child_key, {}).update(child_patch)
        fields = [f for f in kind.get("fields", []) if f["key"] not in remove_fields]
        for f in fields:
            fpatch = dict(field_patches.get(f["key"], {}))
            if "choices_add" in fpatch:
                current = f.get("choices", [])
                if isinstance(current, str):
                    current = merged["choices"].get(current, [])
                f["choices"] = list(current) + list(fpatch.pop("choices_add"))
            f.update(fpatch)
        unknown = set(field_patches) - {f["key"] for f in fields}
        if unknown:
            raise ImproperlyConfigured(f"catalogue override for {key}: unknown fields {sorted(unknown)}")
        kind["fields"] = fields + list(add_fields)
    return merged


def _fields(raw_fields: list, choices: dict, where: str, *, pickable=frozenset()) -> tuple[FieldSpec, ...]:
    """Field declarations checked and built; `pickable`: the sections whose rows a `pick_row` field may name
    (none in the dossier catalogue)."""
    fields = []
    for f in raw_fields:
        f = dict(f)
        if f.get("type") not in FIELD_TYPES:
            raise ImproperlyConfigured(f"{where}: field {f.get('key')!r} has unknown type {f.get('type')!r}")
        raw_choices = f.pop("choices", ())
        if isinstance(raw_choices, str):
            if raw_choices not in choices:
                raise ImproperlyConfigured(f"{where}: unknown choice list {raw_choices!r}")
            raw_choices = choices[raw_choices]
        if f["type"] in ("choice", "multichoice") and not raw_choices:
            raise ImproperlyConfigured(f"{where}: field {f['key']!r} needs choices")
        if f.get("pick_row") is not None and (f["type"] != "text" or f["pick_row"] not in pickable):
            raise ImproperlyConfigured(f"{where}: field {f.get('key')!r} picks a row of {f['pick_row']!r}, which is "
                                       "not a rows section with a row_label (or the field is not text)")
        if "suggestions" in f:
            if f["type"] != "text":
                raise ImproperlyConfigured(f"{where}: field {f['key']!r}: suggestions are for text fields")
            f["suggestions"] = tuple(f["suggestions"])
        try:
            fields.append(FieldSpec(choices=tuple(raw_choices), **f))
        except TypeError as error:
            raise ImproperlyConfigured(f"{where}: field {f.get('key')!r}: {error}") from None
    keys = [f.key for f in fields]
    if len(set(keys)) != len(keys):
        raise ImproperlyConfigured(f"{where}: duplicate field keys")
    for f in fields:
        for ref in (f.not_before, f.not_above, (f.show_if or {}).get("field"), (f.lock_if or {}).get("field")):
            if ref and ref not in keys:
                raise ImproperlyConfigured(f"{where}: field {f.key!r} refers to unknown field {ref!r}")
    return tuple(fields)


def _slot(spec: dict, defaults: dict, **fixed) -> EvidenceSpec:
    merged = {**defaults, **spec, **fixed}
    return EvidenceSpec(
        types=tuple(t.lower() for t in merged.get("types", ())),
        max_mb=float(merged.get("max_mb", 10)),
        max_count=int(merged.get("max_count", 10)),
        required=bool(merged.get("required", True)),
        help=merged.get("help", ""),
        key=merged.get("key", "evidence"),
        label=merged.get("label", "佐证材料"),
        enabled=bool(merged.get("enabled", True)),
        show_if=merged.get("show_if"),
    )


def _build(raw: dict) -> Catalogue:
    choices = {name: tuple(values) for name, values in raw.get("choices", {}).items()}
    categories = dict(raw.get("categories", {}))
    evidence_defaults = raw.get("evidence", {})
    kinds: dict[str, KindSpec] = {}
    raw_kinds = raw.get("kinds", {})
    for key, spec in raw_kinds.items():
        where = f"catalogue kind {key!r}"
        if spec.get("category") not in categories:
            raise ImproperlyConfigured(f"{where}: unknown category {spec.get('category')!r}")
        fields = _fields(spec.get("fields", []), choices, where)
        keys = [f.key for f in fields]
        by_key = {f.key: f for f in fields}
        children = []
        for child_key, child in spec.get("children", {}).items():
            child = dict(child)
            child_where = f"{where} child list {child_key!r}"
            source = child.pop("same_fields_as", None)
            if source:
                other_kind, other_child = source.split(".")
                try:
                    child.setdefault("fields", raw_kinds[other_kind]["children"][other_child]["fields"])
                except KeyError:
                    raise ImproperlyConfigured(f"{child_where}: unknown same_fields_as {source!r}") from None
            child_fields = _fields(child.get("fields", []), choices, child_where)
            child_keys = {f.key for f in child_fields}
            if any(k not in child_keys for k in [*child.get("recent_fields", []), *child.get("unique_together", [])]):
                raise ImproperlyConfigured(f"{child_where}: recent_fields and unique_together must be its fields")
            if child.get("show_if") and child["show_if"].get("field") not in keys:
                raise ImproperlyConfigured(f"{child_where}: show_if refers to an unknown field")
            item_attachment = child.get("item_attachment")
            children.append(ChildListSpec(
                key=child_key, label=child["label"], fields=child_fields, show_if=child.get("show_if"),
                min_count=int(child.get("min_count", 0)), recent_years=child.get("recent_years"),
                recent_min=child.get("recent_min"), recent_fields=tuple(child.get("recent_fields", ())),
                unique_together=tuple(child.get("unique_together", ())),
                item_attachment=_slot(item_attachment, evidence_defaults, key="item", max_count=1)
                if item_attachment else None,
                numbered=bool(child.get("numbered", False)),
            ))
        child_keys = {c.key for c in children}
        columns = []
        for c in spec.get("columns", []):
            if isinstance(c, str) and c.startswith("@"):
                if c not in RECORD_ATTRIBUTES:
                    raise ImproperlyConfigured(f"{where}: unknown column {c!r}")
                columns.append(ColumnSpec(label=RECORD_ATTRIBUTES[c], fields=(c[1:],), format="attribute"))
            elif isinstance(c, str) and c.startswith("#"):
                if c[1:] not in child_keys:
                    raise ImproperlyConfigured(f"{where}: column {c!r} is not a child list")
                label = next(ch.label for ch in children if ch.key == c[1:])
                columns.append(ColumnSpec(label=f"{'文献' if c[1:] == 'references' else label}数量",
                                          fields=(c[1:],), format="count"))
            elif isinstance(c, str):
                if c not in by_key:
                    raise ImproperlyConfigured(f"{where}: column {c!r} is not a field")
                columns.append(ColumnSpec(label=by_key[c].column_label or by_key[c].label, fields=(c,),
                                          nowrap=_nowrap(by_key[c])))
            else:
                if c.get("format") not in COLUMN_FORMATS or any(k not in by_key for k in c["fields"]):
                    raise ImproperlyConfigured(f"{where}: bad column {c!r}")
                columns.append(ColumnSpec(label=c["label"], fields=tuple(c["fields"]), format=c["format"],
                                          nowrap=c["format"] == "rank"))
        search = tuple(spec.get("search", []))
        title = spec.get("title") or (keys[0] if keys else "")
        if any(s not in by_key for s in search) or title not in by_key:
            raise ImproperlyConfigured(f"{where}: search fields and title must be fields")
        extra = []
        for slot in spec.get("attachments", []):
            if slot.get("key") in (None, "evidence"):
                raise ImproperlyConfigured(f"{where}: every extra attachment slot needs its own key")
            if slot.get("show_if") and slot["show_if"].get("field") not in keys:
                raise ImproperlyConfigured(f"{where}: attachment {slot['key']!r} show_if refers to an unknown field")
            extra.append(_slot(slot, evidence_defaults))
        unique_together = tuple(spec.get("unique_together", ()))
        if any(k not in by_key for k in unique_together):
            raise ImproperlyConfigured(f"{where}: unique_together must name fields")
        kinds[key] = KindSpec(
            key=key,
            category=spec["category"],
            label=spec["label"],
            fields=fields,
            columns=tuple(columns),
            search=search,
            title=title,
            evidence=_slot(spec.get("evidence", {}), evidence_defaults, key="evidence"),
            withdrawable=spec.get("withdrawable", True),
            extractable=spec.get("extractable", False),
            submit_requires_unit=spec.get("submit_requires_unit", False),
            enabled=spec.get("enabled", True),
            extra_attachments=tuple(extra),
            children=tuple(children),
            importable=spec.get("importable", False),
            batch_submit=spec.get("batch_submit", False),
            unique_together=unique_together,
        )
    settings_ = raw.get("settings", {})
    return Catalogue(
        categories=categories,
        kinds_by_key=kinds,
        withdrawal=bool(settings_.get("withdrawal", True)),
        page_size=int(settings_.get("page_size", 10)),
        choices=choices,
        category_series={k: tuple(v) for k, v in raw.get("category_series", {}).items()},
        version=hashlib.sha256(json.dumps(raw, sort_keys=True, default=str).encode()).hexdigest()[:16],
    )


def load(paths: list[Path | str] | None = None, *, preset: dict | None = None) -> Catalogue:
    """Build a catalogue from the base file, a province preset's override document, then override files (a list
    of TOML paths)."""
    with open(BASE_FILE, "rb") as fh:
        raw = tomllib.load(fh)
    if preset:
        raw = _merge(raw, preset)
    for path in paths or []:
        with open(path, "rb") as fh:
            raw = _merge(raw, tomllib.load(fh))
    return _build(raw)


@functools.cache
def catalogue() -> Catalogue:
    return load(getattr(settings, "DOSSIER_CATALOGUE_OVERRIDES", []), preset=preset_part("catalogue"))


def reset() -> None:
    """Forget the cached catalogue (tests that change DOSSIER_CATALOGUE_OVERRIDES call this)."""
    catalogue.cache_clear()
