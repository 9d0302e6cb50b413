"""Headers of issue 24 item 4: every page carries the strict Content-Security-Policy (django-csp) whose script
nonce is the one on the page's script tags; every response to a signed-in person, and every download, carries
Cache-Control: no-store (core.middleware.NoStoreMiddleware); a stored file carries its own sandboxing policy."""

import re

import pytest
from django.urls import reverse

from core.files import STORED_FILE_POLICY
from tests.applications.support import dossier
from tests.factories import PASSWORD, PersonFactory
from tests.helpers import LOGIN_URL, fetch_print, log_in

from .support import filed

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def not_stored(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def signed_in(client, user):
    assert log_in(client, user.username, PASSWORD).status_code == 302
    return client


def test_every_page_carries_the_strict_policy_and_its_scripts_the_nonce(client, org, captcha_off):
    for response in (client.get(LOGIN_URL), signed_in(client, org.clerk).get(reverse("chain:unit"))):
        assert response.status_code == 200
        policy = directives(response)
        nonces = [source for source in policy["script-src"] if source.startswith("'nonce-")]
        assert len(nonces) == 1 and policy["script-src"] == ["'self'", nonces[0]]
        assert policy["style-src"] == ["'self'"] and policy["object-src"] == ["'none'"]
        assert policy["base-uri"] == ["'self'"] and policy["frame-ancestors"] == ["'none'"]
        assert policy["form-action"] == ["'self'"] and policy["default-src"] == ["'self'"]
        assert "unsafe-inline" not in response["Content-Security-Policy"]
        assert "unsafe-eval" not in response["Content-Security-Policy"]
        html = response.content.decode()
        scripts = re.findall(r"<script\b[^>]*\bsrc=[^>]*>", html)
        nonce = nonces[0].removeprefix("'nonce-").removesuffix("'")
        assert scripts and all(f'nonce="{nonce}"' in tag for tag in scripts)
        assert not re.search(r"<[a-z][^>]*\sstyle=", html)


def test_the_nonce_changes_with_every_response(client, captcha_off):
    first, second = directives(client.get(LOGIN_URL)), directives(client.get(LOGIN_URL))
    assert first["script-src"] != second["script-src"]


def test_a_signed_out_page_may_be_kept_but_no_signed_in_page_or_download_is(client, org, captcha_off):
    assert not not_stored(client.get(LOGIN_URL))
    filed(org, name="李娜")
    signed_in(client, org.clerk)
    assert not_stored(client.get(reverse("chain:unit")))
    export = client.get(reverse("chain:unit") + "?status=all&format=xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert not_stored(export)


def test_prints_are_not_kept(client, org, captcha_off):
    application = filed(org, name="李娜")
    signed_in(client, org.clerk)
    printed = fetch_print(client, reverse("chain:print", args=["unit", application.pk, "brief.pdf"]))
    assert printed.status_code == 200 and printed["Content-Type"] == "application/pdf"
    assert not_stored(printed)


def test_an_evidence_file_is_not_kept_and_runs_nothing(client, org, captcha_off):
    person = PersonFactory(unit=org.unit, series="工程技术")
    records = dossier(person, org.clerk, series="工程技术")
    evidence = next(e for record in vars(records).values() if hasattr(record, "evidence")
                    for e in record.evidence.all())
    signed_in(client, person)
    for url in (reverse("dossier:evidence", args=[evidence.pk]),
                reverse("dossier:evidence", args=[evidence.pk]) + "?download=1"):
        response = client.get(url)
        assert response.status_code == 200
        assert not_stored(response) and "max-age=300" not in response["Cache-Control"]
        assert response["Content-Security-Policy"] == STORED_FILE_POLICY
        assert response["X-Content-Type-Options"] == "nosniff"
