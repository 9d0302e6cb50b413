"""{% pk_url 'dossier:edit' record.pk %}: what {% url 'dossier:edit' record.pk %} gives for a view whose only
argument is an integer pk, with the URL reversed once per view name (and URL prefix, URLconf and language)
rather than on every row: a ten-row record list reversed up to forty URLs, about a millisecond of its CPU."""

import functools

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

from core.skeleton import Slot

register = template.Library()

_SENTINEL = str(9_070_605_040_302_010)


@functools.lru_cache(maxsize=256)
def _halves(name: str, rest: tuple, _prefix: str, _urlconf, _language) -> tuple[str, str]:
    url = reverse(name, args=[int(_SENTINEL), *rest])
    head, found, tail = url.partition(_SENTINEL)
    if not found or _SENTINEL in tail:
        raise ValueError(f"{name} does not take one integer argument")
    return head, tail


def pk_url(name: str, pk, *rest) -> str:
    """`rest`: the view's further arguments (strings), after the pk. A skeleton's pk slot stays a slot."""
    head, tail = _halves(name, rest, get_script_prefix(), get_urlconf(), get_language())
    return f"{head}{pk if isinstance(pk, Slot) else int(pk)}{tail}"


register.simple_tag(pk_url, name="pk_url")
