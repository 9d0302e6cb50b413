"""回避 on the unit's review of records: an admin who is also staff of her unit (the demo's 林芳) never decides on her
own record, by any path: the single decision, the batch, the task centre, the withdrawal request. The service
refuses with the reason and who else may decide; the pages offer no decision on her own record and say so; a
direct POST changes nothing. Her colleagues decide as before."""

import pytest
from django.urls import reverse

from core.models import FlowEntry
from dossier import services
from dossier.models import Record, Status, Withdrawal
from review import services as review_services
from tests.factories import unit_account, unit_admin

from .support import counters, login, make_record, page_messages, row_ids

pytestmark = pytest.mark.django_db

# What 林芳 reads wherever she may not decide: her colleagues by name, then the unit's own account.
WHO = "请由本单位其他管理员（王主任）或单位账号（福州市第一医院）"
NOTE = f"本人的业绩不能由本人审核，{WHO}审核。"
WITHDRAWAL_NOTE = f"本人的业绩撤回申请不能由本人处理，{WHO}处理。"


@pytest.fixture
def lin(unit_a):
    """林芳: staff of the hospital who also administers it."""
    return unit_admin(unit_a, name="林芳")


@pytest.fixture
def colleague(unit_a):
    return unit_admin(unit_a, name="王主任")


@pytest.fixture
def account(unit_a):
    return unit_account(unit_a)


@pytest.fixture
def hers(lin, colleague, account):
    """林芳's own record, submitted to her unit."""
    return make_record(lin, "research_project", title="林芳的科研项目")


def _unchanged(record) -> tuple:
    stored = Record.objects.get(pk=record.pk)
    return (stored.status, stored.decided_at,
            FlowEntry.objects.filter(subject_type="record", subject_id=record.pk).count())


@pytest.mark.parametrize("decision", ["approve", "return", "terminate"])
def test_the_service_refuses_a_decision_on_her_own_record(hers, lin, unit_a, decision):
    before, counted = _unchanged(hers), counters(unit_a)
    with pytest.raises(services.RecordError) as refused:
        review_services.record_decide(actor=lin, record=hers, decision=decision, opinion="自审")
    assert str(refused.value) == NOTE
    assert _unchanged(hers) == before and counters(unit_a) == counted


def test_her_review_page_offers_no_decision_and_says_who_else_may(client, hers, lin):
    login(client, lin)
    page = client.get(reverse("review:record", args=[hers.pk])).content.decode()

    assert 'name="decision"' not in page and 'name="opinion"' not in page
    assert 'data-testid="recusal-note"' in page and NOTE in page
    assert "林芳的科研项目" in page  # she still reads it


@pytest.mark.parametrize("decision", ["approve", "return", "terminate"])
def test_a_direct_post_of_a_decision_on_her_own_record_changes_nothing(client, hers, lin, decision):
    before = _unchanged(hers)
    login(client, lin)
    response = client.post(reverse("review:record", args=[hers.pk]), {"decision": decision, "opinion": "自审"})
    assert response.status_code == 200
    assert NOTE in response.content.decode() and 'name="decision"' not in response.content.decode()
    assert _unchanged(hers) == before


def test_a_colleague_decides_her_record_and_her_note_names_every_other_admin(client, hers, lin, colleague, account):
    login(client, colleague)
    page = client.get(reverse("review:record", args=[hers.pk])).content.decode()
    assert 'name="decision"' in page and "recusal-note" not in page
    review_services.record_decide(actor=colleague, record=hers, decision="approve")
    assert Record.objects.get(pk=hers.pk).status == Status.APPROVED
    # The unit's account decides as well (it is nobody's own record).
    other = make_record(lin, "research_project", title="林芳的第二个项目")
    assert review_services.record_decide(actor=account, record=other, decision="return", opinion="请补充").status == \
        Status.RETURNED


def test_with_no_other_admin_the_note_says_so(client, unit_a):
    alone = unit_admin(unit_a, name="林芳")
    record = make_record(alone, "research_project")
    with pytest.raises(services.RecordError, match="本人的业绩不能由本人审核；目前没有本单位其他管理员可以审核"):
        review_services.record_decide(actor=alone, record=record, decision="approve")


def test_her_record_is_listed_to_look_at_only(client, hers, lin, owner_a):
    theirs = make_record(owner_a, "research_project", title="张三的科研项目")
    login(client, lin)
    page = client.get(reverse("review:records", args=["research_project"]), {"status": "pending"}).content.decode()

    assert row_ids(page) == [theirs.pk, hers.pk]  # newest first: both in 审核中
    mine = page[page.index(f'<tr data-record="{hers.pk}">'):]
    mine = mine[:mine.index("</tr>")]
    assert 'name="ids"' not in mine and "查看" in mine and "本人业绩" in mine and ">审核<" not in mine
    assert f'name="ids" value="{theirs.pk}"' in page


def test_the_batch_skips_her_own_record_and_names_it(client, hers, lin, owner_a, unit_a):
    theirs = make_record(owner_a, "research_project", title="张三的科研项目")
    before = _unchanged(hers)
    login(client, lin)
    back = reverse("review:records", args=["research_project"])

    response = client.post(reverse("review:records_batch"), {"ids": [hers.pk, theirs.pk], "next": back})

    assert page_messages(client.get(response.url)) == [f"已通过 1 条；未审核本人的业绩 1 条（“林芳的科研项目”）：{NOTE}"]
    assert _unchanged(hers) == before
    assert Record.objects.get(pk=theirs.pk).status == Status.APPROVED


def test_the_task_centre_leaves_out_her_own_record_and_its_batch_refuses_it(client, hers, lin, owner_a):
    theirs = make_record(owner_a, "research_project", title="张三的科研项目")
    login(client, lin)
    page = client.get(reverse("review:tasks")).content.decode()
    assert "张三的科研项目" in page and "林芳的科研项目" not in page
    assert 'data-testid="task-count">1<' in page

    before = _unchanged(hers)
    response = client.post(reverse("review:records_batch"), {"ids": [hers.pk], "next": reverse("review:tasks")})
    assert page_messages(client.get(response.url)) == [f"已通过 0 条；未审核本人的业绩 1 条（“林芳的科研项目”）：{NOTE}"]
    assert _unchanged(hers) == before
    assert Record.objects.get(pk=theirs.pk).status == Status.PENDING


def test_after_a_decision_her_own_record_does_not_open_next(client, hers, lin, owner_a):
    theirs = make_record(owner_a, "research_project", title="张三的科研项目")
    login(client, lin)
    response = client.post(reverse("review:record", args=[theirs.pk]), {"decision": "approve"})
    assert response.url == reverse("review:records", args=["research_project"])  # not her own record's page


@pytest.fixture
def her_withdrawal(lin, colleague, account):
    record = make_record(lin, "honour", status=Status.APPROVED, admin=colleague, title="林芳的表彰")
    return services.withdrawal_request(actor=lin, record=record, reason="授予单位有误")


def _withdrawal_unchanged(withdrawal) -> tuple:
    stored = Withdrawal.objects.get(pk=withdrawal.pk)
    return (stored.state, stored.decided_by_id, *_unchanged(withdrawal.record))


@pytest.mark.parametrize("grant", [True, False])
def test_the_service_refuses_her_decision_on_her_own_withdrawal(her_withdrawal, lin, grant):
    before = _withdrawal_unchanged(her_withdrawal)
    with pytest.raises(services.RecordError) as refused:
        review_services.withdrawal_decide(actor=lin, withdrawal=her_withdrawal, grant=grant, opinion="同意")
    assert str(refused.value) == WITHDRAWAL_NOTE
    assert _withdrawal_unchanged(her_withdrawal) == before


def test_the_withdrawals_page_offers_her_no_decision_on_her_own_request(client, her_withdrawal, lin, owner_a,
                                                                        colleague):
    other = services.withdrawal_request(
        actor=owner_a, record=make_record(owner_a, "honour", status=Status.APPROVED, admin=colleague))
    login(client, lin)
    page = client.get(reverse("review:withdrawals")).content.decode()

    assert reverse("review:withdrawal_decide", args=[her_withdrawal.pk]) not in page
    assert reverse("review:withdrawal_decide", args=[other.pk]) in page
    assert 'data-testid="recusal-note"' in page and WITHDRAWAL_NOTE in page
    tasks = client.get(reverse("review:tasks")).content.decode()
    assert "林芳的表彰" not in tasks and f"#w{other.pk}" in tasks


@pytest.mark.parametrize("decision", ["grant", "refuse"])
def test_a_direct_post_on_her_own_withdrawal_changes_nothing(client, her_withdrawal, lin, colleague, decision):
    before = _withdrawal_unchanged(her_withdrawal)
    login(client, lin)
    response = client.post(reverse("review:withdrawal_decide", args=[her_withdrawal.pk]),
                           {"decision": decision, "opinion": "同意"}, follow=True)
    assert page_messages(response) == [WITHDRAWAL_NOTE]
    assert _withdrawal_unchanged(her_withdrawal) == before
    # Her colleague may.
    review_services.withdrawal_decide(actor=colleague, withdrawal=her_withdrawal, grant=True)
    assert Record.objects.get(pk=her_withdrawal.record_id).status == Status.DRAFT
