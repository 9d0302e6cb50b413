"""`manage.py check --deploy --fail-level WARNING` under production settings (DEBUG off, a real secret key, a host
name) is clean: the same command as `make check`, run here so that `make test` runs it."""

import base64
import os
import secrets
import subprocess
import sys

from django.conf import settings


def deploy_check(**overrides) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in ("DEBUG", "DATABASE_URL")}
    env.update({"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "zhicheng.example.cn",
                "SMS_BACKEND": "accounts.sms.ConsoleRefusingBackend",
                "PERSONAL_DATA_KEYS": "check:" + base64.b64encode(secrets.token_bytes(32)).decode(),
                "PERSONAL_DATA_INDEX_KEY": base64.b64encode(secrets.token_bytes(32)).decode(), **overrides})
    return subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],  # noqa: S603
                          cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=300)


def test_the_deploy_check_is_clean_under_production_settings():
    result = deploy_check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_check_fails_when_production_is_misconfigured():
    # The check can fail: without HSTS the same command reports security.W004.
    result = deploy_check(SECURE_HSTS_SECONDS="0")
    assert result.returncode != 0 and "security.W004" in result.stdout + result.stderr
