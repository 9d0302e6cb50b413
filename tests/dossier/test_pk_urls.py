"""{% pk_url %} (dossier/templatetags/pk_urls.py) gives exactly what {% url %} gives."""

import pytest
from django.template import engines
from django.urls import NoReverseMatch, reverse

from dossier.templatetags.pk_urls import pk_url

NAMES = ["dossier:detail", "dossier:edit", "dossier:delete", "dossier:withdraw", "review:record"]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("pk", [1, 7, 1234567, "42"])
def test_the_url_is_the_one_reverse_gives(name, pk):
    assert pk_url(name, pk) == reverse(name, args=[pk])


def test_the_tag_renders_what_the_url_tag_renders():
    engine = engines["django"]
    mine = engine.from_string("{% load pk_urls %}{% pk_url 'dossier:edit' pk %}")
    django_s = engine.from_string("{% url 'dossier:edit' pk %}")

    assert mine.render({"pk": 5}) == django_s.render({"pk": 5}) == reverse("dossier:edit", args=[5])


def test_a_view_with_more_arguments_is_refused():
    with pytest.raises(NoReverseMatch):
        pk_url("dossier:items", 1)
