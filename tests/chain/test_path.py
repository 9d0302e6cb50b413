"""The whole chain through the pages: unit clerk claims and recommends, department and bureau pass, the committee
office accepts and records the result, the bureau confirms, the applicant sees each step and the number."""

import pytest
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.models import Application
from tests.applications.support import login, page_messages, scan_upload
from tests.helpers import fetch_print

pytestmark = pytest.mark.django_db


def post(client, node, application, data, **files):
    return client.post(reverse("chain:review", args=[node, application.pk]), {**data, **files}, follow=True)


def test_the_full_path_to_a_certificate_number(world):
    client, a = world.client, world.application
    services.application_submit(actor=world.person, application=a)
    a.refresh_from_db()
    assert (a.status, a.stage) == ("submitted", "unit")

    login(client, world.clerk)
    page = client.get(reverse("chain:unit") + "?status=unclaimed").content.decode()
    assert "陈静" in page
    post(client, "unit", a, {"action": "claim"})
    a.refresh_from_db()
    assert a.claimed_by == world.clerk
    start, end = world.publicity
    response = post(client, "unit", a, {
        "action": "decide", "d-decision": "approve", "d-publicity_from": start.isoformat(),
        "d-publicity_to": end.isoformat(), "d-recommendation": "同意推荐。", "d-takes_vacancy": "yes",
    }, proof=scan_upload("公示证明.jpg"))
    assert response.status_code == 200, response.content.decode()[:500]
    a.refresh_from_db()
    assert (a.status, a.stage, a.vacancy_level) == ("submitted", "department", "associate"), page_messages(response)

    login(client, world.reviewer)
    post(client, "department", a, {"action": "claim"})
    post(client, "department", a, {"action": "decide", "d-decision": "approve", "d-opinion": "同意"})
    a.refresh_from_db()
    assert a.stage == "bureau"

    login(client, world.bureau)
    page = client.get(reverse("chain:review", args=["bureau", a.pk])).content.decode()
    assert 'data-testid="qualification-check"' in page
    post(client, "bureau", a, {"action": "claim"})
    post(client, "bureau", a, {"action": "decide", "d-decision": "approve", "d-opinion": "资格审查通过"})
    a.refresh_from_db()
    assert a.stage == "committee_accept"

    login(client, world.committee)
    today = timezone.localdate()
    post(client, "committee", a, {"action": "accept", "a-accepted_on": today.isoformat()})
    a.refresh_from_db()
    assert a.status == "accepted" and a.committee_accepted_at == today
    post(client, "committee", a, {"action": "result", "r-members": "9", "r-attending": "9", "r-agree": "6",
                                  "r-disagree": "2", "r-abstain": "1"})
    a.refresh_from_db()
    assert a.status == "passed"

    login(client, world.bureau)
    post(client, "bureau", a, {"action": "confirm"})
    a.refresh_from_db()
    assert a.status == "confirmed" and a.certificate_no.endswith("00001")

    login(client, world.person)
    page = client.get(reverse("applications:detail", args=[a.pk])).content.decode()
    assert a.certificate_no in page
    for label in ("领取", "通过", "评委会接收", "评审通过", "确认发证"):
        assert label in page
    for kind in ("brief.pdf", "review.pdf", "review.xlsx"):
        assert fetch_print(client, reverse("applications:print", args=[a.pk, kind])).status_code == 200
    assert Application.objects.get(pk=a.pk).certificate_no == a.certificate_no
