"""The unit admin's left menu (业绩档案 with each type's (total/approved) and its pending badge), rendered cheaply.

As with the applicant's menu (dossier/menu.py), `review/_menu.html` is rendered once per catalogue, page type,
URL prefix and language with markers where the counts go, and each request only puts its unit's counts in: the
template rendered for every request cost a third of the review queue's CPU. The pending badge is shown only when
there are pending records, so the skeleton is rendered twice, with every badge and with none, and each entry
takes its tail from the one that fits its count. The HTML is the same as rendering the template each time
(tests/review/test_menu.py).
"""

from django.template.loader import get_template
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from core.skeleton import number_text
from dossier.catalogue import catalogue
from dossier.models import Status

TEMPLATE = "review/_menu.html"
_MARK = "\x00"  # cannot occur in a label or a URL, so a split finds exactly the count slots
_skeletons: dict[tuple, tuple] = {}


class _Slots:
    """Stands in for a type's KindCounts while a skeleton is rendered: its numbers are markers."""

    def __init__(self, key: str, *, badge: bool):
        self.total = f"{_MARK}{key}{_MARK}total{_MARK}"
        self.approved = f"{_MARK}{key}{_MARK}approved{_MARK}"
        self.by_status = {Status.PENDING: f"{_MARK}{key}{_MARK}pending{_MARK}"} if badge else {}


def menu_html(counts: dict, *, active: str = "") -> SafeString:
    """The menu for a unit with these per-type `counts` (selectors.unit_counts), on the page of type `active`."""
    plain, after_approved, after_pending = _skeleton(active)
    shown: dict[int, str] = {}  # as the template shows it, once per distinct number
    out = [plain[0]]
    for i in range(1, len(plain), 3):  # plain[i]: a type's key, plain[i + 1]: "total" or "approved"
        key, field = plain[i], plain[i + 1]
        entry = counts.get(key)
        n = getattr(entry, field) if entry else 0
        out.append(shown.get(n) or shown.setdefault(n, number_text(n)))
        pending = entry.by_status.get(Status.PENDING) if entry and field == "approved" else 0
        if pending:
            out += [after_approved[key], shown.get(pending) or shown.setdefault(pending, number_text(pending)),
                    after_pending[key]]
        else:
            out.append(plain[i + 2])
    return mark_safe("".join(out))  # noqa: S308 — every piece comes from the escaping template engine


def _skeleton(active: str) -> tuple[list[str], dict[str, str], dict[str, str]]:
    """The menu without badges split at the count markers ([html, key, field, html, ..., html]), and from the
    menu with every badge: per type, the HTML after its approved count (up to the badge's number) and after the
    badge's number."""
    cat = catalogue()
    template = get_template(TEMPLATE).template  # a new object when the template changes (development reloads)
    cache_key = (id(cat), id(template), active, get_script_prefix(), get_language())
    found = _skeletons.get(cache_key)
    if found is None:
        page_kind = cat.kind(active) if active else None
        variants = []
        for badge in (False, True):
            menu = [(label, [(kind, _Slots(kind.key, badge=badge)) for kind in kinds])
                    for _key, label, kinds in cat.by_category()]
            variants.append(get_template(TEMPLATE).render({"menu": menu, "kind": page_kind}).split(_MARK))
        plain, badged = variants
        after_approved, after_pending = {}, {}
        for i in range(1, len(badged), 3):
            key, field = badged[i], badged[i + 1]
            if field == "approved":
                after_approved[key] = badged[i + 2]
            elif field == "pending":
                after_pending[key] = badged[i + 2]
        # Held with the catalogue and the template so that their ids cannot be reused while the entry lives.
        found = _skeletons[cache_key] = ((plain, after_approved, after_pending), cat, template)
    return found[0]
