"""Races the row locks must win: two admins of one unit deciding the same record at the same moment, and two
recommendations taking a unit's last post vacancy. Real threads on a real (transactional) database, released
together by a barrier, repeated so that both orders of arrival happen."""

import threading

import pytest
from django.db import connection

from core.models import FlowEntry
from dossier import services
from dossier.models import Record, Status
from orgs.models import PostQuota
from orgs.services import QuotaError, post_quota_take
from review import services as review_services
from tests.concurrency import waiting_for_the_lock
from tests.factories import PersonFactory, UnitFactory, unit_admin

from .support import actual_counts, counters, make_record

pytestmark = pytest.mark.django_db(transaction=True)

STALE = "该业绩的状态已经变化，请刷新后再操作。"


_waiting_for_the_lock = waiting_for_the_lock


def race(*calls):
    """Run each call in its own thread, all released by one barrier. Returns each call's result or exception."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(timeout=10)
            outcomes[i] = _waiting_for_the_lock(call)
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test inspects
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return outcomes


def test_two_admins_deciding_one_record_at_once_land_exactly_one_decision():
    unit = UnitFactory(name="福州市第一医院")
    first, second = unit_admin(unit, name="管理员甲"), unit_admin(unit, name="管理员乙")
    owner = PersonFactory(unit=unit, name="张三")
    records = [make_record(owner, "research_project", title=f"项目{i}") for i in range(100)]
    wins = {"approve": 0, "return": 0}

    for record in records:
        approve, return_ = race(
            lambda: review_services.record_decide(actor=first, record=record, decision="approve"),
            lambda: review_services.record_decide(actor=second, record=record, decision="return", opinion="请补充材料"),
        )

        landed = [o for o in (approve, return_) if isinstance(o, Record)]
        refused = [o for o in (approve, return_) if not isinstance(o, Record)]
        assert len(landed) == 1 and len(refused) == 1, (approve, return_)
        assert isinstance(refused[0], services.RecordError) and str(refused[0]) == STALE
        winner = "approve" if isinstance(approve, Record) else "return"
        wins[winner] += 1
        stored = Record.objects.get(pk=record.pk)
        assert stored.status == (Status.APPROVED if winner == "approve" else Status.RETURNED)
        decisions = FlowEntry.objects.filter(subject_type="record", subject_id=record.pk,
                                             action__in=["approve", "return"])
        assert [(d.action, d.actor_id) for d in decisions] == [
            (winner, first.pk if winner == "approve" else second.pk)
        ]

    assert sum(wins.values()) == 100
    assert counters(unit) == actual_counts(unit)
    assert counters(unit) == {("research_project", status): n for status, n in
                              ((Status.APPROVED, wins["approve"]), (Status.RETURNED, wins["return"])) if n}


def test_two_recommendations_racing_for_the_last_vacancy_get_it_once():
    unit = UnitFactory(name="福建省立医院")
    for i in range(30):
        PostQuota.objects.create(unit=unit, year=2000 + i, senior=3, senior_taken=2, confirmed_at="2026-01-05T08:00Z")

    for i in range(30):
        year = 2000 + i
        outcomes = race(*[lambda: post_quota_take(unit=unit, year=year, level="senior")] * 2)

        taken = [o for o in outcomes if isinstance(o, PostQuota)]
        refused = [o for o in outcomes if not isinstance(o, PostQuota)]
        assert len(taken) == 1 and len(refused) == 1, outcomes
        assert isinstance(refused[0], QuotaError)
        assert str(refused[0]) == "正高岗位空缺已用完（核准3个，已推荐3人），不能再推荐。"
        assert PostQuota.objects.get(unit=unit, year=year).senior_taken == 3
