"""The list's rows come from skeletons rendered once per shape (core.skeleton): each is exactly what the row
template gives for its values, escapes what the applicant typed, carries the request's own CSRF token and
follows a change of the catalogue."""

import re

import pytest
from django.conf import settings
from django.middleware.csrf import CSRF_ALLOWED_CHARS, _get_new_csrf_string, _unmask_cipher_token
from django.template.loader import get_template
from django.test import Client

from core.skeleton import Slot, _masked, fill, skeleton
from dossier.catalogue import catalogue
from dossier.models import Record, Status
from dossier.views import ROW_TEMPLATE

from .support import login, make_record, row_ids

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("甲")</script> & \'乙\''


def rows_of(html: str) -> dict[int, str]:
    return {int(m.group(1)): m.group(0) for m in re.finditer(r'(?s)<tr data-record="(\d+)">.*?</tr>', html)}


@pytest.mark.parametrize("kind_key", ["honour", "health_case", "health_topic"])
@pytest.mark.parametrize(("status", "editable", "withdraw"), [
    (Status.DRAFT, True, False), (Status.RETURNED, True, False), (Status.PENDING, False, False),
    (Status.APPROVED, False, True), (Status.TERMINATED, False, False),
])
def test_a_filled_skeleton_is_the_row_template_rendered_with_the_values(kind_key, status, editable, withdraw):
    kind = catalogue().kind(kind_key)
    fixed = {"kind": kind, "status": status, "status_label": Status(status).label, "editable": editable,
             "withdraw": withdraw}
    values = {"pk": 4021, "title": HOSTILE, "number": 11, "submitted": "2026-11-30", "csrf": 'tok"en<',
              **{f"c{i}": f"{HOSTILE} {i}" for i in range(len(kind.columns))}}
    slots = {"pk": Slot("pk"), "title": Slot("title"), "number": Slot("number"), "submitted": Slot("submitted"),
             "csrf_token": Slot("csrf"), "cells": [(c.nowrap, Slot(f"c{i}")) for i, c in enumerate(kind.columns)]}
    parts = skeleton(ROW_TEMPLATE, (id(kind), status, editable, withdraw), {**fixed, **slots})

    rendered = get_template(ROW_TEMPLATE).render({
        **fixed, "pk": 4021, "title": HOSTILE, "number": 11, "submitted": "2026-11-30", "csrf_token": 'tok"en<',
        "cells": [(c.nowrap, f"{HOSTILE} {i}") for i, c in enumerate(kind.columns)],
    })
    assert fill(parts, values) == rendered
    assert "<script>" not in rendered and "&lt;script&gt;" in rendered
    assert skeleton(ROW_TEMPLATE, (id(kind), status, editable, withdraw), {}) is parts  # rendered once


def test_what_the_applicant_typed_is_escaped_in_every_row(client, owner, admin):
    record = make_record(owner, "honour", seed=HOSTILE)
    login(client, owner)
    html = client.get("/dossier/k/honour/").content.decode()
    row = rows_of(html)[record.pk]
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;甲&quot;)&lt;/script&gt; &amp; &#x27;乙&#x27;" in row


def test_the_rows_forms_carry_this_requests_token_and_it_is_accepted(owner, admin):
    strict = Client(enforce_csrf_checks=True)
    login(strict, owner)
    draft = make_record(owner, "honour")
    row = rows_of(strict.get("/dossier/k/honour/").content.decode())[draft.pk]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', row).group(1)
    assert strict.post(f"/dossier/r/{draft.pk}/delete/").status_code == 403  # without it: refused
    response = strict.post(f"/dossier/r/{draft.pk}/delete/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302 and not Record.objects.filter(pk=draft.pk).exists()


def test_a_page_token_from_the_cookies_secret_is_accepted_and_renews_the_cookie(owner, admin):
    strict = Client(enforce_csrf_checks=True)
    login(strict, owner)
    draft = make_record(owner, "honour")
    first = strict.get("/dossier/k/honour/")  # no CSRF cookie yet: Django makes the secret
    secret = first.cookies[settings.CSRF_COOKIE_NAME].value
    again = strict.get("/dossier/k/honour/")  # the cookie's secret, masked here
    assert settings.CSRF_COOKIE_NAME in again.cookies  # renewed, as get_token() has it
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', rows_of(again.content.decode())[draft.pk]).group(1)
    assert _unmask_cipher_token(token) == secret
    response = strict.post(f"/dossier/r/{draft.pk}/delete/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302 and not Record.objects.filter(pk=draft.pk).exists()


def test_masked_tokens_unmask_to_the_secret_with_fresh_evenly_drawn_masks():
    secret = _get_new_csrf_string()
    tokens = [_masked(secret) for _ in range(2000)]
    assert all(len(t) == 64 and set(t) <= set(CSRF_ALLOWED_CHARS) for t in tokens)
    assert all(_unmask_cipher_token(t) == secret for t in tokens)
    assert len({t[:32] for t in tokens}) == len(tokens)
    # 64,000 mask characters over 62 symbols: about 1,032 each; a skewed draw (a byte taken modulo 62 without
    # discarding 248..255 gives the first 8 symbols 25% more) lands far outside these bounds.
    seen = {c: 0 for c in CSRF_ALLOWED_CHARS}
    for t in tokens:
        for c in t[:32]:
            seen[c] += 1
    assert 860 < min(seen.values()) and max(seen.values()) < 1200


def test_rows_follow_the_status_numbering_and_a_catalogue_change(client, owner, admin, catalogue_override):
    approved = make_record(owner, "paper", status=Status.APPROVED, admin=admin)
    draft = make_record(owner, "paper")
    login(client, owner)
    rows = rows_of(client.get("/dossier/k/paper/").content.decode())
    assert list(rows) == [draft.pk, approved.pk]
    assert "<td>1</td>" in rows[draft.pk] and "<td>2</td>" in rows[approved.pk]
    assert "修改" in rows[draft.pk] and "删除" in rows[draft.pk] and "撤回" not in rows[draft.pk]
    assert "撤回" in rows[approved.pk] and "修改" not in rows[approved.pk]
    assert 'badge zc-status-approved">审核通过<' in rows[approved.pk]

    catalogue_override("""
        [settings]
        withdrawal = false
        [kinds.paper]
        batch_submit = true
    """)
    rows = rows_of(client.get("/dossier/k/paper/").content.decode())
    assert "撤回" not in rows[approved.pk]
    # The skeletons cached before the change are not reused: the same status and actions now have a checkbox.
    assert f'data-batch-id value="{draft.pk}"' in rows[draft.pk]
    assert row_ids(client.get("/dossier/k/paper/", {"status": "approved"}).content.decode()) == [approved.pk]
