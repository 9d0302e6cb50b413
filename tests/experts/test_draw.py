"""The draw: repeatable from its seed and pool snapshot, reserves replace decliners, the 7-day rule."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from experts import draws, services
from experts.models import Assignment
from tests.applications.support import login
from tests.chain.support import filed, walk

from .conftest import GROUP, meeting_day

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def vacancies(org):
    org.quota.associate = 10
    org.quota.save()


def make(org, **kwargs):
    values = {"plan_id": org.plan.pk, "group": GROUP, "size": 5, "reserves": 2, "meeting_on": meeting_day()}
    return services.draw_make(actor=org.committee, **{**values, **kwargs})


def test_the_same_seed_and_pool_give_the_same_panel(org, pool):
    draw = make(org)
    members = list(Assignment.objects.filter(draw=draw, reserve=False).order_by("position")
                   .values_list("expert_id", flat=True))
    reserves = list(Assignment.objects.filter(draw=draw, reserve=True).order_by("position")
                    .values_list("expert_id", flat=True))
    assert draws.repeat(seed=draw.seed, snapshot=draw.snapshot, size=5, reserves=2) == (members, reserves)
    assert [e["id"] for e in draw.snapshot] == sorted(e.pk for e in pool.experts)
    again = make(org, seed=draw.seed)
    assert list(Assignment.objects.filter(draw=again).order_by("position").values_list("expert_id", flat=True)) \
        == members + reserves
    other = make(org, seed=draw.seed + 1)
    assert list(Assignment.objects.filter(draw=other).order_by("position")
                .values_list("expert_id", flat=True)) != members + reserves


def test_too_small_a_pool_is_refused(org, pool):
    with pytest.raises(services.ExpertError, match="在聘的在库专家只有9人，不足评审组人数10人"):
        make(org, size=10)


def test_reserves_replace_decliners_in_order(org, pool):
    draw = make(org)
    first = Assignment.objects.filter(draw=draw, reserve=False).order_by("position").first()
    reserves = list(Assignment.objects.filter(draw=draw, reserve=True).order_by("position"))
    with pytest.raises(services.ExpertError, match="请填写专家谢绝的原因。"):
        services.assignment_decline(actor=org.committee, assignment_id=first.pk, reason=" ")
    taken = services.assignment_decline(actor=org.committee, assignment_id=first.pk, reason="出差")
    assert taken.pk == reserves[0].pk and not taken.reserve and taken.replaces_id == first.pk
    first.refresh_from_db()
    assert first.declined_reason == "出差" and not first.serving
    assert Assignment.objects.filter(draw=draw, reserve=False, declined_at=None).count() == 5


def test_the_page_warns_when_the_draw_is_later_than_seven_days_before_the_meeting(org, pool, client):
    login(client, org.committee)
    on_time = make(org, meeting_on=timezone.localdate() + datetime.timedelta(days=7))
    late = make(org, meeting_on=timezone.localdate() + datetime.timedelta(days=6))
    assert not services.late(on_time) and services.late(late)
    assert "本次抽取距评审会不足7天" not in client.get(reverse("experts:draw", args=[on_time.pk])).content.decode()
    assert "本次抽取距评审会不足7天" in client.get(reverse("experts:draw", args=[late.pk])).content.decode()


def test_the_draw_page_draws_over_the_plans_accepted_applications(org, pool, client):
    accepted = walk(org, filed(org), to="accepted")
    filed(org, name="未接收")  # still at the unit: not in the meeting
    login(client, org.committee)
    response = client.post(reverse("experts:draws"), {"plan": org.plan.pk, "group": GROUP, "size": 5,
                                                      "reserves": 1, "meeting_on": meeting_day().isoformat()})
    assert response.status_code == 302
    draw = org.plan.draws.get()
    assert draw.application_ids == [accepted.pk]
    page = client.get(response.url).content.decode()
    assert str(draw.seed) in page and "候补" in page


def test_the_draw_form_names_bad_fields(org, pool, client):
    login(client, org.committee)
    response = client.post(reverse("experts:draws"), {"plan": org.plan.pk, "group": "", "size": 0,
                                                      "reserves": 1, "meeting_on": "x"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "请填写学科组。" in page and "评审组至少1人。" in page and "请输入正确的日期。" in page


def test_an_application_is_before_one_open_panel_at_a_time(org, pool):
    first = walk(org, filed(org), to="accepted")
    draw = make(org)
    second = walk(org, filed(org, name="王强"), to="accepted")
    assert make(org).application_ids == [second.pk]
    assert draw.application_ids == [first.pk]
    services.ballot_close(actor=org.committee, draw_id=draw.pk)  # nobody voted: it waits for the counts
    assert make(org).application_ids == [first.pk]
