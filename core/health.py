"""Probes for the load balancer and the orchestrator (README › Configuration).

/healthz is liveness: the process answers; it touches nothing else, so a database outage never gets the
processes restarted. /readyz is readiness: 200 only when the database takes a query on a checked connection within
READY_DATABASE_SECONDS, the cache keeps and returns a value and the file storage lists its root; otherwise 503, so
that a load balancer sends nobody to a process whose database has become slow. Both bodies name only which check
failed; the reason goes to the log.
"""

import logging
import secrets
import time

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


def _database() -> None:
    # CONN_HEALTH_CHECKS (settings) makes this request check a kept connection before using it, and open a new
    # one when the old one is gone: the query answers for the database as it is now.
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    seconds = time.monotonic() - started
    if seconds > settings.READY_DATABASE_SECONDS:
        raise RuntimeError(f"the database answered in {seconds:.2f} s, over READY_DATABASE_SECONDS")


def _cache() -> None:
    key, value = f"readyz:{secrets.token_hex(8)}", secrets.token_hex(8)  # a key of its own: probes run at once
    cache.set(key, value, timeout=30)
    if cache.get(key) != value:
        raise RuntimeError("the cache did not return what was stored")
    cache.delete(key)


def _storage() -> None:
    default_storage.listdir("")


CHECKS = {"database": _database, "cache": _cache, "storage": _storage}


@never_cache
def liveness(request):
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def readiness(request):
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception:  # any failure of a backend means not ready, whatever its driver raises
            logger.exception("readiness check %s failed", name)
            results[name] = "failed"
        else:
            results[name] = "ok"
    ready = all(result == "ok" for result in results.values())
    return JsonResponse({"status": "ok" if ready else "unavailable", **results}, status=200 if ready else 503)
