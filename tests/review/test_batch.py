"""批量审核: approve the selected records one by one; each record is all-or-nothing, what is skipped is reported,
the rest are approved and the unit's counters follow."""

import pytest
from django.urls import reverse

from core.models import FlowEntry
from dossier.models import Record, Status
from review import engine

from .support import actual_counts, counters, login, make_record, page_messages

pytestmark = pytest.mark.django_db

BATCH = reverse("review:records_batch")
STALE = "该业绩的状态已经变化，请刷新后再操作。"


def _statuses(records) -> list[str]:
    return [Record.objects.get(pk=r.pk).status for r in records]


def test_batch_approves_the_rest_and_reports_the_decided_and_the_foreign_records(
    client, unit_a, owner_a, admin_a, owner_b
):
    pending = [make_record(owner_a, "research_project") for _ in range(5)]
    decided = make_record(owner_a, "research_project", status=Status.APPROVED, admin=admin_a, title="已审核的项目")
    foreign = make_record(owner_b, "research_project", title="乙单位的项目")
    login(client, admin_a)
    next_page = reverse("review:records", args=["research_project"]) + "?status=pending"

    response = client.post(BATCH, {"ids": [r.pk for r in [*pending, decided, foreign]], "opinion": "同意",
                                   "next": next_page})

    assert response.status_code == 302 and response.url == next_page
    assert page_messages(client.get(response.url)) == [
        f"已通过 5 条；跳过 2 条：“已审核的项目”（{STALE}）；#{foreign.pk}（无权审核）"
    ]
    assert _statuses(pending) == [Status.APPROVED] * 5
    assert _statuses([decided, foreign]) == [Status.APPROVED, Status.PENDING]
    approvals = FlowEntry.objects.filter(subject_type="record", action="approve", opinion="同意")
    assert sorted(approvals.values_list("subject_id", flat=True)) == sorted(r.pk for r in pending)
    assert counters(unit_a) == actual_counts(unit_a) == {("research_project", Status.APPROVED): 6}


def test_batch_keeps_each_record_all_or_nothing(client, unit_a, owner_a, admin_a, monkeypatch):
    """A failure while deciding one record leaves that record, its flow and its counters as they were; the
    records decided before it stay decided."""
    first, broken, last = (make_record(owner_a, "research_project") for _ in range(3))
    real_flow_write = engine.flow_write

    def flow_write(**kwargs):
        if kwargs["subject_id"] == broken.pk and kwargs["action"] == "approve":
            raise RuntimeError("disk full")
        return real_flow_write(**kwargs)

    monkeypatch.setattr(engine, "flow_write", flow_write)
    login(client, admin_a)

    with pytest.raises(RuntimeError):
        client.post(BATCH, {"ids": [first.pk, broken.pk, last.pk]})

    assert _statuses([first, broken, last]) == [Status.APPROVED, Status.PENDING, Status.PENDING]
    assert Record.objects.get(pk=broken.pk).decided_at is None
    assert not FlowEntry.objects.filter(subject_id=broken.pk, action="approve").exists()
    assert counters(unit_a) == actual_counts(unit_a)


def test_batch_without_a_selection_asks_for_one(client, admin_a):
    login(client, admin_a)

    response = client.post(BATCH, {"opinion": "同意"}, follow=True)

    assert page_messages(response) == ["请先勾选要审核的业绩。"]


def test_batch_ignores_malformed_and_repeated_ids(client, owner_a, admin_a):
    record = make_record(owner_a)
    login(client, admin_a)

    response = client.post(BATCH, {"ids": ["abc", "²", "-1", "", str(record.pk), str(record.pk)]}, follow=True)

    assert response.status_code == 200
    assert page_messages(response) == ["已批量通过 1 条业绩。"]
    assert Record.objects.get(pk=record.pk).status == Status.APPROVED


@pytest.mark.parametrize("next_url", ["https://evil.example.com/", "//evil.example.com/unit/", "javascript:alert(1)"])
def test_batch_returns_only_to_a_page_of_this_site(client, owner_a, admin_a, next_url):
    record = make_record(owner_a)
    login(client, admin_a)

    response = client.post(BATCH, {"ids": [record.pk], "next": next_url})

    assert response.status_code == 302 and response.url == reverse("review:tasks")


def test_batch_only_accepts_post(client, admin_a):
    assert login(client, admin_a).get(BATCH).status_code == 405
