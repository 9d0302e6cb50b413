"""The expert console: only the open meetings an expert serves on, only after 承诺, never a recused application,
nothing once the meeting closes (404); scoring against the series' criteria; one vote per application."""

import pytest
from django.urls import reverse

from experts import services
from experts.models import Assignment, BallotMark, Exclusion, Score, Vote
from tests.applications.support import login
from tests.chain.support import filed, walk
from tests.factories import PersonFactory

from .test_draw import make

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def vacancies(org):
    org.quota.associate = 10
    org.quota.save()


@pytest.fixture
def meeting(org, pool):
    applications = [walk(org, filed(org, name=f"申报人{i}"), to="accepted") for i in range(2)]
    draw = make(org, size=5, reserves=2)
    members = list(Assignment.objects.filter(draw=draw, reserve=False).select_related("expert__person"))
    reserve = Assignment.objects.filter(draw=draw, reserve=True).select_related("expert__person").first()
    return draw, applications, members, reserve


def urls(draw, application):
    return [reverse("experts:review", args=[draw.pk, application.pk]),
            reverse("experts:review_print", args=[draw.pk, application.pk, "brief.pdf"])]


def test_nothing_opens_before_the_commitment(org, meeting, client):
    draw, applications, members, _ = meeting
    login(client, members[0].expert.person)
    page = client.get(reverse("experts:meeting", args=[draw.pk])).content.decode()
    assert "签署承诺并进入评审" in page and "申报人0" not in page
    assert all(client.get(url).status_code == 404 for url in urls(draw, applications[0]))
    response = client.post(reverse("experts:meeting", args=[draw.pk]), {})
    assert "请勾选承诺后再进入评审。" in response.content.decode()
    client.post(reverse("experts:meeting", args=[draw.pk]), {"agree": "on"})
    assert Assignment.objects.get(pk=members[0].pk).committed_at is not None
    page = client.get(reverse("experts:meeting", args=[draw.pk])).content.decode()
    assert "申报人0" in page and "申报人1" in page
    assert client.get(urls(draw, applications[0])[0]).status_code == 200


def test_scope_by_role(org, meeting, client):
    """A reserve, an expert of no panel, a recused member, other roles, and everyone after the close: 404."""
    draw, applications, members, reserve = meeting
    for assignment in members:
        services.commit(actor=assignment.expert.person, draw_id=draw.pk)
    Exclusion.objects.create(draw=draw, expert=members[1].expert, application=applications[0],
                             ground=Exclusion.Ground.KIN, detail="亲属")
    outsider = PersonFactory(name="库外专家")
    cases = {"reserve": (reserve.expert.person, 404), "outsider": (outsider, 404),
             "recused": (members[1].expert.person, 404), "member": (members[0].expert.person, 200),
             "unit admin": (org.clerk, 404), "committee office": (org.committee, 404)}
    for name, (user, status) in cases.items():
        login(client, user)
        assert client.get(urls(draw, applications[0])[0]).status_code == status, name
        assert client.get(reverse("experts:meeting", args=[draw.pk])).status_code == (
            200 if name in ("member", "recused") else 404), name
    login(client, members[1].expert.person)
    assert client.get(urls(draw, applications[1])[0]).status_code == 200
    assert "申报人0" not in client.get(reverse("experts:meeting", args=[draw.pk])).content.decode()
    services.ballot_close(actor=org.committee, draw_id=draw.pk)
    login(client, members[0].expert.person)
    for url in (*urls(draw, applications[0]), reverse("experts:meeting", args=[draw.pk])):
        assert client.get(url).status_code == 404


def test_the_scoring_sheet_follows_the_series_criteria(org, meeting, client):
    draw, applications, members, _ = meeting
    expert = members[0].expert.person
    services.commit(actor=expert, draw_id=draw.pk)
    login(client, expert)
    url = urls(draw, applications[0])[0]
    page = client.get(url).content.decode()
    assert "业绩（满分40）" in page and "答辩（满分10）" in page
    bad = client.post(url, {"action": "score", "s-c_achievement": 41, "s-c_ability": "", "s-c_papers": 10,
                            "s-c_defence": 5, "s-opinion": ""}).content.decode()
    assert "“业绩”最高40分。" in bad and "请为“能力”打分。" in bad and "请填写评审意见。" in bad
    assert not Score.objects.exists()
    client.post(url, {"action": "score", "s-c_achievement": 35, "s-c_ability": 25, "s-c_papers": 15,
                      "s-c_defence": 8, "s-opinion": "业绩突出"})
    score = Score.objects.get()
    assert score.points == {"achievement": 35, "ability": 25, "papers": 15, "defence": 8}
    assert score.opinion == "业绩突出"


def test_one_vote_per_expert_and_application(org, meeting, client):
    draw, applications, members, _ = meeting
    expert = members[0].expert.person
    services.commit(actor=expert, draw_id=draw.pk)
    login(client, expert)
    url = urls(draw, applications[0])[0]
    assert "请选择同意、不同意或弃权。" in client.post(url, {"action": "vote"}).content.decode()
    client.post(url, {"action": "vote", "choice": "agree"})
    with pytest.raises(services.ExpertError, match="您已对该申报表决，不能重复投票。"):
        services.vote_cast(actor=expert, draw_id=draw.pk, application_id=applications[0].pk, choice="disagree")
    assert list(Vote.objects.values_list("choice", flat=True)) == ["agree"]
    assert BallotMark.objects.count() == 1


def test_an_expert_may_step_aside(org, meeting, client):
    draw, applications, members, _ = meeting
    expert = members[0].expert.person
    services.commit(actor=expert, draw_id=draw.pk)
    login(client, expert)
    url = urls(draw, applications[0])[0]
    client.post(url, {"action": "aside", "reason": "曾为其论文合作者"})
    exclusion = Exclusion.objects.get(expert=members[0].expert)
    assert exclusion.ground == Exclusion.Ground.DECLARED and exclusion.detail == "曾为其论文合作者"
    assert client.get(url).status_code == 404
