"""撤回申请: the unit grants a withdrawal (the record goes back to the applicant as 编辑中) or refuses it with a
reason; the applicant's 撤回记录 and the unit's 撤回申请 both show the outcome."""

import pytest
from django.urls import reverse

from core.models import FlowEntry
from dossier.models import Record, Status, Withdrawal

from .support import login, make_record, page_messages

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(owner_a, admin_a):
    return make_record(owner_a, "research_project", status=Status.APPROVED, admin=admin_a, title="闽江流域水质监测项目")


def _request(client, owner, record, reason="项目金额填写有误"):
    login(client, owner)
    response = client.post(reverse("dossier:withdraw", args=[record.pk]), {"reason": reason})
    assert response.status_code == 302
    return Withdrawal.objects.get(record=record, state=Withdrawal.State.PENDING)


def _decide(client, admin, withdrawal, decision, opinion=""):
    login(client, admin)
    return client.post(reverse("review:withdrawal_decide", args=[withdrawal.pk]),
                       {"decision": decision, "opinion": opinion}, follow=True)


def test_a_granted_withdrawal_sends_the_record_back_to_draft_and_the_flow_says_so(client, owner_a, admin_a, approved):
    withdrawal = _request(client, owner_a, approved)

    response = _decide(client, admin_a, withdrawal, "grant")

    assert page_messages(response)[-1] == "已同意“闽江流域水质监测项目”的撤回申请。"
    assert Record.objects.get(pk=approved.pk).status == Status.DRAFT
    withdrawal.refresh_from_db()
    assert (withdrawal.state, withdrawal.decided_by) == (Withdrawal.State.GRANTED, admin_a)
    last = FlowEntry.objects.filter(subject_type="record", subject_id=approved.pk).last()
    assert (last.action, last.from_status, last.to_status) == ("withdraw_grant", Status.APPROVED, Status.DRAFT)
    drawer = login(client, owner_a).get(reverse("dossier:detail", args=[approved.pk])).content.decode()
    assert "同意撤回" in drawer


@pytest.mark.parametrize("opinion", ["", "  "])
def test_refusing_needs_a_reason(client, owner_a, admin_a, approved, opinion):
    withdrawal = _request(client, owner_a, approved)

    response = _decide(client, admin_a, withdrawal, "refuse", opinion)

    assert page_messages(response)[-1] == "不同意撤回时必须填写理由。"
    assert Withdrawal.objects.get(pk=withdrawal.pk).state == Withdrawal.State.PENDING
    assert Record.objects.get(pk=approved.pk).status == Status.APPROVED


def test_a_refused_withdrawal_keeps_the_record_approved(client, owner_a, admin_a, approved):
    withdrawal = _request(client, owner_a, approved)

    response = _decide(client, admin_a, withdrawal, "refuse", "该项目已用于年度考核，不宜修改")

    assert page_messages(response)[-1] == "已不同意“闽江流域水质监测项目”的撤回申请。"
    assert Record.objects.get(pk=approved.pk).status == Status.APPROVED
    last = FlowEntry.objects.filter(subject_type="record", subject_id=approved.pk).last()
    assert (last.action, last.opinion) == ("withdraw_refuse", "该项目已用于年度考核，不宜修改")


def test_both_sides_see_the_outcome_and_the_opinion(client, owner_a, admin_a, approved):
    other = make_record(owner_a, "paper", status=Status.APPROVED, admin=admin_a, title="基层医疗论文")
    granted = _request(client, owner_a, approved)
    refused = _request(client, owner_a, other)
    _decide(client, admin_a, granted, "grant", "同意修改后重新提交")
    _decide(client, admin_a, refused, "refuse", "论文已发表，无需修改")

    unit_side = login(client, admin_a).get(reverse("review:withdrawals"), {"state": "all"}).content.decode()
    applicant_side = login(client, owner_a).get(reverse("dossier:withdrawals")).content.decode()

    for html in (unit_side, applicant_side):
        granted_row = html[html.index("闽江流域水质监测项目"):]
        refused_row = html[html.index("基层医疗论文"):]
        assert "同意" in granted_row[:600] and "同意修改后重新提交" in granted_row[:600]
        assert "不同意" in refused_row[:600] and "论文已发表，无需修改" in refused_row[:600]
    assert "编辑中" in applicant_side and "审核通过" in applicant_side


def test_the_unit_withdrawal_list_links_only_to_pages_that_open(client, owner_a, admin_a, approved):
    """A granted withdrawal's record is a draft again, which the unit may no longer open: no dead link."""
    other = make_record(owner_a, "paper", status=Status.APPROVED, admin=admin_a, title="基层医疗论文")
    _decide(client, admin_a, _request(client, owner_a, approved), "grant")
    _request(client, owner_a, other)
    login(client, admin_a)

    html = client.get(reverse("review:withdrawals"), {"state": "all"}).content.decode()

    assert reverse("review:record", args=[approved.pk]) not in html
    assert reverse("review:record", args=[other.pk]) in html
    assert client.get(reverse("review:record", args=[other.pk])).status_code == 200


def test_a_withdrawal_is_decided_once(client, owner_a, admin_a, approved):
    withdrawal = _request(client, owner_a, approved)
    _decide(client, admin_a, withdrawal, "refuse", "不同意")

    response = _decide(client, admin_a, withdrawal, "grant")

    assert page_messages(response)[-1] == "该撤回申请已处理。"
    assert Record.objects.get(pk=approved.pk).status == Status.APPROVED


def test_the_pending_tab_lists_only_pending_requests_of_the_unit(client, owner_a, admin_a, owner_b, admin_b, approved):
    mine = _request(client, owner_a, approved)
    foreign_record = make_record(owner_b, "research_project", status=Status.APPROVED, admin=admin_b, title="乙单位项目")
    _request(client, owner_b, foreign_record)
    login(client, admin_a)

    html = client.get(reverse("review:withdrawals")).content.decode()

    assert f'id="w{mine.pk}"' in html and "乙单位项目" not in html


@pytest.mark.parametrize("next_url", ["https://evil.example.com/", "//evil.example.com/"])
def test_the_withdrawal_request_returns_only_to_a_page_of_this_site(client, owner_a, approved, next_url):
    login(client, owner_a)

    response = client.post(reverse("dossier:withdraw", args=[approved.pk]), {"reason": "修改", "next": next_url})

    assert response.status_code == 302 and response.url == reverse("dossier:list", args=["research_project"])
    assert Withdrawal.objects.filter(record=approved, state=Withdrawal.State.PENDING).exists()
