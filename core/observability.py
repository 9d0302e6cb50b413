"""Observability: a request id on every log line (and on the lines of the tasks a request queued), JSON logs, and
Prometheus metrics for the scraper alone (docs/deploy.md › Observability).

Request ids. RequestIdMiddleware takes nginx's X-Request-ID (or makes one), keeps it in a context variable for
the request and returns it in the response's X-Request-ID; core.logs.RequestIdFilter writes it on every log
record. A task queued during the request carries it: when the task is queued its id is mapped to the request id
in the cache (Redis, shared by every process, in production) and the worker, starting the task, takes it from
there, so the task's lines bear the request id that queued it; a task whose mapping is gone logs under
`task-<its id>`.

Metrics (prometheus_client; with PROMETHEUS_MULTIPROC_DIR set each gunicorn worker writes its own file and the
endpoint adds them up): request latency by view, failed sign-ins, SMS deliveries given up, and the task queue by
state (read from the task table at each scrape). /metrics answers only a scraper with METRICS_TOKEN (Bearer) or
from an address in METRICS_ALLOWED_IPS; anyone else, and everyone when neither is set, gets 404.
"""

import logging
import os
import re
import secrets
import threading
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from django_tasks_db.models import DBTaskResult
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily

from .http import client_ip
from .logs import request_id

logger = logging.getLogger(__name__)

_VALID_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
_TASK_KEY = "task-request-id:{}"
_TASK_KEY_TTL = 7 * 24 * 3600

REQUEST_LATENCY = Histogram(
    "zhicheng_request_seconds", "Time to answer a request, by view and method", ["view", "method"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 3, 5, 10, 30, 60))
LOGIN_FAILURES = Counter("zhicheng_login_failures", "Sign-ins refused (a wrong password or a locked account)")
SMS_FAILURES = Counter("zhicheng_sms_failures", "SMS deliveries that failed, by outcome", ["outcome"])


class RequestIdMiddleware:
    """First in the chain: the request id for the logs, and each request's latency under its view's name."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        rid = given if _VALID_ID.fullmatch(given) else uuid.uuid4().hex
        token = request_id.set(rid)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        finally:
            match = getattr(request, "resolver_match", None)
            view = (match.view_name or "-") if match else "unresolved"
            REQUEST_LATENCY.labels(view=view, method=request.method).observe(time.perf_counter() - started)
            request_id.reset(token)
        response["X-Request-ID"] = rid
        return response


# Task signals (connected in CoreConfig.ready): the request id travels with the task through the cache.
def task_enqueued(sender, task_result, **kwargs):
    rid = request_id.get()
    logger.info("task %s queued: %s", task_result.id, task_result.task.module_path)
    if rid != "-":
        try:
            cache.set(_TASK_KEY.format(task_result.id), rid, _TASK_KEY_TTL)
        except Exception:  # a cache that is down costs the correlation, never the task
            logger.warning("could not record the request id of task %s", task_result.id)


_task_tokens = threading.local()  # the id a task replaced, put back when it ends (a task run inside a request)


def task_started(sender, task_result, **kwargs):
    try:
        rid = cache.get(_TASK_KEY.format(task_result.id))
    except Exception:
        rid = None
    if not hasattr(_task_tokens, "stack"):
        _task_tokens.stack = []
    _task_tokens.stack.append(request_id.set(rid or f"task-{task_result.id}"))
    logger.info("task %s started: %s", task_result.id, task_result.task.module_path)


def task_finished(sender, task_result, **kwargs):
    stack = getattr(_task_tokens, "stack", [])
    if stack:
        request_id.reset(stack.pop())


def login_failed(sender, **kwargs):
    LOGIN_FAILURES.inc()


class _TaskQueue:
    """The task table by state at the time of the scrape: every process reads the same numbers."""

    def collect(self):
        gauge = GaugeMetricFamily("zhicheng_tasks", "Tasks in the task table by state", labels=["status"])
        counts = dict.fromkeys(("READY", "RUNNING", "FAILED", "SUCCESSFUL"), 0)
        for row in DBTaskResult.objects.values("status").annotate(n=Count("id")):
            counts[row["status"]] = row["n"]
        for status, n in counts.items():
            gauge.add_metric([status], n)
        yield gauge


def _scraper_allowed(request) -> bool:
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    if token and secrets.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    return bool(settings.METRICS_ALLOWED_IPS) and client_ip(request) in settings.METRICS_ALLOWED_IPS


@never_cache
def metrics(request):
    if not _scraper_allowed(request):
        raise Http404
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        for metric in (REQUEST_LATENCY, LOGIN_FAILURES, SMS_FAILURES):
            registry.register(metric)
    registry.register(_TaskQueue())
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
