"""The unit's pages cost the same number of queries whatever the number of rows (no query per row)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dossier.models import Status
from dossier.services import withdrawal_request
from tests.factories import PersonFactory

from .support import login, make_record

pytestmark = pytest.mark.django_db


def _fill(unit, admin, n: int) -> None:
    """n pending research projects and n pending withdrawals, each by a different person."""
    for i in range(n):
        person = PersonFactory(unit=unit)
        make_record(person, "research_project", title=f"项目{i}")
        approved = make_record(person, "paper", status=Status.APPROVED, admin=admin, title=f"论文{i}")
        withdrawal_request(actor=person, record=approved, reason="修改")


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", [
    reverse("review:records", args=["research_project"]),
    reverse("review:records", args=["research_project"]) + "?status=pending",
    reverse("review:records", args=["paper"]) + "?q=论文",
    reverse("review:tasks"),
    reverse("review:withdrawals"),
    reverse("review:unit_home"),
])
def test_the_page_uses_a_constant_number_of_queries(client, unit_a, unit_b, admin_a, admin_b, url):
    _fill(unit_a, admin_a, 3)
    _fill(unit_b, admin_b, 30)
    login(client, admin_a)
    client.get(url)  # warm caches that are not per request (content types, catalogue)
    few = _queries(client, url)
    login(client, admin_b)
    client.get(url)

    many = _queries(client, url)

    assert many == few, f"{few} queries for 3 rows, {many} for 30"


def test_the_task_centre_shows_all_thirty_items(client, unit_b, admin_b):
    _fill(unit_b, admin_b, 30)

    html = login(client, admin_b).get(reverse("review:tasks")).content.decode()

    assert 'data-testid="task-count">60<' in html


def test_a_later_page_of_the_queue_costs_the_queries_of_the_first(client, unit_b, admin_b):
    """Keyset pages: 下一页 and 上一页 read as many queries as page 1, however far into the queue."""
    _fill(unit_b, admin_b, 30)
    login(client, admin_b)
    url = reverse("review:records", args=["research_project"])
    client.get(url)
    first = _queries(client, url)
    html = client.get(url).content.decode()
    counts = []
    for _ in range(2):
        link = re.search(r'href="(\?[^"]*after=[^"]*)">下一页', html)[1].replace("&amp;", "&")
        counts.append(_queries(client, url + link))
        html = client.get(url + link).content.decode()
    back = re.search(r'href="(\?[^"]*before=[^"]*)">上一页', html)[1].replace("&amp;", "&")

    assert counts == [first, first] and _queries(client, url + back) == first
