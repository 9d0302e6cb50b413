"""No page carries code of its own: no inline <script>, no on…= handler, no javascript: URL and no hx-on
attribute (htmx would evaluate it), and no style="…" attribute, so that the strict Content-Security-Policy
(script-src 'self' with a nonce, style-src 'self') holds; sizes that were style attributes are classes in app.css.
Behaviour lives in static/js and is declared in the markup with data- attributes; server values travel in
data- attributes or `json_script` (a <script type="application/json"> is data, not code).

Two nets: every template's source (including what is only rendered after a POST), and every page the demo's
accounts reach by following links from the home page, as rendered."""

import re
from collections import Counter, deque
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command

from accounts.models import User
from applications import services
from applications.models import Application
from tests.helpers import sign_in

TEMPLATES = Path(settings.BASE_DIR) / "templates"
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "hx-get", "hx-post", "data"}


def _source_problems(text: str) -> list[str]:
    problems = []
    for match in re.finditer(r"<script\b([^>]*)>", text, re.I):
        attributes = match.group(1)
        if "src=" not in attributes and not re.search(r"type=[\"']application/(ld\+)?json[\"']", attributes):
            problems.append(f"inline script: {match.group(0)}")
    problems += [f"handler: {m.group(0).strip()}" for m in re.finditer(r"\son[a-z]+\s*=", text, re.I)]
    problems += [f"hx-on: {m.group(0).strip()}" for m in re.finditer(r"\shx-on[:\-\w]*\s*=", text, re.I)]
    problems += [f"javascript: URL: {m.group(0)}" for m in re.finditer(r"javascript:", text, re.I)]
    problems += [f"js: expression: {m.group(0)}" for m in re.finditer(r"hx-va(?:ls|rs)=[\"']\s*(?:js|javascript):",
                                                                        text, re.I)]
    problems += [f"trigger filter: {m.group(0)}" for m in re.finditer(r"hx-trigger=[\"'][^\"']*\[", text, re.I)]
    problems += [f"style attribute: {m.group(0).strip()}" for m in re.finditer(r"<[a-z][^>]*?[\s}]style\s*=", text, re.I)]
    problems += [f"<style> element: {m.group(0)}" for m in re.finditer(r"<style\b", text, re.I)]
    return problems


@pytest.mark.parametrize("template", sorted(p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.html")))
def test_no_template_holds_code(template):
    assert _source_problems((TEMPLATES / template).read_text()) == []


def test_the_source_check_finds_each_kind_of_inline_code():
    # The net above has holes if this fails: each of these would run code from the page itself.
    for snippet in ('<script>alert(1)</script>', '<form onsubmit="return confirm(1)">', '<img ONCLICK="x()">',
                    '<a href="javascript:void(0)">', '<div hx-on:click="x()">', '<div hx-on::after-request="x()">',
                    "<div hx-vals='js:{a: 1}'>", '<input hx-trigger="keyup[key==\'Enter\']">',
                    '<div class="zc-card" style="max-width: 760px">', '<td {% if x %}STYLE="min-width: 1px"{% endif %}>',
                    '<style>p { color: red }</style>'):
        assert _source_problems(snippet), snippet
    for snippet in ('<script src="/static/js/app.js" defer></script>', '<script id="d" type="application/json">{}',
                    '<button data-confirm="确定吗？">', '<p>one = 1, phone=13800000000</p>',
                    '<div class="zc-mw-760" data-style="x">', '<p>style = plain</p>'):
        assert _source_problems(snippet) == [], snippet


class _Page(HTMLParser):
    """The inline code of a rendered page, and the same-site links it offers (href and hx-get)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems, self.links = [], []

    def handle_starttag(self, tag, attrs):
        attrs = [(name.lower(), value or "") for name, value in attrs]
        values = dict(attrs)
        if tag == "script" and "src" not in values and values.get("type", "").lower() not in DATA_SCRIPT_TYPES:
            self.problems.append("inline <script>")
        if tag == "script" and "src" in values and not values["src"].startswith("/"):
            self.problems.append(f"script from another site: {values['src']}")
        if tag == "style" or "style" in values:
            self.problems.append(f"<{tag} style=…>" if tag != "style" else "<style> element")
        for name, value in attrs:
            if name.startswith("on") or name.startswith("hx-on"):
                self.problems.append(f"<{tag} {name}=…>")
            if name in URL_ATTRIBUTES and value.strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}={value}>")
            if (name in ("hx-vals", "hx-vars") and value.strip().lower().startswith(("js:", "javascript:"))
                    or name == "hx-trigger" and "[" in value):
                self.problems.append(f"<{tag} {name}={value}>")
        for name in ("href", "hx-get"):
            if values.get(name):
                self.links.append(values[name])


MAX_PAGES = 150  # per account; enough for every page of the menus, their tabs and a few items of each
MAX_VARIANTS = 3  # URLs of one shape (the same path but for its numbers and query): the template is the same


def _crawl(client, start="/") -> tuple[set[str], list[str]]:
    seen, problems, queue, shapes = set(), [], deque([start]), Counter()
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        seen.add(url)
        response = client.get(url, follow=True)  # the home page sends a visitor to the login page
        url = response.request["PATH_INFO"] + (f"?{response.request['QUERY_STRING']}"
                                               if response.request.get("QUERY_STRING") else "")
        seen.add(url)
        if not response["Content-Type"].startswith("text/html"):
            continue
        page = _Page()
        page.feed(response.content.decode())
        problems += [f"{url}: {problem}" for problem in page.problems]
        for link in page.links:
            parts = urlsplit(urljoin(url, link))
            if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
                continue
            if parts.path.startswith(("/admin/", "/api/", "/static/")) or "logout" in parts.path:
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            shape = re.sub(r"\d+", "N", parts.path)
            if target in seen or target in queue or shapes[shape] >= MAX_VARIANTS:
                continue
            shapes[shape] += 1
            queue.append(target)
    return seen, problems


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True  # seed_demo loads only for local work; it refuses with DEBUG off
    call_command("seed_demo", stdout=StringIO())
    settings.DEBUG = False
    nurse = User.objects.get(name="陈静")
    services.application_submit(actor=nurse, application=Application.objects.get(applicant=nurse))


def test_no_page_the_demo_accounts_reach_holds_code(client, demo, captcha_off):
    reached, problems = _crawl(client)  # signed out: the login page and what it links to
    assert {"/accounts/login/", "/accounts/register/", "/units/register/"} <= reached
    for user in User.objects.filter(is_active=True).order_by("pk"):
        sign_in(client, user)
        pages, found = _crawl(client)
        reached |= pages
        problems += [f"{user.name}: {problem}" for problem in found]
        client.logout()

    # The crawl reached the pages that once carried code: the unit's review list, a record's review page, the
    # review chain's list, the committee's pages and the applicant's application.
    paths = "\n".join(sorted(reached))
    for reached_page in (r"^/unit/records/k/", r"^/unit/records/r/\d+/", r"^/chain/unit/\d+/", r"^/chain/committee/",
                         r"^/apply/\d+/$", r"^/dossier/k/"):
        assert re.search(reached_page, paths, re.M), reached_page
    assert problems == []
