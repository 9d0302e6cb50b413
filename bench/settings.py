"""Production-like settings for `make bench`: zhicheng.settings with DEBUG off, served over plain http on
127.0.0.1, against the benchmark's own database (never the application's).

Every process of a run (the driver, the server's workers, the profiler) imports this module with the same
environment, so pre-created sessions are valid in all of them.
"""

import base64
import os
import socket

from bench.database import database_url


def _redis_answers(host: str = "127.0.0.1", port: int = 6379) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


# Several server processes, as in production: sessions are cached in a cache they share (Redis, its own database
# number; cached_db sessions, zhicheng.settings) when one answers here, else read from the database.
# BENCH_CACHE_URL names another (empty: none).
if "BENCH_CACHE_URL" not in os.environ:
    os.environ["BENCH_CACHE_URL"] = "redis://127.0.0.1:6379/13" if _redis_answers() else ""
if os.environ["BENCH_CACHE_URL"]:
    os.environ["CACHE_URL"] = os.environ["BENCH_CACHE_URL"]
else:
    os.environ.pop("CACHE_URL", None)

os.environ.update({
    "DEBUG": "0",
    "DATABASE_URL": database_url(os.environ.get("BENCH_DB", "sqlite")),
    "SECRET_KEY": "bench-only-" + "k" * 50,  # sessions are made with it; never a production key
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "0",
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
    "SECURE_HSTS_SECONDS": "0",
    "CAPTCHA_DISABLED": "0",
    "SMS_BACKEND": "accounts.sms.ConsoleRefusingBackend",  # the benchmark sends no SMS; one sent would fail
    # personal numbers' keys: base64 of 32 fixed bytes each, benchmark only
    "PERSONAL_DATA_KEYS": "bench:" + base64.b64encode(b"bench-only-personal-data-key-32b").decode(),
    "PERSONAL_DATA_INDEX_KEY": base64.b64encode(b"bench-only-blind-index-key-32byt").decode(),
    "LOG_LEVEL": "WARNING",
})

from zhicheng.settings import *  # noqa: E402,F403

ROOT_URLCONF = "bench.urls"
BENCH_DATABASE_URL = os.environ["DATABASE_URL"]
