"""The menu is rendered once per catalogue, series, active type and language with markers where the counts go
(dossier.menu): what a person gets must be the template rendered with that person's counts."""

import pytest
from django.template.loader import get_template

from dossier import selectors
from dossier.catalogue import catalogue
from dossier.menu import menu_html
from dossier.models import Status

from .support import make_record

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("series", ["", "卫生技术"])
@pytest.mark.parametrize("active", ["", "honour", "paper"])
def test_the_menu_is_the_template_rendered_with_the_persons_counts(owner, admin, series, active):
    for status in (Status.APPROVED, Status.APPROVED, Status.PENDING):
        make_record(owner, "honour", status=status, admin=admin)
    make_record(owner, "paper")
    counts = selectors.own_counts(owner)
    sections = catalogue().by_category_for(series)
    menu = [(label, [(kind, counts.get(kind.key)) for kind in kinds]) for _key, label, kinds in sections]
    expected = get_template("dossier/_menu_entries.html").render({"menu": menu, "active": active})

    assert menu_html(counts, series=series, active=active) == expected
    assert 'data-kind="honour">\n      表彰奖励<span class="text-muted">(3/2)</span>' in expected
