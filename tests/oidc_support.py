"""The demo identity provider (demo_idp, the one `make run` starts) for the tests: started the same way, with
`python -m demo_idp` on a free port of 127.0.0.1 with its own SQLite database and RSA key, loaded from its data
file demo_idp/people.toml (plus test-only people), and the platform's settings pointing at it."""

import os
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests
from django.conf import settings as django_settings

from demo_idp.people import PEOPLE, load, platform_env

DATA = load()
PASSWORD = DATA["password"]
CLIENT_SECRET = DATA["client"]["client_secret"]
PROVIDER_NAME = DATA["provider_name"]


def person(note_start: str) -> dict:
    """The data file's person whose note starts so (e.g. "护士", "平台上还没有账号", "单位")."""
    return next(p for p in DATA["people"] if p.get("note", "").startswith(note_start))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Provider:
    base: str
    process: subprocess.Popen

    def configure(self, settings, *, client_secret: str = CLIENT_SECRET, **endpoints) -> None:
        """Points the platform (pytest-django's `settings`) at this provider, with the environment serve.sh sets."""
        wiring = {**platform_env(DATA, self.base), "OIDC_RP_CLIENT_SECRET": client_secret, **endpoints}
        for name, value in wiring.items():
            setattr(settings, name, value)
        settings.OIDC_ENABLED = True
        settings.AUTHENTICATION_BACKENDS = [*django_settings.AUTHENTICATION_BACKENDS,
                                            "accounts.oidc.GovernmentIdBackend"]

    def sign_in(self, username: str, authorize_url: str) -> str:
        """The person at the provider: its sign-in page with her password, then the authorization; returns where
        the provider sends her browser back (the platform's callback with code and state)."""
        browser = requests.Session()
        login = f"{self.base}/login/"
        page = browser.get(login, timeout=10)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        answer = browser.post(login, data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token,
                                           "next": "/"}, headers={"Referer": login}, allow_redirects=False, timeout=10)
        assert answer.status_code == 302, "the provider refused the demo password"
        back = browser.get(authorize_url, allow_redirects=False, timeout=10)
        assert back.status_code == 302, back.text[:500]
        return back.headers["Location"]


def start_provider(tmp: Path, *, redirect_uris: list[str], extra_people: str = "") -> Provider:
    """`extra_people`: [[people]] tables in TOML, added to the data file's for a test."""
    people = [f"--people={PEOPLE}"]
    if extra_people:
        (tmp / "extra.toml").write_text(extra_people)
        people.append(f"--people={tmp / 'extra.toml'}")
    port = free_port()
    env = {name: value for name, value in os.environ.items() if not name.startswith("OIDC_")}
    root = Path(django_settings.BASE_DIR)
    log = tmp / "provider.log"
    process = subprocess.Popen([sys.executable, "-m", "demo_idp", "serve", f"--port={port}",
                                f"--db={tmp / 'provider.sqlite3'}", f"--log={log}", *people,
                                *[f"--redirect-uri={uri}" for uri in redirect_uris]],
                               env=env, cwd=root, stdout=open(tmp / "provider.out", "ab"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if requests.get(f"{base}/o/.well-known/openid-configuration", timeout=2).status_code == 200:
                return Provider(base=base, process=process)
        except requests.RequestException:
            pass
        if process.poll() is not None:
            break
        time.sleep(0.1)
    process.kill()
    output = (tmp / "provider.out").read_text() + (log.read_text() if log.exists() else "")
    raise RuntimeError("the demo identity provider did not start: " + output[-2000:])


def stop_provider(provider: Provider) -> None:
    provider.process.terminate()
    try:
        provider.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        provider.process.kill()
