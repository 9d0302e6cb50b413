"""Small helpers shared by the HTTP tests: reading the SMS outbox, parsing forms out of pages, logging in, the
routes of the URLconf."""

import re
from html.parser import HTMLParser
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.cache.backends.base import BaseCache
from django.test import TestCase
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.models import SmsMessage
from core.captcha import captcha_enabled

LOGIN_URL = "/accounts/login/"
SMS_SEND_URL = "/accounts/sms/send/"


def last_sms(phone: str) -> str:
    message = SmsMessage.objects.filter(phone=phone).order_by("-created_at", "-pk").first()
    assert message is not None, f"no SMS was sent to {phone}"
    return message.text


def sms_code(phone: str) -> str:
    """The 6-digit code in the last SMS sent to `phone`, as the user reads it on their handset."""
    match = re.search(r"验证码(\d{6})", last_sms(phone))
    assert match, "no code in the SMS"
    return match.group(1)


def wrong_code(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def captcha_answer(client) -> str:
    """Show the image captcha to this client and read it as a person would (from the session, here)."""
    client.get("/captcha.png")
    return client.session["captcha_answer"]


def committed():
    """A block whose transaction 'commits' at its end, for a test that runs inside one: what it queued with
    transaction.on_commit (an SMS delivery, a print) runs then, as it would once a request's writes commit."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def fetch_print(client, url: str):
    """A print as a browser gets it: the first request for a snapshot's print queues its generation (run here once
    the request's writes commit) and answers with the 正在生成 page (202), whose poll then downloads the file; a
    print already generated, or any refusal (404, a redirect), is the first answer."""
    with committed():
        response = client.get(url)
    if response.status_code == 202:
        assert "正在生成，请稍候" in response.content.decode()
        response = client.get(url)
    return response


def request_sms(client, phone: str, purpose: str = "register", **extra):
    """获取验证码 as the page sends it: the phone, the purpose and the answer to a captcha image just shown."""
    captcha = captcha_answer(client) if captcha_enabled() else ""
    with committed():
        return client.post(SMS_SEND_URL, {"phone": phone, "purpose": purpose, "captcha": captcha}, **extra)


def log_in(client, username: str, password: str):
    return client.post(LOGIN_URL, {"username": username, "password": password})


def sessions_of(user) -> list:
    """The session stores (SESSION_ENGINE) signed in as `user`: each session's own data says whose it is."""
    engine = import_module(settings.SESSION_ENGINE)
    stores = [engine.SessionStore(key) for key in Session.objects.values_list("session_key", flat=True)]
    return [store for store in stores if store.get(SESSION_KEY) == str(user.pk)]


class _Inputs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inputs: dict[str, dict] = {}
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and "name" in attrs:
            self.inputs[attrs["name"]] = attrs
        elif tag == "textarea" and "name" in attrs:
            self._textarea = attrs["name"]
            self.inputs[self._textarea] = {"value": ""}

    def handle_data(self, data):
        if self._textarea:
            self.inputs[self._textarea]["value"] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None


def form_inputs(response) -> dict[str, dict]:
    """Every <input>/<textarea> of the page by name, with its (unescaped) attributes."""
    parser = _Inputs()
    parser.feed(response.content.decode())
    return parser.inputs


def without_csrf(html: str) -> str:
    """The page with its per-response CSRF tokens blanked, so two answers can be compared byte for byte."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken" value=""', html)
    return re.sub(r'"X-CSRFToken": "[^"]*"', '"X-CSRFToken": ""', html)


def assert_field_error(response, field: str, message: str) -> None:
    """The Chinese message is attached to the field and shown on the page."""
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in errors.get(field, []), f"{field}: {errors.get(field)!r}, all errors: {dict(errors)!r}"
    assert message in response.content.decode()


_SAMPLE_ARGUMENT = {"int": "1", "slug": "sample", "str": "sample", "path": "sample",
                    "uuid": "00000000-0000-0000-0000-000000000001"}


def url_routes(patterns=None, prefix="/", namespace=""):
    """(name, sample path) of every route of the URLconf: `namespace:name`, or the path itself for an unnamed
    route; path arguments get sample values."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = ":".join(part for part in (namespace, entry.namespace) if part)
            yield from url_routes(entry.url_patterns, prefix + route, inner)
        elif isinstance(entry, URLPattern):
            path = prefix + re.sub(r"<(?:(\w+):)?\w+>", lambda m: _SAMPLE_ARGUMENT[m.group(1) or "str"], route)
            name = ":".join(part for part in (namespace, entry.name or path.strip("/")) if part)
            yield name, path


def files_under(root) -> list[Path]:
    """Every file under `root` (a media or temporary folder), sorted; [] when it does not exist."""
    return sorted(p for p in Path(root).rglob("*") if p.is_file())


class UnreachableCache(BaseCache):
    """A cache whose server is down: every call fails, as a Redis client's would."""

    def __init__(self, location=None, params=None):
        super().__init__(params or {})

    def _down(self, *args, **kwargs):
        raise ConnectionError("cache server unreachable")

    add = get = set = touch = delete = incr = clear = has_key = get_many = set_many = _down
