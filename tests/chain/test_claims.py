"""领取 and the task list: a clerk claims an application before deciding it and no other clerk may decide it
then; the tabs (待审核 mine, 待领取 nobody's, 已审核, 被退回, 全部) and their counts; after a decision the next
waiting application opens. Illegal transitions are refused whatever the caller."""

import re

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from applications import chain
from applications.models import Application
from review import desks
from review.models import Decision
from tests.applications.support import login, page_messages
from tests.factories import PlanFactory, UnitFactory

from .support import filed, state, walk

pytestmark = pytest.mark.django_db
S = Application.Status
UNIT = "unit"


def tab_counts(page: str) -> dict[str, int]:
    return {key: int(n) for key, n in re.findall(r'data-tab="(\w+)">[^(<]+\((\d+)\)', page)}


def test_a_second_clerk_cannot_decide_what_the_first_claimed(org):
    application = filed(org)
    chain.claim(actor=org.clerk, stage=UNIT, pk=application.pk)
    before = state(application)
    client = login(org.client, org.clerk2)
    page = client.get(reverse("chain:review", args=["unit", application.pk])).content.decode()
    assert "经办人甲" in page and 'name="d-decision"' not in page  # no decision form for the other clerk
    for data in ({"action": "claim"}, {"action": "decide", "d-decision": "return", "d-opinion": "请补充材料"},
                 {"action": "decide", "d-decision": "terminate", "d-opinion": "终止"}):
        response = client.post(reverse("chain:review", args=["unit", application.pk]), data)
        assert response.status_code == 200
        assert "该申报已由经办人甲领取，不能由您审核。" in response.content.decode()
    assert state(application) == before
    with pytest.raises(chain.ChainError, match="已由经办人甲领取"):
        chain.decide(actor=org.clerk2, stage=UNIT, pk=application.pk, decision="return", opinion="请补充")
    # Claiming again is harmless for the clerk who holds it.
    assert chain.claim(actor=org.clerk, stage=UNIT, pk=application.pk).claimed_by == org.clerk
    assert state(application) == before


def test_the_tabs_count_mine_unclaimed_done_and_returned(org):
    mine = filed(org, name="甲一")
    chain.claim(actor=org.clerk, stage=UNIT, pk=mine.pk)
    theirs = filed(org, name="乙二")
    chain.claim(actor=org.clerk2, stage=UNIT, pk=theirs.pk)
    filed(org, name="丙三")
    filed(org, name="丁四")
    walk(org, filed(org, name="戊五"), to="department")
    returned = filed(org, name="己六")
    chain.decide(actor=org.clerk, stage=UNIT, pk=returned.pk, decision="return", opinion="请补充学历证明")
    filed(org, name="外单位", unit=UnitFactory(name="福州市第二医院"))  # another unit's filing

    expected = {"pending": 1, "unclaimed": 2, "done": 1, "returned": 1, "all": 6}
    assert desks.tab_counts(org.clerk, desks.desk_get(UNIT)) == expected
    assert desks.tab_counts(org.clerk2, desks.desk_get(UNIT)) == {**expected, "pending": 1}
    client = login(org.client, org.clerk)
    page = client.get(reverse("chain:unit")).content.decode()
    assert tab_counts(page) == expected
    assert "甲一" in page and "乙二" not in page and "丙三" not in page  # the first tab: 待审核, mine
    page = client.get(reverse("chain:unit") + "?status=unclaimed").content.decode()
    assert "丙三" in page and "丁四" in page and "甲一" not in page and "乙二" not in page
    page = client.get(reverse("chain:unit") + "?status=returned").content.decode()
    assert "己六" in page and "甲一" not in page
    page = client.get(reverse("chain:unit") + "?status=all&q=戊五").content.decode()
    assert "戊五" in page and "甲一" not in page
    # The department sees only what the unit passed on.
    assert desks.tab_counts(org.reviewer, desks.desk_get("department"))["unclaimed"] == 1


def test_after_a_decision_the_next_waiting_application_opens(org):
    first, second, third = filed(org, name="甲一"), filed(org, name="乙二"), filed(org, name="丙三")
    chain.claim(actor=org.clerk2, stage=UNIT, pk=second.pk)  # another clerk's: never offered
    chain.claim(actor=org.clerk, stage=UNIT, pk=third.pk)   # mine: offered before the unclaimed ones
    client = login(org.client, org.clerk)
    client.post(reverse("chain:review", args=["unit", first.pk]), {"action": "claim"})
    response = client.post(reverse("chain:review", args=["unit", first.pk]), {
        "action": "decide", "d-decision": "return", "d-opinion": "请补充继续教育证书"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("chain:review", args=["unit", third.pk])
    assert "已打开下一条待审核的申报。" in page_messages(response)
    assert "已将甲一的申报退回修改。" in page_messages(response)
    response = client.post(reverse("chain:review", args=["unit", third.pk]), {
        "action": "decide", "d-decision": "return", "d-opinion": "请补充考核材料"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("chain:list", args=["unit"])
    assert Application.objects.get(pk=second.pk).status == S.SUBMITTED


# ------------------------------------------------------------------------------------------------ transitions


def test_decisions_at_the_wrong_node_are_refused(org):
    application = walk(org, filed(org), to="department")
    before = state(application)
    with pytest.raises(chain.ChainError, match="该申报不在本节点，不能审核。"):
        chain.decide(actor=org.clerk, stage=UNIT, pk=application.pk, decision="return", opinion="再看看")
    with pytest.raises(chain.ChainError, match="该申报不在本节点，不能领取。"):
        chain.claim(actor=org.clerk, stage=UNIT, pk=application.pk)
    with pytest.raises(chain.ChainError, match="请选择审核结果。"):  # 终止 is the unit's alone
        chain.decide(actor=org.reviewer, stage="department", pk=application.pk, decision="terminate",
                     opinion="终止")
    # Nodes it has not reached do not even find it.
    with pytest.raises(Http404):
        chain.committee_accept(actor=org.committee, pk=application.pk, accepted_on=application.submitted_at.date())
    with pytest.raises(Http404):
        chain.committee_result(actor=org.committee, pk=application.pk, passed=True)
    with pytest.raises(Http404):
        chain.confirm(actor=org.bureau, pk=application.pk)
    application = walk(org, application, to="committee")
    before = state(application)
    with pytest.raises(chain.ChainError, match="该申报不在本节点，不能审核。"):
        chain.decide(actor=org.bureau, stage="bureau", pk=application.pk, decision="approve")
    assert state(application) == before


def test_the_committee_office_only_accepts_returns_and_records_results(org):
    application = walk(org, filed(org), to="committee")
    before = state(application)
    with pytest.raises(chain.ChainError, match="请选择审核结果。"):
        chain.decide(actor=org.committee, stage="committee_accept", pk=application.pk, decision="approve")
    with pytest.raises(chain.ChainError, match="只有评审中的申报才能录入评审结果。"):
        chain.committee_result(actor=org.committee, pk=application.pk, passed=True)
    with pytest.raises(chain.ChainError, match="只有评审通过的申报才能确认。"):
        chain.confirm(actor=org.bureau, pk=application.pk)
    client = login(org.client, org.committee)
    response = client.post(reverse("chain:review", args=["committee", application.pk]),
                           {"action": "result", "r-members": "9", "r-attending": "9", "r-agree": "9",
                            "r-disagree": "0", "r-abstain": "0"})
    assert response.status_code == 200 and "只有评审中的申报才能录入评审结果。" in response.content.decode()
    assert state(application) == before


def test_confirm_only_after_a_pass_and_only_once(org):
    application = walk(org, filed(org), to="accepted")
    client = login(org.client, org.bureau)
    response = client.post(reverse("chain:review", args=["bureau", application.pk]), {"action": "confirm"})
    assert response.status_code == 200 and "只有评审通过的申报才能确认。" in response.content.decode()
    application = walk(org, application, to="confirmed")
    number = application.certificate_no
    with pytest.raises(chain.ChainError, match="只有评审通过的申报才能确认。"):
        chain.confirm(actor=org.bureau, pk=application.pk)
    with pytest.raises(chain.ChainError, match="只有评审中的申报才能录入评审结果。"):
        chain.committee_result(actor=org.committee, pk=application.pk, passed=False)
    application.refresh_from_db()
    assert (application.status, application.certificate_no) == (S.CONFIRMED, number)


def test_a_failed_result_is_final(org):
    application = walk(org, filed(org), to="accepted")
    chain.committee_result(actor=org.committee, pk=application.pk, passed=False, opinion="赞成票未达三分之二")
    with pytest.raises(chain.ChainError):
        chain.committee_result(actor=org.committee, pk=application.pk, passed=True)
    with pytest.raises(Exception) as refused:  # not passed: the bureau's confirmation list does not hold it
        chain.confirm(actor=org.bureau, pk=application.pk)
    assert refused.type.__name__ in ("ChainError", "Http404")
    application.refresh_from_db()
    assert (application.status, application.certificate_no) == (S.FAILED, "")


def test_unit_termination_only_at_the_unit_node(org):
    application = walk(org, filed(org), to="bureau")
    with pytest.raises(chain.ChainError):
        chain.decide(actor=org.bureau, stage="bureau", pk=application.pk, decision="terminate",
                     opinion="终止")
    with pytest.raises(chain.ChainError, match="该申报不在本节点"):
        chain.decide(actor=org.clerk, stage=UNIT, pk=application.pk, decision="terminate", opinion="终止")
    assert Application.objects.get(pk=application.pk).status == S.SUBMITTED


def test_a_returned_application_waits_for_the_applicant(org):
    application = filed(org)
    chain.decide(actor=org.clerk, stage=UNIT, pk=application.pk, decision="return", opinion="请补充")
    before = state(application)
    with pytest.raises(chain.ChainError, match="该申报不在本节点"):
        chain.decide(actor=org.clerk, stage=UNIT, pk=application.pk, decision="approve")
    with pytest.raises(chain.ChainError, match="该申报不在本节点"):
        chain.claim(actor=org.clerk, stage=UNIT, pk=application.pk)
    assert state(application) == before


def test_the_model_refuses_undeclared_transitions(org):
    application = filed(org, status=S.PASSED)
    for move in ("submit", "forward", "send_back", "terminate", "accept", "record_pass"):
        with pytest.raises(TransitionNotAllowed):
            getattr(application, move)()


# ------------------------------------------------------------------------------------------------ chain shapes


def test_a_unit_without_a_department_goes_from_unit_to_bureau(org):
    from tests.factories import UnitFactory, unit_admin

    company = UnitFactory(name="福建闽江工程科技有限公司")
    clerk = unit_admin(company)
    application = filed(org, unit=company)
    assert chain.stages_of(application) == ["unit", "bureau", "committee_accept", "committee_result", "bureau_confirm"]
    from orgs.models import PostQuota

    PostQuota.objects.create(unit=company, year=org.plan.year, associate=None, confirmed_at=org.quota.confirmed_at)
    from .support import proof, recommendation

    done = chain.decide(actor=clerk, stage=UNIT, pk=application.pk, decision="approve",
                        recommendation=recommendation(org), proofs=[proof()])
    decided = Decision.objects.filter(subject_type="application", subject_id=done.pk)
    assert (done.stage, list(decided.values_list("stage", flat=True))) == ("bureau", ["unit"])


def test_a_plan_without_the_committee_node_is_accepted_after_the_last_review(org):
    plan = PlanFactory(committee=org.plan.committee, chain=["unit", "bureau"], name="简易流程计划")
    application = filed(org, plan=plan)
    application = walk(org, application, to="bureau")
    done = chain.decide(actor=org.bureau, stage="bureau", pk=application.pk, decision="approve",
                        opinion="同意")
    assert (done.status, done.stage, done.committee_accepted_at) == (S.ACCEPTED, "committee_result", timezone.localdate())


def test_a_plan_without_nodes_goes_straight_to_the_committee(org):
    plan = PlanFactory(committee=org.plan.committee, chain=[], name="无审核计划")
    application = filed(org, plan=plan, status=S.DRAFT)
    application.submit()
    chain.chain_enter(application)
    assert (application.status, application.stage) == (S.ACCEPTED, "committee_result")
    assert application.committee_accepted_at is not None
