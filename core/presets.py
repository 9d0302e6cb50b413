"""Province presets: `presets/<name>.toml` beside the project, chosen with settings.PROVINCE_PRESET (env).

A preset holds a `[catalogue]` table (an override of dossier/catalogue.toml, docs/catalogue.md) and an `[application]`
table (an override of applications/sections.toml, docs/presets.md). Each is applied before the deployment's own
override files (DOSSIER_CATALOGUE_OVERRIDES, APPLICATION_SECTION_OVERRIDES), so a deployment adjusts a preset the
way it adjusts the base files.
"""

import tomllib
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PRESETS_DIR = Path(__file__).resolve().parent.parent / "presets"
PARTS = {"catalogue", "application", "preset"}


def available() -> list[str]:
    return sorted(p.stem for p in PRESETS_DIR.glob("*.toml"))


def preset_part(part: str, name: str | None = None) -> dict:
    """One table of the preset `name` (default: settings.PROVINCE_PRESET); {} when no preset is chosen."""
    name = getattr(settings, "PROVINCE_PRESET", "") if name is None else name
    if not name:
        return {}
    if name not in available():
        raise ImproperlyConfigured(f"PROVINCE_PRESET {name!r}: no such preset (available: {', '.join(available())})")
    with open(PRESETS_DIR / f"{name}.toml", "rb") as fh:
        document = tomllib.load(fh)
    unknown = set(document) - PARTS
    if unknown:
        raise ImproperlyConfigured(f"preset {name!r}: unknown tables {sorted(unknown)}")
    return document.get(part, {})
