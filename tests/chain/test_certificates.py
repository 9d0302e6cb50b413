"""证书编号 (SPEC §6): issued when the HR bureau confirms a passed result, from settings.CERTIFICATE_NUMBER_FORMAT,
counting within the prefix its other fields make — no duplicates and no gaps, however many confirm at once."""

import queue
import re
import threading

import pytest
from django.db import connection, transaction

from applications import chain
from applications.models import Application, CertificateSequence
from core.models import FlowEntry
from tests.concurrency import waiting_for_the_lock

from .support import passed_in_bulk

S = Application.Status
CONFIRMATIONS = 1000
WORKERS = 16


def confirm_all(org, pks: list[int], workers: int = WORKERS) -> list:
    """`workers` threads take the applications from one queue and confirm them; returns what failed."""
    todo: queue.Queue = queue.Queue()
    for pk in pks:
        todo.put(pk)
    failures: list = []
    start = threading.Barrier(workers)

    def work():
        try:
            start.wait(timeout=20)
            while True:
                try:
                    pk = todo.get_nowait()
                except queue.Empty:
                    return
                try:
                    waiting_for_the_lock(lambda: chain.confirm(actor=org.bureau, pk=pk), attempts=20000)
                except Exception as exc:  # noqa: BLE001 - collected and asserted on
                    failures.append((pk, exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads), "a worker hung"
    return failures


@pytest.mark.django_db(transaction=True)
def test_a_thousand_parallel_confirmations_number_one_to_a_thousand(org):
    pks = passed_in_bulk(org, CONFIRMATIONS)
    assert len(pks) == CONFIRMATIONS

    assert confirm_all(org, pks) == []

    numbers = list(Application.objects.filter(pk__in=pks).values_list("certificate_no", flat=True))
    assert Application.objects.filter(pk__in=pks, status=S.CONFIRMED).count() == CONFIRMATIONS
    assert len(set(numbers)) == CONFIRMATIONS and "" not in numbers
    prefix = f"{org.plan.year}{org.plan.committee.bureau.region_id}GC2"
    assert all(n.startswith(prefix) and len(n) == len(prefix) + 5 for n in numbers), numbers[:3]
    assert sorted(int(n[len(prefix):]) for n in numbers) == list(range(1, CONFIRMATIONS + 1))
    assert CertificateSequence.objects.get().last == CONFIRMATIONS
    assert FlowEntry.objects.filter(action="confirm", stage="bureau_confirm").count() == CONFIRMATIONS


@pytest.mark.django_db
def test_a_confirmation_rolled_back_gives_its_number_back(org):
    first, second = passed_in_bulk(org, 2)
    with pytest.raises(RuntimeError), transaction.atomic():
        chain.confirm(actor=org.bureau, pk=first)
        raise RuntimeError("the page failed after the number was drawn")
    assert Application.objects.get(pk=first).status == S.PASSED
    assert chain.confirm(actor=org.bureau, pk=second).certificate_no.endswith("00001")
    assert chain.confirm(actor=org.bureau, pk=first).certificate_no.endswith("00002")


@pytest.mark.django_db
def test_the_number_format_comes_from_the_settings(org, settings):
    settings.CERTIFICATE_NUMBER_FORMAT = "ZC-{region}-{year}-{series}{level}-{seq:04d}"
    settings.CERTIFICATE_SERIES_CODES = {"工程技术": "GCJS"}
    first, second = passed_in_bulk(org, 2)
    region, year = org.plan.committee.bureau.region_id, org.plan.year
    assert chain.confirm(actor=org.bureau, pk=first).certificate_no == f"ZC-{region}-{year}-GCJS2-0001"
    assert chain.confirm(actor=org.bureau, pk=second).certificate_no == f"ZC-{region}-{year}-GCJS2-0002"


@pytest.mark.django_db
def test_each_series_and_level_counts_on_its_own(org):
    year, region = org.plan.year, org.plan.committee.bureau.region_id
    groups = {
        ("工程技术", "副高"): passed_in_bulk(org, 2, tag="A"),
        ("工程技术", "正高"): passed_in_bulk(org, 1, series="工程技术", level="正高", tag="B"),
        ("卫生技术", "副高"): passed_in_bulk(org, 2, series="卫生技术", level="副高", tag="C"),
        ("会计", "中级"): passed_in_bulk(org, 1, series="会计", level="中级", tag="D"),
    }
    issued = {key: [chain.confirm(actor=org.bureau, pk=pk).certificate_no for pk in pks]
              for key, pks in groups.items()}
    assert issued == {
        ("工程技术", "副高"): [f"{year}{region}GC200001", f"{year}{region}GC200002"],
        ("工程技术", "正高"): [f"{year}{region}GC100001"],
        ("卫生技术", "副高"): [f"{year}{region}WS200001", f"{year}{region}WS200002"],
        ("会计", "中级"): [f"{year}{region}KJ300001"],
    }
    assert CertificateSequence.objects.count() == 4


@pytest.mark.django_db
def test_a_format_without_the_series_shares_one_sequence(org, settings):
    settings.CERTIFICATE_NUMBER_FORMAT = "{year}-{seq:06d}"
    pks = passed_in_bulk(org, 1, tag="A") + passed_in_bulk(org, 1, series="卫生技术", level="正高", tag="B")
    numbers = [chain.confirm(actor=org.bureau, pk=pk).certificate_no for pk in pks]
    assert numbers == [f"{org.plan.year}-000001", f"{org.plan.year}-000002"]
    assert all(re.fullmatch(r"\d{4}-\d{6}", n) for n in numbers)
