"""The JSON API (django-ninja): an interface over the domain functions, never a copy. Its OpenAPI description
(/api/openapi.json) and the interactive docs (/api/docs, whose page loads Swagger UI from a CDN) are served only
when DEBUG is on."""

import hmac
from functools import wraps

from django.conf import settings
from django.http import Http404
from ninja import NinjaAPI, Schema
from ninja.security import HttpBearer
from pydantic import field_validator

from core.validators import CONTROL_CHARACTERS_MESSAGE, has_control_characters
from dossier.continuing_education import feed_ingest


class PlatformToken(HttpBearer):
    """The continuing-education platform's shared token (CE_IMPORT_TOKEN); no token configured, no access."""

    def authenticate(self, request, token):
        expected = getattr(settings, "CE_IMPORT_TOKEN", "")
        if expected and hmac.compare_digest(token, expected):
            return "ce-platform"
        return None


def debug_only(view):
    """The docs and the schema are for local work: absent in production (decided per request, as DEBUG is)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not settings.DEBUG:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


api = NinjaAPI(title="zhicheng API", version="1", urls_namespace="api", docs_decorator=debug_only)


class TextSchema(Schema):
    """A request body whose strings carry no control character (core.validators): the request guard
    (core.middleware) sees form parameters, not JSON, where an escape can carry a NUL (PostgreSQL refuses it in
    text) or a lone surrogate (psycopg cannot encode it). Refused with a 422 naming the field."""

    @field_validator("*")
    @classmethod
    def _no_control_characters(cls, value):
        if isinstance(value, str) and has_control_characters(value):
            raise ValueError(CONTROL_CHARACTERS_MESSAGE)
        return value


class HoursRow(TextSchema):
    id_number: str
    record_id: str
    year: int
    ce_type: str
    programme: str
    hours: float
    organiser: str | None = None
    start_date: str | None = None
    end_date: str | None = None
    certificate_no: str | None = None


class FeedIn(TextSchema):
    records: list[HoursRow]


class FeedOut(Schema):
    received: int
    duplicates: int
    extracted: int
    errors: list[str]


@api.post("/ce/feed", auth=PlatformToken(), response=FeedOut, summary="Receive continuing-education hours")
def ce_feed(request, payload: FeedIn):
    result = feed_ingest([row.dict() for row in payload.records], source=request.auth)
    return {"received": result.received, "duplicates": result.duplicates, "extracted": result.extracted,
            "errors": result.errors}
