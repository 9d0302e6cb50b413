"""The secret ballot closes into the committee's result step: quorum two thirds of the panel's members
(COMMITTEE_QUORUM_SHARE), pass at the plan's share of those present, bounds included; a recused expert neither
counts nor votes; the counts are the Decision row's integers, as typed counts are; the paper path stays."""

import pytest
from django.http import Http404

from applications import chain
from applications.chain_parts import Tally
from applications.models import Application
from experts import services
from experts.models import Assignment, Exclusion
from review.models import Decision
from tests.chain.support import filed, walk

from .test_draw import make

pytestmark = pytest.mark.django_db
S = Application.Status


@pytest.fixture(autouse=True)
def vacancies(org):
    org.quota.associate = 10
    org.quota.save()


def meeting(org, pool, size):
    for i in range(size - len(pool.experts)):
        pool.add(f"增补专家{i}")
    application = walk(org, filed(org), to="accepted")
    draw = make(org, size=size, reserves=0)
    members = list(Assignment.objects.filter(draw=draw).select_related("expert__person").order_by("position"))
    for assignment in members:
        services.commit(actor=assignment.expert.person, draw_id=draw.pk)
    return draw, application, members


def cast(draw, application, members, agree, disagree, abstain=0):
    choices = ["agree"] * agree + ["disagree"] * disagree + ["abstain"] * abstain
    for assignment, choice in zip(members, choices, strict=False):
        services.vote_cast(actor=assignment.expert.person, draw_id=draw.pk, application_id=application.pk,
                           choice=choice)


def result(application):
    return Decision.objects.filter(subject_type="application", subject_id=application.pk,
                                   stage="committee_result").first()


@pytest.mark.parametrize("agree, disagree, abstain, status", [(6, 3, 0, S.PASSED), (5, 3, 1, S.FAILED),
                                                              (5, 4, 0, S.FAILED), (9, 0, 0, S.PASSED)])
def test_the_pass_bound_of_two_thirds_of_those_present(org, pool, agree, disagree, abstain, status):
    draw, application, members = meeting(org, pool, 9)
    cast(draw, application, members, agree, disagree, abstain)
    outcome = services.ballot_close(actor=org.committee, draw_id=draw.pk)
    application.refresh_from_db()
    assert application.status == status
    row = result(application)
    assert (row.members, row.attending, row.agree, row.disagree, row.abstain) == (9, 9, agree, disagree, abstain)
    assert row.actor == org.committee and "网上表决" in row.opinion
    assert (outcome.passed, outcome.failed) == ((1, 0) if status == S.PASSED else (0, 1))


def test_the_quorum_bound_of_two_thirds_of_the_members(org, pool):
    draw, application, members = meeting(org, pool, 25)
    cast(draw, application, members, 12, 5)  # 17 of 25 present: valid; 12 of 17 ≥ 2/3
    services.ballot_close(actor=org.committee, draw_id=draw.pk)
    application.refresh_from_db()
    assert application.status == S.PASSED
    assert (result(application).members, result(application).attending) == (25, 17)


def test_sixteen_of_twenty_five_is_no_vote_and_the_paper_path_stays(org, pool):
    draw, application, members = meeting(org, pool, 25)
    cast(draw, application, members, 16, 0)
    outcome = services.ballot_close(actor=org.committee, draw_id=draw.pk)
    application.refresh_from_db()
    assert application.status == S.ACCEPTED and result(application) is None
    assert outcome.invalid == [(application.pk, "实到16人，不足应到人数的三分之二，表决无效。")]
    draw.refresh_from_db()
    assert draw.closed_at is not None
    chain.committee_result(actor=org.committee, pk=application.pk,
                           tally=Tally(members=25, attending=20, agree=15, disagree=5))
    application.refresh_from_db()
    assert application.status == S.PASSED


def test_a_recused_expert_neither_counts_nor_votes(org, pool):
    draw, application, members = meeting(org, pool, 10)
    Exclusion.objects.create(draw=draw, expert=members[0].expert, application=application,
                             ground=Exclusion.Ground.MENTOR, detail="硕士导师")
    with pytest.raises(Http404):
        services.vote_cast(actor=members[0].expert.person, draw_id=draw.pk, application_id=application.pk,
                           choice="agree")
    cast(draw, application, members[1:], 6, 3)
    services.ballot_close(actor=org.committee, draw_id=draw.pk)
    row = result(application)
    assert (row.members, row.attending, row.agree) == (9, 9, 6)


def test_closing_twice_is_refused(org, pool):
    draw, _application, _members = meeting(org, pool, 9)
    services.ballot_close(actor=org.committee, draw_id=draw.pk)
    with pytest.raises(services.ExpertError, match="表决已经结束。"):
        services.ballot_close(actor=org.committee, draw_id=draw.pk)
