"""Small helpers shared by the HTTP tests: reading the SMS outbox, parsing forms out of pages, logging in, the
routes of the URLconf."""

import re
import time
from html.parser import HTMLParser
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.cache.backends.base import BaseCache
from django.test import TestCase
from django.urls import URLPattern, URLResolver, get_resolver
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import SmsMessage, User
from accounts.second_factor import is_staff_user
from core.captcha import captcha_enabled

LOGIN_URL = "/accounts/login/"
SECOND_FACTOR_URL = "/accounts/second-factor/"
ENROL_URL = "/accounts/second-factor/enrol/"
SMS_SEND_URL = "/accounts/sms/send/"


def last_sms(phone: str) -> str:
    message = SmsMessage.objects.by_phone(phone).order_by("-created_at", "-pk").first()
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


def log_in(client, username: str, password: str, *, second_factor: bool = True):
    """Sign in at the login page. A staff member then passes 二次验证 with her authenticator's current code (a
    device is enrolled for her first if she has none), unless `second_factor` is False; the answer returned is the
    last one (the second factor's redirect to the page asked for). An applicant who switched the SMS code on is
    left at 二次验证."""
    response = client.post(LOGIN_URL, {"username": username, "password": password})
    if not second_factor or response.status_code != 302 or not response["Location"].startswith(SECOND_FACTOR_URL):
        return response
    user = User.objects.get(pk=client.session[SESSION_KEY])
    if not is_staff_user(user):
        return response
    return client.post(response["Location"].replace(ENROL_URL, SECOND_FACTOR_URL), {"code": totp_code(user)})


def totp_device_for(user) -> TOTPDevice:
    """The staff member's authenticator, enrolled (confirmed) now if she has none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="身份验证器", confirmed=True)


def totp_code(user) -> str:
    """The code the staff member's authenticator shows now. A code is accepted once: when this 30-second step's
    code was used already (a test signing in twice at once), the device is moved on as the next step would."""
    device = totp_device_for(user)
    now_t = (int(time.time()) - device.t0) // device.step
    if device.last_t >= now_t - 1:
        TOTPDevice.objects.filter(pk=device.pk).update(last_t=now_t - 2)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


def sign_in(client, user):
    """Sign `user` in without the login page (client.force_login), her second factor passed when she is staff:
    for tests whose subject is not the sign-in itself."""
    client.force_login(user, backend="accounts.backends.LoginBackend")
    if is_staff_user(user):
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = totp_device_for(user).persistent_id
        session.save()


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
    """The page with its per-response CSRF tokens and script nonces blanked, so two answers can be compared byte
    for byte."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken" value=""', html)
    html = re.sub(r' nonce="[^"]*"', ' nonce=""', html)
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
