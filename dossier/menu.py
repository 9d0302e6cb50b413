"""The applicant's left menu (业绩类别 with each type's (total/approved)), rendered cheaply.

Its markup depends on the catalogue, the categories the applicant's series sees, the page's type (the active
entry), the URL prefix and the language; only the counts belong to the person. So `_menu_entries.html` is
rendered once per combination of those (the categories, not the series: many series see the same ones), with
markers where the counts go, and each request only puts its counts in. The HTML is the same as rendering the
template every time, which cost a third of a list page's CPU
(two dozen entries, each with a URL, a condition and five lookups).
"""

from django.template.loader import get_template
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from core.skeleton import number_text

from .catalogue import catalogue

TEMPLATE = "dossier/_menu_entries.html"
_MARK = "\x00"  # cannot occur in a label or a URL, so a split finds exactly the count slots
_skeletons: dict[tuple, tuple] = {}
_sections: dict[tuple, tuple] = {}  # (catalogue, series) -> the categories that series sees


class _Slots:
    """Stands in for a type's KindCounts while the skeleton is rendered: its numbers are markers."""

    def __init__(self, key: str):
        self.total = f"{_MARK}{key}{_MARK}total{_MARK}"
        self.approved = f"{_MARK}{key}{_MARK}approved{_MARK}"


def menu_html(counts: dict, *, series: str, active: str = "") -> SafeString:
    """The menu for a person with these per-type `counts` (selectors.own_counts), on the page of type `active`."""
    parts = _skeleton(series, active)
    shown: dict[int, str] = {}  # as {{ c.total|default:0 }} shows it, once per distinct number
    out = [parts[0]]
    for i in range(1, len(parts), 3):  # parts[i]: a type's key, parts[i + 1]: "total" or "approved"
        entry = counts.get(parts[i])
        n = getattr(entry, parts[i + 1]) if entry else 0
        out.append(shown.get(n) or shown.setdefault(n, number_text(n)))
        out.append(parts[i + 2])
    return mark_safe("".join(out))  # noqa: S308 — every piece comes from the escaping template engine


def _skeleton(series: str, active: str) -> list[str]:
    """The rendered menu split at the count markers: [html, key, field, html, key, field, ..., html]."""
    cat = catalogue()
    template = get_template(TEMPLATE).template  # a new object when the template changes (development reloads)
    # Keyed by the categories shown rather than by the series: the many series share a few menus.
    shown = _sections.get((id(cat), series))
    if shown is None:
        if len(_sections) >= 1024:
            _sections.clear()
        shown = _sections[(id(cat), series)] = (tuple(c[0] for c in cat.by_category_for(series)), cat)
    key = (id(cat), id(template), shown[0], active, get_script_prefix(), get_language())
    found = _skeletons.get(key)
    if found is None:
        sections = cat.by_category_for(series)
        menu = [(label, [(kind, _Slots(kind.key)) for kind in kinds]) for _k, label, kinds in sections]
        html = get_template(TEMPLATE).render({"menu": menu, "active": active})
        # Held with the catalogue and the template so that their ids cannot be reused while the entry lives.
        found = _skeletons[key] = (html.split(_MARK), cat, template)
    return found[0]
