"""Single decisions on the review page (审核): 通过 / 退回 / 终止, the rules that refuse a decision, the flow, and
the page that opens next."""

import pytest
import time_machine
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone

from core.models import FlowEntry
from dossier.catalogue import catalogue
from dossier.models import Record, Status

from .support import login, make_record, page_messages

pytestmark = pytest.mark.django_db

STALE = "该业绩的状态已经变化，请刷新后再操作。"


def _review(pk: int) -> str:
    return reverse("review:record", args=[pk])


def _decisions(record) -> list[FlowEntry]:
    return list(FlowEntry.objects.filter(subject_type="record", subject_id=record.pk,
                                         action__in=["approve", "return", "terminate"]))


@pytest.mark.parametrize("opinion", ["", "   \n "])
def test_returning_needs_an_opinion_shown_on_the_review_page(client, owner_a, admin_a, opinion):
    record = make_record(owner_a)
    login(client, admin_a)

    response = client.post(_review(record.pk), {"decision": "return", "opinion": opinion})

    assert response.status_code == 200
    assert "退回时必须填写审核意见。" in response.content.decode()
    record.refresh_from_db()
    assert record.status == Status.PENDING and record.decided_at is None
    assert _decisions(record) == []


def test_a_refused_decision_keeps_the_typed_opinion(client, owner_a, admin_a):
    """An unknown decision is refused; what the clerk typed is still in the box."""
    record = make_record(owner_a)
    login(client, admin_a)

    response = client.post(_review(record.pk), {"decision": "publish", "opinion": "请补充合同"})

    assert "未知的审核操作。" in response.content.decode()
    assert "请补充合同</textarea>" in response.content.decode()
    assert Record.objects.get(pk=record.pk).status == Status.PENDING


@pytest.mark.parametrize("status", [Status.APPROVED, Status.RETURNED, Status.TERMINATED])
@pytest.mark.parametrize("decision", ["approve", "return", "terminate"])
def test_a_record_already_decided_cannot_be_decided_again(client, owner_a, admin_a, status, decision):
    record = make_record(owner_a, status=status, admin=admin_a)
    before = _decisions(record)
    login(client, admin_a)

    response = client.post(_review(record.pk), {"decision": decision, "opinion": "再次审核"})

    assert response.status_code == 200
    html = response.content.decode()
    assert STALE in html
    assert 'name="decision"' not in html  # no decision buttons on a decided record
    assert Record.objects.get(pk=record.pk).status == status
    assert _decisions(record) == before


def test_a_draft_is_not_open_to_review(client, owner_a, admin_a):
    record = make_record(owner_a, status=Status.DRAFT)
    login(client, admin_a)

    assert client.post(_review(record.pk), {"decision": "approve"}).status_code == 404
    assert Record.objects.get(pk=record.pk).status == Status.DRAFT


@pytest.mark.parametrize("decision, status, label", [
    ("approve", Status.APPROVED, "通过"), ("return", Status.RETURNED, "退回"),
    ("terminate", Status.TERMINATED, "终止"),
])
def test_the_flow_shows_each_decision_exactly_once(client, owner_a, admin_a, decision, status, label):
    record = make_record(owner_a)
    login(client, admin_a)

    client.post(_review(record.pk), {"decision": decision, "opinion": "材料齐全，情况属实"})
    client.post(_review(record.pk), {"decision": decision, "opinion": "材料齐全，情况属实"})  # a double click

    record.refresh_from_db()
    assert record.status == status and record.decided_at is not None
    [entry] = _decisions(record)
    assert (entry.action, entry.actor, entry.role, entry.opinion) == (decision, admin_a, "单位管理员", "材料齐全，情况属实")
    assert (entry.from_status, entry.to_status) == (Status.PENDING, status)
    review_page = client.get(_review(record.pk)).content.decode()
    assert review_page.count(f'<div class="fw-semibold">{label} ') == 1
    assert review_page.count("意见：材料齐全，情况属实") == 1
    drawer = login(client, owner_a).get(reverse("dossier:detail", args=[record.pk])).content.decode()
    assert drawer.count("意见：材料齐全，情况属实") == 1


@pytest.fixture
def queue(owner_a, admin_a):
    """Three pending research projects submitted on three days (oldest first), and a pending paper."""
    records = []
    for day in (3, 1, 2):
        with time_machine.travel(f"2026-03-0{day} 09:00 +0800", tick=False):
            records.append(make_record(owner_a, "research_project", title=f"三月{day}日提交的项目"))
    with time_machine.travel("2026-02-01 09:00 +0800", tick=False):
        make_record(owner_a, "paper", title="更早提交的论文")
    return sorted(records, key=lambda r: r.submitted_at)


def test_after_a_decision_the_oldest_pending_record_of_the_same_type_opens(client, admin_a, queue):
    oldest, middle, newest = queue
    login(client, admin_a)

    response = client.post(_review(newest.pk), {"decision": "approve"})

    assert response.status_code == 302 and response.url == _review(oldest.pk)
    assert page_messages(client.get(response.url)) == [f"已通过“{newest.title}”，已打开下一条待审核的科研(基金)项目。"]
    response = client.post(_review(oldest.pk), {"decision": "return", "opinion": "请补充结题证明"})
    assert response.url == _review(middle.pk)


def test_when_none_of_the_type_is_left_the_list_opens(client, admin_a, queue):
    login(client, admin_a)
    for record in queue[:-1]:
        client.post(_review(record.pk), {"decision": "approve"})

    response = client.post(_review(queue[-1].pk), {"decision": "terminate"})

    kind = catalogue().kind("research_project")
    assert response.status_code == 302 and response.url == reverse("review:records", args=[kind.key])
    assert page_messages(client.get(response.url))[-1] == f"已终止“{queue[-1].title}”。{kind.label}没有待审核的业绩了。"


def test_the_review_page_shows_applicant_id_gender_date_fields_and_attachments(client, owner_a, admin_a):
    record = make_record(owner_a, title="海峡西岸心血管疾病防治研究")
    login(client, admin_a)

    html = client.get(_review(record.pk)).content.decode()

    evidence = record.evidence.get()
    submitted = timezone.localtime(record.submitted_at).strftime("%Y-%m-%d %H:%M")
    for text in (owner_a.name, owner_a.id_number, owner_a.get_gender_display(), submitted,
                 "海峡西岸心血管疾病防治研究", "项目级别", "佐证.png", f"({filesizeformat(evidence.size)})",
                 reverse("dossier:evidence", args=[evidence.pk]), ">通过</button>", ">退回</button>", ">终止</button>"):
        assert text in html, text
