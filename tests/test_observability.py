"""Observability: every response names its request id (nginx's X-Request-ID, or one made up), log lines carry it,
and so do the lines of a task the request queued, when the worker runs it; JSON logs; /metrics answers only the
configured scraper (token or address) with request latency by view, failed sign-ins, SMS failures and the task
queue by state."""

import json
import logging

import pytest
from django.core.management import call_command
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from core.logs import JsonFormatter, RequestIdFilter
from tests.helpers import log_in, request_sms

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("captcha_off")]

TOKEN = "scrape-token-0123456789"
RID = "req-0123456789abcdef"


@pytest.fixture
def scraper(settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_IPS = ["10.1.2.3"]


def scrape(client) -> dict:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples, name, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_are_404_to_everyone_but_the_scraper(client, settings):
    assert client.get("/metrics").status_code == 404  # neither a token nor addresses configured
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_IPS = ["10.1.2.3"]
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.4").status_code == 404
    assert client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200


def test_request_latency_is_counted_by_view(client, scraper):
    before = value(scrape(client), "zhicheng_request_seconds_count", view="accounts:login", method="GET")

    client.get("/accounts/login/")
    client.get("/accounts/login/")

    after = scrape(client)
    assert value(after, "zhicheng_request_seconds_count", view="accounts:login", method="GET") == before + 2
    assert value(after, "zhicheng_request_seconds_bucket", view="accounts:login", method="GET", le="+Inf") >= 2


def test_failed_sign_ins_are_counted(client, scraper, django_user_model):
    django_user_model.objects.create_user("350102197501091212", "Right-pass-2026", name="张三")
    before = value(scrape(client), "zhicheng_login_failures_total")

    log_in(client, "350102197501091212", "wrong-password")
    log_in(client, "350102197501091212", "wrong-password")

    assert value(scrape(client), "zhicheng_login_failures_total") == before + 2


def test_sms_failures_are_counted(client, scraper, flaky_sms):
    before = scrape(client)
    flaky_sms(2)

    request_sms(client, "13812345678")

    after = scrape(client)
    assert (value(after, "zhicheng_sms_failures_total", outcome="retried")
            == value(before, "zhicheng_sms_failures_total", outcome="retried") + 2)


@pytest.mark.django_db(transaction=True)
def test_the_task_queue_depth_and_the_request_id_carried_into_the_tasks_log(database_tasks, scraper, caplog):
    client = Client()
    caplog.handler.addFilter(RequestIdFilter())
    request_sms(client, "13812345678", headers={"X-Request-ID": RID})
    assert value(scrape(client), "zhicheng_tasks", status="READY") == 1

    with caplog.at_level(logging.INFO):
        call_command("db_worker", batch=True, startup_delay=False, interval=0, verbosity=0)

    assert value(scrape(client), "zhicheng_tasks", status="READY") == 0
    assert value(scrape(client), "zhicheng_tasks", status="SUCCESSFUL") == 1
    started = [r for r in caplog.records if "started: accounts.sms.sms_code_deliver" in r.getMessage()]
    assert len(started) == 1 and started[0].request_id == RID


def test_every_response_names_its_request_id(client):
    given = client.get("/healthz", headers={"X-Request-ID": RID})
    made = client.get("/healthz")
    refused = client.get("/healthz", headers={"X-Request-ID": "bad id\nwith a newline"})

    assert given["X-Request-ID"] == RID
    assert len(made["X-Request-ID"]) == 32
    assert refused["X-Request-ID"] not in ("bad id\nwith a newline", RID)


def test_json_log_lines_carry_the_request_id():
    record = logging.LogRecord("zhicheng", logging.WARNING, __file__, 1, "上传失败 %s", ("证书.pdf",), None)
    RequestIdFilter().filter(record)
    record.request_id = RID

    line = json.loads(JsonFormatter().format(record))

    assert line["message"] == "上传失败 证书.pdf" and line["level"] == "WARNING"
    assert line["request_id"] == RID and line["logger"] == "zhicheng"

