"""The record-type catalogue: one declaration per type, loaded from TOML and validated at start-up.

`catalogue()` returns the effective catalogue: `catalogue.toml` beside this file, then every file named in
settings.DOSSIER_CATALOGUE_OVERRIDES applied in order (docs/catalogue.md describes the override format). Every
other part of the dossier — forms, list pages, the drawer, review pages, counts — reads this object and nothing
else, so adding a type is a declaration, not code.
"""

from __future__ import annotations

import copy
import functools
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

BASE_FILE = Path(__file__).with_name("catalogue.toml")
FIELD_TYPES = {"text", "textarea", "date", "year", "int", "decimal", "choice", "multichoice", "bool"}
COLUMN_FORMATS = {"period", "rank", "join"}
RECORD_ATTRIBUTES = {"@source": "来源", "@submitted_at": "申报日期", "@status": "状态"}


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
        return True


@dataclass(frozen=True)
class ColumnSpec:
    label: str
    fields: tuple[str, ...]
    format: str = "value"  # value | period | rank | join | attribute


@dataclass(frozen=True)
class EvidenceSpec:
    types: tuple[str, ...]
    max_mb: float
    max_count: int
    required: bool
    help: str = ""

    @property
    def max_bytes(self) -> int:
        return int(self.max_mb * 1024 * 1024)

    @property
    def accept(self) -> str:
        return ",".join(f".{t}" for t in self.types)


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
    for section in ("settings", "categories", "choices", "evidence"):
        merged.setdefault(section, {}).update(override.get(section, {}))
    for name, extra in override.get("choices_add", {}).items():
        merged["choices"][name] = list(merged["choices"].get(name, [])) + [c for c in extra if c not in merged["choices"].get(name, [])]
    kinds = merged.setdefault("kinds", {})
    for key, patch in override.get("kinds", {}).items():
        patch = dict(patch)
        field_patches = patch.pop("field_overrides", {})
        add_fields = patch.pop("add_fields", [])
        remove_fields = set(patch.pop("remove_fields", []))
        kind = kinds.setdefault(key, {})
        kind.update(patch)
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


def _build(raw: dict) -> Catalogue:
    choices = {name: tuple(values) for name, values in raw.get("choices", {}).items()}
    categories = dict(raw.get("categories", {}))
    evidence_defaults = raw.get("evidence", {})
    kinds: dict[str, KindSpec] = {}
    for key, spec in raw.get("kinds", {}).items():
        where = f"catalogue kind {key!r}"
        if spec.get("category") not in categories:
            raise ImproperlyConfigured(f"{where}: unknown category {spec.get('category')!r}")
        fields = []
        for f in spec.get("fields", []):
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
            fields.append(FieldSpec(choices=tuple(raw_choices), **f))
        keys = [f.key for f in fields]
        if len(set(keys)) != len(keys):
            raise ImproperlyConfigured(f"{where}: duplicate field keys")
        for f in fields:
            for ref in (f.not_before, f.not_above, (f.show_if or {}).get("field")):
                if ref and ref not in keys:
                    raise ImproperlyConfigured(f"{where}: field {f.key!r} refers to unknown field {ref!r}")
        by_key = {f.key: f for f in fields}
        columns = []
        for c in spec.get("columns", []):
            if isinstance(c, str) and c.startswith("@"):
                if c not in RECORD_ATTRIBUTES:
                    raise ImproperlyConfigured(f"{where}: unknown column {c!r}")
                columns.append(ColumnSpec(label=RECORD_ATTRIBUTES[c], fields=(c[1:],), format="attribute"))
            elif isinstance(c, str):
                if c not in by_key:
                    raise ImproperlyConfigured(f"{where}: column {c!r} is not a field")
                columns.append(ColumnSpec(label=by_key[c].column_label or by_key[c].label, fields=(c,)))
            else:
                if c.get("format") not in COLUMN_FORMATS or any(k not in by_key for k in c["fields"]):
                    raise ImproperlyConfigured(f"{where}: bad column {c!r}")
                columns.append(ColumnSpec(label=c["label"], fields=tuple(c["fields"]), format=c["format"]))
        search = tuple(spec.get("search", []))
        title = spec.get("title") or (keys[0] if keys else "")
        if any(s not in by_key for s in search) or title not in by_key:
            raise ImproperlyConfigured(f"{where}: search fields and title must be fields")
        evidence = {**evidence_defaults, **spec.get("evidence", {})}
        kinds[key] = KindSpec(
            key=key,
            category=spec["category"],
            label=spec["label"],
            fields=tuple(fields),
            columns=tuple(columns),
            search=search,
            title=title,
            evidence=EvidenceSpec(
                types=tuple(t.lower() for t in evidence.get("types", ())),
                max_mb=float(evidence.get("max_mb", 10)),
                max_count=int(evidence.get("max_count", 10)),
                required=bool(evidence.get("required", True)),
                help=evidence.get("help", ""),
            ),
            withdrawable=spec.get("withdrawable", True),
            extractable=spec.get("extractable", False),
            submit_requires_unit=spec.get("submit_requires_unit", False),
            enabled=spec.get("enabled", True),
        )
    settings_ = raw.get("settings", {})
    return Catalogue(
        categories=categories,
        kinds_by_key=kinds,
        withdrawal=bool(settings_.get("withdrawal", True)),
        page_size=int(settings_.get("page_size", 10)),
        choices=choices,
    )


def load(paths: list[Path | str] | None = None) -> Catalogue:
    """Build a catalogue from the base file and override files (a list of TOML paths)."""
    with open(BASE_FILE, "rb") as fh:
        raw = tomllib.load(fh)
    for path in paths or []:
        with open(path, "rb") as fh:
            raw = _merge(raw, tomllib.load(fh))
    return _build(raw)


@functools.cache
def catalogue() -> Catalogue:
    return load(getattr(settings, "DOSSIER_CATALOGUE_OVERRIDES", []))


def reset() -> None:
    """Forget the cached catalogue (tests that change DOSSIER_CATALOGUE_OVERRIDES call this)."""
    catalogue.cache_clear()
