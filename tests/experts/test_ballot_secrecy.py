"""The secret ballot's secrecy and its races (issue 21 item 5): two experts voting at the same instant both count
(on PostgreSQL as on SQLite), one expert's double click counts once, and nothing links a vote to its voter — not
the Vote table (no voter, no time, no sequence), not the flow log, not the logs, not the admin, not the office's
draw page, which names who has voted and never how."""

import logging
import uuid

import pytest
from django.contrib import admin
from django.db import models
from django.urls import reverse

from applications.models import Application
from core.models import FlowEntry
from experts import services
from experts.models import BallotMark, Vote
from tests.chain.support import filed, race
from tests.helpers import sign_in

from .conftest import GROUP, meeting_day

pytestmark = pytest.mark.django_db(transaction=True)
S = Application.Status
CHOICES = {"agree": "同意", "disagree": "不同意", "abstain": "弃权"}


@pytest.fixture
def meeting(org, pool):
    """A panel of nine for one application waiting for the committee's result, every member committed."""
    application = filed(org, status=S.ACCEPTED, name="钱程")
    draw = services.draw_make(actor=org.committee, plan_id=org.plan.pk, group=GROUP, size=9, reserves=0,
                              meeting_on=meeting_day())
    members = [a.expert.person for a in draw.assignments.order_by("position")]
    for person in members:
        services.commit(actor=person, draw_id=draw.pk)
    return draw, application, members


def vote(draw, application, person, choice):
    return services.vote_cast(actor=person, draw_id=draw.pk, application_id=application.pk, choice=choice)


def test_two_experts_voting_at_the_same_instant_both_count(meeting):
    draw, application, members = meeting
    for first, second in zip(members[0::2], members[1::2], strict=False):
        outcomes = race([lambda p=first: vote(draw, application, p, "agree"),
                         lambda p=second: vote(draw, application, p, "disagree")])
        assert not any(isinstance(o, Exception) for o in outcomes), outcomes
    voted = len(members) // 2 * 2
    assert BallotMark.objects.filter(draw=draw, application=application).count() == voted
    assert Vote.objects.filter(draw=draw, application=application).count() == voted
    assert Vote.objects.filter(draw=draw, choice="agree").count() == voted // 2


def test_one_experts_double_click_counts_once(meeting):
    draw, application, members = meeting
    outcomes = race([lambda: vote(draw, application, members[0], "agree"),
                     lambda: vote(draw, application, members[0], "disagree")])
    refused = [o for o in outcomes if isinstance(o, services.ExpertError)]
    assert len(refused) == 1 and "不能重复投票" in str(refused[0]), outcomes
    assert BallotMark.objects.filter(draw=draw, application=application).count() == 1
    assert Vote.objects.filter(draw=draw, application=application).count() == 1


def test_a_vote_row_holds_nothing_that_leads_to_its_voter():
    fields = {f.name: f for f in Vote._meta.get_fields()}
    assert set(fields) == {"id", "draw", "application", "choice"}
    assert isinstance(fields["id"], models.UUIDField) and fields["id"].default is uuid.uuid4  # no sequence
    assert not any(isinstance(f, models.DateField | models.DateTimeField) for f in fields.values())
    related = {f.related_model._meta.label for f in fields.values() if f.is_relation}
    assert related == {"experts.Draw", "applications.Application"}  # neither the expert nor the person
    assert Vote._meta.ordering in ([], None) and not Vote._meta.indexes
    assert not admin.site.is_registered(Vote)


def test_voting_writes_no_flow_and_logs_no_choice(meeting, caplog):
    draw, application, members = meeting
    flow_before = FlowEntry.objects.count()
    with caplog.at_level(logging.DEBUG):
        for person, choice in zip(members, ["agree", "disagree", "abstain"] * 3, strict=True):
            vote(draw, application, person, choice)
    assert FlowEntry.objects.count() == flow_before
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for person in members:
        assert person.name not in logged and person.username not in logged


def test_the_office_sees_who_voted_never_how(org, meeting, client):
    draw, application, members = meeting
    sign_in(client, org.committee)
    url = reverse("experts:draw", args=[draw.pk])
    before = client.get(url).content.decode()
    for person in members[:6]:
        vote(draw, application, person, "disagree")
    after = client.get(url).content.decode()

    for label in CHOICES.values():  # the choices' words appear exactly as often as before anyone voted
        assert after.count(label) == before.count(label), label
    # 应到 9, 已评分 0, 已投票 6: the counts
    assert "<td>9</td><td>0</td><td>0</td>" in before and "<td>9</td><td>0</td><td>6</td>" in after
