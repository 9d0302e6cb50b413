"""SMS delivery goes through the task queue: the request stores the code (so the limits hold) and answers; a
task, queued once that commits, hands the text to the gateway. A gateway that fails is tried again with pauses
and every failure is logged; the person never gets a 500, and the code is in no log and no task row."""

import datetime
import logging

import pytest
import time_machine
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from accounts.models import SmsCode, SmsMessage
from accounts.sms import RETRY_DELAYS, sms_code_check
from tests.helpers import request_sms, sms_code

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("captcha_off")]

PHONE = "13812345678"
MASKED = "138****5678"
SENT = "如该手机号未注册过账号，验证码已发送，3分钟内有效。"
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


# The worker commits and closes its connection as in production: tests that run it use a transactional database.
worker_test = pytest.mark.django_db(transaction=True)


def run_worker():
    call_command("db_worker", batch=True, startup_delay=False, interval=0, verbosity=0)


def sms_log(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "accounts.sms"]


@worker_test
def test_the_code_is_delivered_by_the_worker_not_by_the_request(client, database_tasks, clock):
    response = request_sms(client, PHONE)

    assert SENT in response.content.decode()
    assert SmsCode.objects.by_phone(PHONE).count() == 1  # stored by the request: the limits count it
    assert not SmsMessage.objects.exists()  # not yet delivered
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "accounts.sms.sms_code_deliver"

    run_worker()

    code = sms_code(PHONE)
    sms_code_check(phone=PHONE, purpose="register", code=code, consume=False)
    # The queued task carried the code sealed: whoever reads the task table does not read the code.
    assert code not in str(queued.args_kwargs)


def test_a_gateway_that_fails_twice_delivers_on_the_third_attempt(client, flaky_sms, caplog):
    flaky_sms(2)

    with caplog.at_level(logging.WARNING, logger="accounts.sms"):
        response = request_sms(client, PHONE)

    assert response.status_code == 200 and SENT in response.content.decode()
    code = sms_code(PHONE)
    assert SmsMessage.objects.count() == 1
    failures = sms_log(caplog)
    assert [r.levelname for r in failures] == ["WARNING", "WARNING"]
    assert all(MASKED in r.getMessage() and PHONE not in r.getMessage() for r in failures)
    assert all(code not in r.getMessage() for r in failures)
    assert "attempt 1 failed" in failures[0].getMessage() and "attempt 2 failed" in failures[1].getMessage()


def test_a_gateway_that_never_answers_is_given_up_after_the_retries_and_logged(client, settings, caplog):
    settings.SMS_BACKEND = "accounts.sms.ConsoleRefusingBackend"  # what `make check` and the benchmarks configure

    with caplog.at_level(logging.WARNING, logger="accounts.sms"):
        response = request_sms(client, PHONE)

    assert response.status_code == 200 and SENT in response.content.decode()
    assert SmsCode.objects.by_phone(PHONE).count() == 1
    records = sms_log(caplog)
    assert [r.levelname for r in records] == ["WARNING"] * len(RETRY_DELAYS) + ["ERROR"]
    assert "giving up" in records[-1].getMessage() and records[-1].exc_info is not None


@worker_test
def test_a_failed_send_waits_before_it_is_tried_again(client, database_tasks, flaky_sms, clock):
    flaky_sms(1)
    request_sms(client, PHONE)

    run_worker()  # the first attempt fails; the second waits RETRY_DELAYS[0]
    assert not SmsMessage.objects.exists()
    run_worker()
    assert not SmsMessage.objects.exists()

    clock.shift(RETRY_DELAYS[0] + datetime.timedelta(seconds=1))
    run_worker()
    assert SmsMessage.objects.by_phone(PHONE).count() == 1


@worker_test
def test_a_code_that_expired_while_the_gateway_was_down_is_not_sent(client, database_tasks, flaky_sms, clock,
                                                                    caplog):
    flaky_sms(1)
    request_sms(client, PHONE)
    run_worker()

    clock.shift(datetime.timedelta(minutes=3, seconds=1))
    with caplog.at_level(logging.WARNING, logger="accounts.sms"):
        run_worker()

    assert not SmsMessage.objects.exists()
    assert any("no longer of use" in r.getMessage() for r in sms_log(caplog))


@worker_test
def test_a_code_overtaken_by_a_newer_one_is_not_sent(client, database_tasks, flaky_sms, clock):
    flaky_sms(1)
    request_sms(client, PHONE)
    run_worker()  # the first code's first attempt fails
    clock.shift(datetime.timedelta(seconds=61))
    request_sms(client, PHONE)  # a second code

    run_worker()  # the second code goes out; the first one's retry, due too, is no longer of use

    assert SmsMessage.objects.count() == 1
    sms_code_check(phone=PHONE, purpose="register", code=sms_code(PHONE), consume=False)  # the latest code
