"""Races the row lock and the unique constraint must win: twenty parallel 提交 of one application file it once,
ten parallel 申报 of one plan open one application. Real threads on a real (transactional) database, released
together by a barrier."""

import threading

import pytest
from django.db import connection

from applications import services
from applications.models import Application
from core.models import FlowEntry
from tests.concurrency import waiting_for_the_lock
from tests.factories import PersonFactory

from .support import dossier, fill_everything, login, plan_for

pytestmark = pytest.mark.django_db(transaction=True)


_waiting_for_the_lock = waiting_for_the_lock


def race(call, n: int) -> list:
    """Run `call` in `n` threads released by one barrier; each thread closes its connection at the end."""
    barrier = threading.Barrier(n)
    outcomes: list = [None] * n

    def run(i):
        try:
            barrier.wait(timeout=20)
            outcomes[i] = _waiting_for_the_lock(call)
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test inspects
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return outcomes


def test_twenty_parallel_submissions_file_the_application_once(client, unit, admin):
    person = PersonFactory(unit=unit, name="张伟", series="工程技术")
    plan = plan_for("工程技术")
    records = dossier(person, admin, series="工程技术")
    application = services.application_start(actor=person, plan=plan, series="工程技术", level="副高")
    login(client, person)
    fill_everything(client, application, records, series="工程技术")

    outcomes = race(lambda: services.application_submit(actor=person, application=application), 20)

    filed = [o for o in outcomes if isinstance(o, Application)]
    refused = [o for o in outcomes if isinstance(o, services.ApplicationError)]
    assert len(filed) == 1, outcomes
    assert len(refused) == 19 and {str(e) for e in refused} == {"申报已提交，请勿重复提交。"}, outcomes
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED and application.snapshot
    assert FlowEntry.objects.filter(subject_type="application", subject_id=application.pk,
                                    action="submit").count() == 1


def test_ten_parallel_starts_open_one_application(unit):
    person = PersonFactory(unit=unit, name="张伟", series="工程技术")
    plan = plan_for("工程技术")

    outcomes = race(lambda: services.application_start(actor=person, plan=plan, series="工程技术", level="副高"), 10)

    assert all(isinstance(o, Application) for o in outcomes), outcomes
    assert {o.pk for o in outcomes} == {Application.objects.get(applicant=person, plan=plan).pk}
    assert Application.objects.count() == 1
    assert FlowEntry.objects.filter(subject_type="application", action="create").count() == 1
