"""岗位核准 at the unit's 通过 (SPEC §5): a public institution's recommendation that takes a vacancy takes it
under the quota row's lock, so two clerks racing for the last vacancy cannot both get it; 不限 never runs out;
否 (with its explanation) takes none; 终止, or 否 at the 通过 of a resubmission, gives a taken vacancy back."""

import pytest
from django.urls import reverse

from applications import chain
from applications.models import Application
from orgs.models import PostQuota, Unit
from tests.applications.support import login, scan_upload
from tests.factories import UnitFactory, unit_admin

from .support import filed, proof, race, recommendation, resubmit, state, unit_approve

S = Application.Status
TRIALS = 100


def taken(org) -> int:
    return PostQuota.objects.get(pk=org.quota.pk).associate_taken


def department_returns(org, application, opinion: str) -> Application:
    return chain.decide(actor=org.reviewer, stage="department", pk=application.pk, decision="return",
                        opinion=opinion)


@pytest.mark.django_db(transaction=True)
def test_two_clerks_racing_for_the_last_vacancy_only_one_gets_it(org):
    first, second = filed(org, name="林芳"), filed(org, name="周明")
    rec = recommendation(org, takes=True)
    fresh = dict(status=S.SUBMITTED, stage="unit", claimed_by=None, vacancy_level="", recommendation=None)
    for trial in range(TRIALS):
        Application.objects.filter(pk__in=[first.pk, second.pk]).update(**fresh)
        PostQuota.objects.filter(pk=org.quota.pk).update(associate_taken=0)
        proofs = [proof(), proof()]

        def decide(clerk, application, checked):
            return lambda: chain.decide(actor=clerk, stage="unit", pk=application.pk, decision="approve",
                                        recommendation=rec, proofs=[checked])

        outcomes = race([decide(org.clerk, first, proofs[0]), decide(org.clerk2, second, proofs[1])])

        won = [o for o in outcomes if isinstance(o, Application)]
        lost = [o for o in outcomes if isinstance(o, chain.ChainError)]
        assert len(won) == 1 and len(lost) == 1, (trial, outcomes)
        assert "副高岗位空缺已用完" in str(lost[0]), (trial, outcomes)
        assert taken(org) == 1, trial
        rows = {a.pk: a for a in Application.objects.filter(pk__in=[first.pk, second.pk])}
        winner, loser = rows[won[0].pk], rows[({first.pk, second.pk} - {won[0].pk}).pop()]
        assert (winner.stage, winner.vacancy_level) == ("department", "associate"), trial
        assert (loser.status, loser.stage, loser.vacancy_level, loser.recommendation) == (S.SUBMITTED, "unit", "",
                                                                                          None), trial


@pytest.mark.django_db
def test_the_last_vacancy_refused_on_the_page_says_so(org):
    unit_approve(org, filed(org, name="林芳"))
    second = filed(org, name="周明")
    before = state(second)
    client = login(org.client, org.clerk2)
    start, end = org.publicity
    response = client.post(reverse("chain:review", args=["unit", second.pk]), {
        "action": "decide", "d-decision": "approve", "d-publicity_from": start.isoformat(),
        "d-publicity_to": end.isoformat(), "d-recommendation": "同意推荐。", "d-takes_vacancy": "yes",
        "proof": scan_upload("公示证明.jpg")})
    assert response.status_code == 200
    assert "副高岗位空缺已用完（核准1个，已推荐1人），不能再推荐。" in response.content.decode()
    assert state(second) == before


@pytest.mark.django_db
def test_unlimited_vacancies_never_block(org):
    PostQuota.objects.filter(pk=org.quota.pk).update(associate=None)
    for i in range(4):
        application = unit_approve(org, filed(org, name=f"申报人{i}"), takes=True)
        assert (application.stage, application.vacancy_level) == ("department", "associate")
    assert taken(org) == 4


@pytest.mark.django_db
def test_no_vacancy_with_an_explanation_takes_none(org):
    PostQuota.objects.filter(pk=org.quota.pk).update(associate=0)
    application = unit_approve(org, filed(org), takes=False, note="转岗人员，使用原岗位")
    assert (application.stage, application.vacancy_level) == ("department", "")
    assert application.recommendation["takes_vacancy"] is False
    assert application.recommendation["vacancy_note"] == "转岗人员，使用原岗位"
    assert taken(org) == 0


@pytest.mark.django_db
def test_an_unconfirmed_quota_cannot_be_taken(org):
    PostQuota.objects.filter(pk=org.quota.pk).update(confirmed_at=None)
    application = filed(org)
    before = state(application)
    with pytest.raises(chain.ChainError, match="岗位核准信息尚未确认"):
        unit_approve(org, application, takes=True)
    assert state(application) == before


@pytest.mark.django_db
def test_an_enterprise_is_not_asked_about_vacancies(org):
    company = UnitFactory(name="福建闽江工程科技有限公司", nature=Unit.Nature.ENTERPRISE)
    clerk = unit_admin(company, name="企业经办人")
    application = filed(org, unit=company)
    client = login(org.client, clerk)
    page = client.get(reverse("chain:review", args=["unit", application.pk])).content.decode()
    assert "是否占用岗位空缺" not in page
    done = chain.decide(actor=clerk, stage="unit", pk=application.pk, decision="approve",
                        recommendation=recommendation(org, takes=None), proofs=[proof()])
    assert (done.stage, done.vacancy_level) == ("bureau", "")  # no competent department: on to the bureau


@pytest.mark.django_db
def test_terminating_gives_the_vacancy_back(org):
    application = unit_approve(org, filed(org))
    assert taken(org) == 1
    department_returns(org, application, "请补充继续教育证明")
    assert taken(org) == 1  # a return keeps the recommendation's vacancy for the resubmission
    resubmit(application)
    again = unit_approve(org, application)  # the second 通过 does not take a second vacancy
    assert taken(org) == 1 and again.vacancy_level == "associate"
    department_returns(org, application, "请补充考核材料")
    resubmit(application)
    done = chain.decide(actor=org.clerk, stage="unit", pk=application.pk, decision="terminate",
                        opinion="经核查存在弄虚作假")
    assert (done.status, done.vacancy_level) == (S.TERMINATED, "")
    assert taken(org) == 0
    # The vacancy is free for a colleague.
    assert unit_approve(org, filed(org, name="周明")).vacancy_level == "associate"


@pytest.mark.django_db
def test_a_resubmission_recommended_without_a_vacancy_gives_it_back(org):
    application = unit_approve(org, filed(org))
    assert taken(org) == 1
    department_returns(org, application, "请补充继续教育证明")
    resubmit(application)
    again = unit_approve(org, application, takes=False, note="转岗人员，使用原岗位")
    assert (again.stage, again.vacancy_level) == ("department", "")
    assert again.recommendation["takes_vacancy"] is False
    assert taken(org) == 0
    # The vacancy is free for a colleague, and the application keeps moving without one.
    assert unit_approve(org, filed(org, name="周明")).vacancy_level == "associate"
    assert taken(org) == 1
