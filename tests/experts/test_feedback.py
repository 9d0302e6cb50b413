"""Anonymised feedback to a failing applicant (opinions without names in random order, or the office's
summary, or off) and the expert's record of service with its PDF certificate."""

import pytest
from django.urls import reverse

from experts import services
from experts.models import Feedback, Score
from tests.applications.support import login

from .test_ballot import cast, meeting

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def vacancies(org):
    org.quota.associate = 10
    org.quota.save()


def failed_meeting(org, pool):
    draw, application, members = meeting(org, pool, 9)
    for i, assignment in enumerate(members):
        services.score_save(actor=assignment.expert.person, draw_id=draw.pk, application_id=application.pk,
                            points={"achievement": 20}, opinion=f"意见{i}")
    cast(draw, application, members, 3, 6)
    services.ballot_close(actor=org.committee, draw_id=draw.pk)
    return draw, application, members


def test_the_failing_applicant_reads_the_opinions_without_names(org, pool, client):
    draw, application, members = failed_meeting(org, pool)
    login(client, org.committee)
    client.post(reverse("experts:feedback_release", args=[draw.pk, application.pk]))
    feedback = Feedback.objects.get(application=application)
    assert sorted(feedback.opinions) == sorted(f"意见{i}" for i in range(9))
    login(client, application.applicant)
    page = client.get(reverse("experts:feedback")).content.decode()
    assert all(f"意见{i}" in page for i in range(9))
    assert not any(m.expert.person.name in page for m in members)
    login(client, members[0].expert.person)
    assert "意见0" not in client.get(reverse("experts:feedback")).content.decode()


def test_feedback_waits_for_the_close_and_a_failure(org, pool):
    draw, application, members = meeting(org, pool, 9)
    with pytest.raises(services.ExpertError, match="表决结束后才能发布评审意见。"):
        services.feedback_release(actor=org.committee, draw_id=draw.pk, application_id=application.pk)
    cast(draw, application, members, 9, 0)
    services.ballot_close(actor=org.committee, draw_id=draw.pk)
    with pytest.raises(services.ExpertError, match="只向未通过评审的申报人反馈评审意见。"):
        services.feedback_release(actor=org.committee, draw_id=draw.pk, application_id=application.pk)


def test_a_summary_or_nothing_as_configured(org, pool, settings):
    draw, application, _members = failed_meeting(org, pool)
    settings.EXPERT_FEEDBACK = "summary"
    with pytest.raises(services.ExpertError, match="请填写反馈给申报人的意见摘要。"):
        services.feedback_release(actor=org.committee, draw_id=draw.pk, application_id=application.pk)
    feedback = services.feedback_release(actor=org.committee, draw_id=draw.pk, application_id=application.pk,
                                         summary="业绩积累不足")
    assert feedback.summary == "业绩积累不足" and feedback.opinions == []
    settings.EXPERT_FEEDBACK = "off"
    with pytest.raises(services.ExpertError, match="未开启"):
        services.feedback_release(actor=org.committee, draw_id=draw.pk, application_id=application.pk)


def test_the_record_of_service_and_its_certificate(org, pool, client):
    _draw, _application, members = failed_meeting(org, pool)
    expert = members[0].expert.person
    assert services.service_record(expert)[0]["reviewed"] == 1
    login(client, expert)
    page = client.get(reverse("experts:service")).content.decode()
    assert org.plan.committee.name in page
    response = client.get(reverse("experts:service_certificate"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    login(client, org.clerk)
    assert client.get(reverse("experts:service")).status_code == 404
    assert Score.objects.count() == 9
