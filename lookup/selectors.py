"""全省检索: the documents a person reaches, found by name, ID number, title or keyword.

Who reaches what is review.scopes' rule for each staff role, read through the document's own columns (unit,
department, region, body), so a unit admin finds the people of their units, a department reviewer those of the
units under the department, HR-bureau staff those of units within their regions. A query is either a full ID
number (an exact match on the indexed column) or text whose bigrams must all be in a document (the bigram index),
then the text itself in the document's text.
"""

from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL
from django.http import Http404

from accounts.models import Role
from core.personal_data import blind_index
from review.scopes import reach

from . import grams
from .models import Document

ROLES = (Role.BUREAU_STAFF, Role.DEPARTMENT_REVIEWER, Role.UNIT_ADMIN)
PAGE_SIZE = 20
WINDOW = 4096  # the newest ids a text search reads through the primary key before the bigram index
WIDEN = 8  # each further window of ids, read through the bigram index, this many times wider


class QueryError(ValueError):
    """A query that cannot be answered, with the message shown by the field."""


@dataclass(frozen=True)
class _Paths:
    """The document as a subject type of review.scopes: where each rule finds its organisation."""

    paths = {"unit": "unit", "department": "department", "region": "region", "body": "body"}
    delegation = None


DOCUMENT = _Paths()


def scope(user) -> Q | None:
    """What the user reaches in any of the roles that search, or None when they hold none of them."""
    reached = [q for q in (reach(user, role, DOCUMENT) for role in ROLES) if q is not None]
    if not reached:
        return None
    combined = Q()
    for q in reached:
        combined |= q
    return combined


def can_search(user) -> bool:
    return scope(user) is not None


def _scoped(user):
    within = scope(user)
    if within is None:
        raise Http404
    return Document.objects.filter(within)


def _grams_match(found: list[str], above: int | None = None, upto: int | None = None):
    """All of `found` among a document's bigrams, through the database's own index (migration 0002); with bounds,
    only ids in (above, upto] (FTS5 reads them from its rowid order, so a window never collects every match)."""
    if connection.vendor == "postgresql":
        return RawSQL("string_to_array(\"lookup_document\".\"grams\", ' ') @> %s::text[]", (found,),
                      output_field=BooleanField())
    phrase = " ".join(f'"{gram}"' for gram in found)  # \W was split away: no quote can be inside a gram
    bounds = (0 if above is None else above, 2 ** 62 if upto is None else upto)
    return Q(pk__in=RawSQL("SELECT rowid FROM lookup_document_fts WHERE lookup_document_fts MATCH %s "
                           "AND rowid > %s AND rowid <= %s", (phrase, *bounds)))


def matching(query: str, *, above: int | None = None, upto: int | None = None, indexed: bool = True):
    """The filter a query makes, optionally within the ids (above, upto]; QueryError when it is too short to
    search. `indexed=False` leaves out the bigram condition (the text check alone decides: a document's bigrams are
    those of its text), for a narrow range of ids read through the primary key."""
    id_number = grams.id_number_query(query)
    bounds = Q()
    if above is not None:
        bounds &= Q(pk__gt=above)
    if upto is not None:
        bounds &= Q(pk__lte=upto)
    if id_number:
        return Q(id_number_bidx=blind_index(id_number)) & bounds
    found = grams.bigrams(query)
    if not found:
        raise QueryError("请输入至少2个字的姓名、身份证号、职称或关键词。")
    within_text = Q()
    for term in grams.terms(query):
        within_text &= Q(text__contains=term)
    if not indexed:
        return within_text & bounds
    return Q(_grams_match(found, above, upto)) & within_text & bounds


def documents_matching(user, query: str):
    """The user's documents matching `query`, newest first. Http404 for a user holding no searching role."""
    return _scoped(user).filter(matching(query)).select_related("unit").order_by("-pk")


def documents_search(user, query: str, *, after: int | None = None, size: int = PAGE_SIZE):
    """A page of the user's documents matching `query`, newest first (by id: keyset, `after` is the last id of
    the previous page). Returns (rows, next cursor or None).

    A text query reads windows of ids below the cursor, newest first, until the page is full. The first, WINDOW
    ids, through the primary key with the text check alone: a common phrase (tens of thousands of documents) fills
    its page there, where the bigram index would read each bigram's whole posting list and fetch and sort every
    match (the planner cannot know how many there are: it multiplies the bigrams' selectivities as if they were
    independent). The next ones WIDEN times wider each, through the bigram index within the window, so a name
    found a thousand times fetches a page's worth of rows rather than all of them; the last is unbounded below.
    The rows are those of the unbounded query, in its order."""
    rows = _scoped(user).select_related("unit").order_by("-pk")
    newest = Document.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    upto = newest if after is None else min(after - 1, newest)
    if grams.id_number_query(query) or upto < 1:
        page = list(rows.filter(matching(query, upto=upto))[:size + 1])
    else:
        above = max(upto - WINDOW, 0)
        page = list(rows.filter(matching(query, above=above, upto=upto, indexed=False))[:size + 1])
        span = WINDOW * WIDEN
        while len(page) <= size and above > 0:
            upto, above, span = above, max(above - span, 0), span * WIDEN
            page += rows.filter(matching(query, above=above or None, upto=upto))[:size + 1 - len(page)]
    more = len(page) > size
    page = page[:size]
    return page, (page[-1].pk if more else None)


def document_get(user, pk: int) -> Document:
    """One document the user reaches; 404 otherwise (another unit's person, or no searching role)."""
    document = _scoped(user).filter(pk=pk).select_related("unit", "region").first()
    if document is None:
        raise Http404
    return document
