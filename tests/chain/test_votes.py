"""评审结果 from the meeting's secret ballot (SPEC §6, FORMS-AND-RULES §5): the office enters the counts and the
result follows from them: valid with two thirds of the members present (COMMITTEE_QUORUM_SHARE), passed when the
同意 votes reach the plan's share of those present, the bound included; the counts go into the flow."""

import pytest
from django.db import connection
from django.db.models import Count, Q, Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications import chain
from applications.models import Application
from core.models import FlowEntry
from review.models import Decision
from tests.applications.support import login, page_messages

from .support import filed, walk

pytestmark = pytest.mark.django_db
S = Application.Status


@pytest.fixture(autouse=True)
def vacancies(org):
    org.quota.associate = 10
    org.quota.save()


def vote(org, members, attending, agree, disagree, abstain=0, opinion=""):
    application = walk(org, filed(org), to="accepted")
    response = login(org.client, org.committee).post(
        reverse("chain:review", args=["committee", application.pk]),
        {"action": "result", "r-members": members, "r-attending": attending, "r-agree": agree,
         "r-disagree": disagree, "r-abstain": abstain, "r-opinion": opinion})
    assert response.status_code == 302, response.content.decode()[:500]
    application.refresh_from_db()
    return application, page_messages(org.client.get(response.url))


@pytest.mark.parametrize("agree, disagree, abstain, passed", [
    (6, 3, 0, True),  # exactly two thirds of 9: "以上" includes the bound
    (5, 3, 1, False),
    (9, 0, 0, True),
    (0, 9, 0, False),
])
def test_the_result_follows_from_the_counts(org, agree, disagree, abstain, passed):
    application, messages = vote(org, 9, 9, agree, disagree, abstain, opinion="专家组认为业绩突出")
    assert application.status == (S.PASSED if passed else S.FAILED)
    assert f"已录入评审结果：{'通过' if passed else '不通过'}（同意{agree}票，实到9人）。" in messages
    entry = FlowEntry.objects.filter(subject_id=application.pk, stage="committee_result").order_by("pk").last()
    assert entry.action == ("result_pass" if passed else "result_fail")
    assert entry.opinion == (f"表决情况：应到9人，实到9人；同意{agree}票，不同意{disagree}票，弃权{abstain}票；"
                             "专家组认为业绩突出")


def test_a_quorum_of_two_thirds_of_the_members(org):
    application, _ = vote(org, 25, 17, 12, 5)  # 17 of 25 present (51 ≥ 50): valid; 12 of 17 ≥ 2/3
    assert application.status == S.PASSED
    with pytest.raises(chain.ChainError, match="实到16人，不足应到人数的三分之二，表决无效。"):
        chain.committee_result(actor=org.committee, pk=walk(org, filed(org, name="王强"), to="accepted").pk,
                               tally=chain.Tally(25, 16, 16, 0))


def test_the_plans_share_decides(org):
    org.plan.pass_share = "3/4"
    org.plan.save()
    application, _ = vote(org, 9, 9, 6, 3)  # 6 of 9 is two thirds, short of three quarters
    assert application.status == S.FAILED
    application, _ = vote(org, 9, 8, 6, 2)  # 6 of 8 is three quarters
    assert application.status == S.PASSED


def test_the_form_states_the_rule(org):
    application = walk(org, filed(org), to="accepted")
    page = login(org.client, org.committee).get(reverse("chain:review", args=["committee", application.pk]))
    assert "同意票达到出席专家的三分之二以上即为通过；实到人数须达到应到人数的三分之二。" in page.content.decode()


def test_a_quorum_setting_that_cannot_be_read_stops_the_start():
    from tests.test_settings import load_settings

    result = load_settings(DEBUG="1", COMMITTEE_QUORUM_SHARE="two thirds")
    assert result.returncode != 0 and "COMMITTEE_QUORUM_SHARE must read like 2/3." in result.stderr


def test_the_counts_are_integers_on_the_decision_and_a_pass_rate_is_one_query(org):
    vote(org, 9, 9, 6, 3)
    vote(org, 9, 9, 5, 3, 1)
    vote(org, 25, 17, 12, 5)
    rows = Decision.objects.filter(stage="committee_result").order_by("pk")
    assert list(rows.values_list("decision", "members", "attending", "agree", "disagree", "abstain")) == [
        ("result_pass", 9, 9, 6, 3, 0), ("result_fail", 9, 9, 5, 3, 1), ("result_pass", 25, 17, 12, 5, 0)]
    with CaptureQueriesContext(connection) as captured:
        outcome = Decision.objects.filter(stage="committee_result").aggregate(
            decided=Count("pk"), passed=Count("pk", filter=Q(decision="result_pass")), agree=Sum("agree"))
    assert len(captured) == 1 and outcome == {"decided": 3, "passed": 2, "agree": 23}
