"""Template fragments rendered once per shape, then filled with each request's values.

A list page repeats one row's markup ten times and wraps it in the same chrome on every request; Django's
template engine spends most of a list page's CPU walking those nodes again. Here a fragment is rendered once for
each combination of what decides its markup (`shape`: the record type, the row's status and actions…, plus the
template, URL prefix and language; an object in the shape may be given by its id, as it is kept alive with the
entry), with `Slot` markers where a request's own values go; the result is split at
the markers and cached in this process. Filling it escapes each value as `{{ value }}` would. The HTML is
exactly what rendering the template with those values gives (tests compare the two).

    parts = skeleton("dossier/_record_row.html", (kind.key, status), {"record": ..., "title": Slot("title")})
    fill(parts, {"title": record.title})

A slot's value is inserted as text (escaped) unless it is a SafeString; a slot must not pass through a filter
that would change it (format dates and defaults in Python first).
"""

import html
import os
from types import SimpleNamespace

from django.conf import settings
from django.http import HttpResponse
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, get_token
from django.shortcuts import render
from django.template.loader import get_template
from django.urls import get_script_prefix, get_urlconf
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from zhicheng.context_processors import navigation  # core/skeleton.py goes with the stock rendering (issue 20)

_MARK = "\x00"  # cannot occur in markup, labels or URLs, so a split finds exactly the slots
_LIMIT = 4096  # shapes kept per process; far more than a catalogue's types × statuses × actions
_cache: dict[tuple, tuple] = {}


class Slot(SafeString):
    """Where a value goes: renders as a marker that escaping leaves alone. A slot given the request's `value`
    also answers the template's tests of it (`{% if n %}`, `{% if n > 1 %}`) as the value would; the shape
    must then cover what those tests decide."""

    def __new__(cls, name: str, value=None):
        slot = super().__new__(cls, f"{_MARK}{name}{_MARK}")
        slot.value = value
        return slot

    def __bool__(self):
        return True if self.value is None else bool(self.value)

    def __gt__(self, other):
        return self.value > other

    def __ge__(self, other):
        return self.value >= other

    def __lt__(self, other):
        return self.value < other

    def __le__(self, other):
        return self.value <= other


class Skeletons:
    """The skeletons of one template as this request's environment (URL prefix, URLconf, language) renders
    them: made once per page, then asked for each row's shape."""

    def __init__(self, template_name: str):
        self.template = get_template(template_name)  # a new object when the template changes (development)
        self.key = (template_name, id(self.template.template), get_script_prefix(), get_urlconf(), get_language())

    def get(self, shape: tuple, context) -> list[str]:
        """The fragment for this shape, split at its slots: [html, slot name, html, slot name, …, html].
        `context`: a dict, or a function that makes it (called only when the shape is new)."""
        key = (*self.key, shape)
        found = _cache.get(key)
        if found is None:
            if len(_cache) >= _LIMIT:
                _cache.clear()
            context = context() if callable(context) else context
            markup = self.template.render(context)
            # Held with the template and the context so that no id in the key (the template's, or one the
            # caller put in `shape`, such as a catalogue entry's) can be reused by another object while the
            # entry lives.
            found = _cache[key] = (markup.split(_MARK), self.template, context)
        return found[0]


def skeleton(template_name: str, shape: tuple, context) -> list[str]:
    """The fragment of `template_name` for this shape (Skeletons.get)."""
    return Skeletons(template_name).get(shape, context)


def fill(parts: list[str], values: dict) -> SafeString:
    out = [parts[0]]
    for i in range(1, len(parts), 2):
        value = values[parts[i]]
        kind = type(value)  # the common cases first, each as conditional_escape() would give it
        if kind is str:
            out.append(html.escape(value))
        elif kind is int:
            out.append(str(value))
        else:
            out.append(conditional_escape(value))
        out.append(parts[i + 1])
    return mark_safe("".join(out))  # noqa: S308 — the parts come from the escaping engine, the values escaped here


def number_text(n: int) -> str:
    """An int as the template shows it ({{ n }}: localize), without localize()'s cost when it is plain digits."""
    return localize(n) if settings.USE_THOUSAND_SEPARATOR else str(n)


def csrf_token(request) -> str:
    """The CSRF token for this response, masked once for all the forms of the page: get_token() as Django has
    it, with the mask drawn by _masked (Django's own masking draws its 32 characters one system call each)."""
    token = getattr(request, "_skeleton_csrf_token", None)
    if token is None:
        meta = request.META
        if "CSRF_COOKIE" in meta:  # the request's valid secret, as CsrfViewMiddleware left it
            meta["CSRF_COOKIE_NEEDS_UPDATE"] = True  # what get_token() marks: the cookie's expiry is renewed
            token = _masked(meta["CSRF_COOKIE"])
        else:
            token = get_token(request)
        request._skeleton_csrf_token = token
    return token


_CSRF_INDEX = {c: i for i, c in enumerate(CSRF_ALLOWED_CHARS)}
_CSRF_BASE = len(CSRF_ALLOWED_CHARS)
_CSRF_UNBIASED = 256 - 256 % _CSRF_BASE  # random bytes below this map onto the characters evenly


def _masked(secret: str) -> str:
    """A token for `secret` in the format of Django's _mask_cipher_secret (a random mask, then the secret
    shifted character by character by the mask), which CsrfViewMiddleware unmasks; the mask's characters are
    drawn uniformly from one os.urandom() call (bytes at or above _CSRF_UNBIASED are discarded)."""
    mask: list[int] = []
    while len(mask) < CSRF_SECRET_LENGTH:
        mask += [b % _CSRF_BASE for b in os.urandom(48) if b < _CSRF_UNBIASED]
    del mask[CSRF_SECRET_LENGTH:]
    chars, index = CSRF_ALLOWED_CHARS, _CSRF_INDEX
    return ("".join([chars[m] for m in mask])
            + "".join([chars[(index[c] + m) % _CSRF_BASE] for c, m in zip(secret, mask, strict=True)]))


class _Person:
    """The signed-in user as base.html sees them while a page skeleton is rendered."""

    is_authenticated = True
    is_anonymous = False
    name = Slot("user_name")
    pk = Slot("user_pk")


class _Request:
    def get_full_path(self):
        return Slot("full_path")


def render_page(request, template_name: str, context: dict, *, shape: tuple, slots: dict) -> HttpResponse:
    """A whole page from its skeleton: rendered once per `shape` (which must determine every part of `context`
    that decides markup) with stand-ins, then filled with this request's values.

    `slots` maps a context key to (its stand-in, {slot name: this request's value}): e.g. a page's tab counts
    as Slots inside the tab list. What base.html takes from the request (the user's name and id, the CSRF token,
    the menu of the user's roles, the path) is covered here; a request with messages to show renders `context`
    the usual way. Tests compare the two renderings of each page that uses this."""
    storage = getattr(request, "_messages", None)
    if storage is not None and len(storage):  # len() loads the messages without marking them shown
        return render(request, template_name, context)
    nav = navigation(request)
    values = {"user_name": request.user.name, "user_pk": request.user.pk, "csrf_token": csrf_token(request),
              "full_path": request.get_full_path()}
    standins = {"user": _Person(), "csrf_token": Slot("csrf_token"), "request": _Request(), "messages": (), **nav}
    for key, (standin, own) in slots.items():
        standins[key] = standin
        values.update(own)
    links = tuple(url for _item, url in nav.get("nav_links", ()))
    parts = skeleton(template_name, (*shape, links, nav.get("nav_active_url")), {**context, **standins})
    return HttpResponse(fill(parts, values))


def tab_slots(tabs: list[tuple]) -> tuple:
    """Status tabs [(value, label, count)] as a stand-in with the counts as slots, and their values (for
    render_page's `slots`)."""
    return ([(value, label, Slot(f"tab{i}")) for i, (value, label, _n) in enumerate(tabs)],
            {f"tab{i}": n for i, (_value, _label, n) in enumerate(tabs)})


def pager_shape(page) -> tuple:
    """What decides the markup of includes/pagination.html for a Paginator page."""
    return page.paginator.num_pages > 1, page.has_previous(), page.has_next()


def pager_slots(page) -> tuple:
    """includes/pagination.html's `page` as a stand-in, and its values (for render_page's `slots`)."""
    paginator = SimpleNamespace(count=Slot("count"), per_page=page.paginator.per_page,
                                num_pages=Slot("num_pages", page.paginator.num_pages))
    standin = SimpleNamespace(paginator=paginator, number=Slot("number"), has_previous=page.has_previous(),
                              has_next=page.has_next(), previous_page_number=Slot("previous"),
                              next_page_number=Slot("next"))
    return standin, {
        "count": page.paginator.count, "num_pages": page.paginator.num_pages, "number": page.number,
        "previous": page.number - 1, "next": page.number + 1,
    }
