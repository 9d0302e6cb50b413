"""A real OpenID Connect provider for the tests (tests/oidc_provider), started by gunicorn on a free port of
127.0.0.1 with its own SQLite database and RSA key, and the platform's settings pointing at it."""

import json
import os
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings as django_settings

CLIENT_ID = "zhicheng-test"
CLIENT_SECRET = "zhicheng-test-secret-0123456789"  # noqa: S105 - the throwaway provider's client
PASSWORD = "Provider2026"  # noqa: S105 - the throwaway provider's users


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Provider:
    base: str
    process: subprocess.Popen
    users: list = field(default_factory=list)

    def endpoints(self) -> dict:
        return {
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.base}/o/authorize/",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.base}/o/token/",
            "OIDC_OP_USER_ENDPOINT": f"{self.base}/o/userinfo/",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.base}/o/.well-known/jwks.json",
        }

    def configure(self, settings, *, client_secret: str = CLIENT_SECRET, **endpoints) -> None:
        """Points the platform (pytest-django's `settings`) at this provider."""
        for name, value in {**self.endpoints(), **endpoints}.items():
            setattr(settings, name, value)
        settings.OIDC_ENABLED = True
        settings.OIDC_PROVIDER_NAME = "闽政通"
        settings.OIDC_RP_CLIENT_ID = CLIENT_ID
        settings.OIDC_RP_CLIENT_SECRET = client_secret
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
        assert answer.status_code == 302, "the provider refused the test user's password"
        back = browser.get(authorize_url, allow_redirects=False, timeout=10)
        assert back.status_code == 302, back.text[:500]
        return back.headers["Location"]


def start_provider(tmp: Path, *, redirect_uris: list[str], users: list[dict]) -> Provider:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (tmp / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                    serialization.NoEncryption()))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
           "PROVIDER_DB": str(tmp / "provider.sqlite3"), "PROVIDER_KEY": str(tmp / "key.pem")}
    env.pop("DATABASE_URL", None)
    spec = {"redirect_uris": redirect_uris, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
            "users": [{**user, "password": PASSWORD} for user in users]}
    root = Path(django_settings.BASE_DIR)
    subprocess.run([sys.executable, "-m", "tests.oidc_provider.setup"], input=json.dumps(spec), text=True, env=env,
                   cwd=root, check=True, timeout=120)
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "tests.oidc_provider.wsgi", "--bind",
                                f"127.0.0.1:{port}", "--workers", "1", "--log-level", "warning"],
                               env=env, cwd=root, stdout=open(tmp / "provider.log", "ab"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if requests.get(f"{base}/o/.well-known/openid-configuration", timeout=2).status_code == 200:
                return Provider(base=base, process=process, users=users)
        except requests.RequestException:
            pass
        if process.poll() is not None:
            break
        time.sleep(0.1)
    process.kill()
    raise RuntimeError("the test identity provider did not start: " + (tmp / "provider.log").read_text()[-2000:])


def stop_provider(provider: Provider) -> None:
    provider.process.terminate()
    try:
        provider.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        provider.process.kill()
