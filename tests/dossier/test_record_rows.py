"""The list's rows: each escapes what the applicant typed, carries the request's own CSRF token and follows a
change of the catalogue."""

import re

import pytest
from django.conf import settings
from django.test import Client

from dossier.models import Record, Status

from .support import login, make_record, row_ids

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("甲")</script> & \'乙\''


def rows_of(html: str) -> dict[int, str]:
    return {int(m.group(1)): m.group(0) for m in re.finditer(r'(?s)<tr data-record="(\d+)">.*?</tr>', html)}


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
    assert again.cookies[settings.CSRF_COOKIE_NAME].value == secret  # renewed, as get_token() has it
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', rows_of(again.content.decode())[draft.pk]).group(1)
    response = strict.post(f"/dossier/r/{draft.pk}/delete/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302 and not Record.objects.filter(pk=draft.pk).exists()


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
    # The same status and actions now have a checkbox.
    assert f'data-batch-id value="{draft.pk}"' in rows[draft.pk]
    assert row_ids(client.get("/dossier/k/paper/", {"status": "approved"}).content.decode()) == [approved.pk]
