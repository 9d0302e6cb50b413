"""List pages, case lists and review pages cost the same number of queries for few or many rows."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from dossier import services

from .support import add_cases, add_references, login, make_review, make_topic


def queries(client, url: str) -> int:
    client.get(url)  # the first request after logging in also saves the session
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _topics(owner, numbers, *, cases=lambda i: 2 + i % 3, submit: bool = False):
    for i in numbers:
        topic = make_topic(owner, cases=cases(i), name=f"专题{i}")
        if submit:
            services.record_submit(actor=owner, record=topic)


def test_the_topic_list_costs_the_same_for_3_or_20_records(nurse_client, nurse):
    _topics(nurse, range(3))
    few = queries(nurse_client, "/dossier/k/health_topic/")
    _topics(nurse, range(3, 20))
    assert queries(nurse_client, "/dossier/k/health_topic/") == few
    assert queries(nurse_client, "/dossier/k/health_topic/?page=2") == few


def test_the_unit_topic_list_costs_the_same_for_3_or_20_records(client, nurse, admin):
    login(client, admin)
    _topics(nurse, range(3), cases=lambda i: 10 + i, submit=True)
    few = queries(client, "/unit/records/k/health_topic/")
    _topics(nurse, range(3, 20), cases=lambda i: 10 + i, submit=True)
    assert queries(client, "/unit/records/k/health_topic/") == few


def test_a_case_list_page_costs_the_same_for_3_or_30_cases(nurse_client, nurse):
    topic = make_topic(nurse, cases=3)
    url = f"/dossier/r/{topic.pk}/items/cases/"
    few = queries(nurse_client, url)
    add_cases(nurse, topic, 27, start=4)
    assert queries(nurse_client, url) == few


def test_the_drawer_and_the_review_page_cost_the_same_for_few_or_many_references(client, nurse, admin):
    review = make_review(nurse, references=3)
    login(client, nurse)
    few = queries(client, f"/dossier/r/{review.pk}/")
    add_references(nurse, review, 17, start=4)
    assert queries(client, f"/dossier/r/{review.pk}/") == few

    services.record_submit(actor=nurse, record=review)
    login(client, admin)
    few = queries(client, f"/unit/records/r/{review.pk}/")
    add_references(nurse, review, 10, start=21)  # an 调整 after submission
    assert queries(client, f"/unit/records/r/{review.pk}/") == few
