"""The lists' page size (每页 10/20/50/100 条): chosen in the footer, kept in the querystring with the search,
the tab and the page links, bounded by the server (any other value is the list's own size, never a 500), on the
unit's keyset-paged review list as on the applicant's numbered one; the number of queries does not grow with it."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.paging import per_page
from tests.factories import PASSWORD
from tests.helpers import log_in

from .support import make_record, row_ids

pytestmark = pytest.mark.django_db
REVIEW = reverse("review:records", args=["research_project"])
OWN = "/dossier/k/research_project/"


@pytest.mark.parametrize(("asked", "size"), [
    ("", 10), ("10", 10), ("20", 20), ("50", 50), ("100", 100),
    ("30", 10), ("1000000", 10), ("-20", 10), ("0", 10), ("abc", 10), ("２０", 10), ("20 ", 10), ("1e2", 10),
])
def test_only_the_offered_sizes_are_taken(asked, size):
    assert per_page(RequestFactory().get("/", {"per_page": asked})) == size
    assert per_page(RequestFactory().get("/", {"per_page": asked}), 50) == (size if asked in {"10", "20", "100"} else 50)


@pytest.fixture
def records(owner_a):
    made = []
    for i in range(25):
        with time_machine.travel(datetime.datetime(2026, 3, 1, 8, tzinfo=datetime.UTC) + datetime.timedelta(hours=i),
                                 tick=False):
            made.append(make_record(owner_a, title=f"项目{i:02d}"))
    return [r.pk for r in reversed(made)]  # newest first


def link(html: str, text: str) -> str:
    return re.search(rf'href="(\?[^"]*)">{text}', html).group(1).replace("&amp;", "&")


def test_the_review_list_pages_by_the_size_chosen_and_its_links_keep_it(client, admin_a, records, captcha_off):
    log_in(client, admin_a.username, PASSWORD)

    first = client.get(REVIEW, {"per_page": "20", "status": "pending"}).content.decode()
    assert row_ids(first) == records[:20]
    assert '<option value="20" selected>20条/页</option>' in first
    after = link(first, "下一页")
    assert "per_page=20" in after and "status=pending" in after
    second = client.get(REVIEW + after).content.decode()
    assert row_ids(second) == records[20:]
    numbers = re.findall(r'<tr data-record="\d+">\s*<td>.*?</td>\s*<td>(\d+)</td>', second, re.S)
    assert numbers == ["21", "22", "23", "24", "25"]  # 序号 runs on at the chosen size
    back = client.get(REVIEW + link(second, "上一页")).content.decode()
    assert row_ids(back) == records[:20]

    # The tabs and the search keep the size, and start from the first page.
    tab = re.search(r'href="(\?[^"]*)" data-tab="all"', second).group(1).replace("&amp;", "&")
    assert "per_page=20" in tab and "after=" not in tab and "p=" not in tab
    assert '<input type="hidden" name="per_page" value="20">' in second
    # The size picker keeps the filters and drops the cursor.
    picker = second[second.index('data-testid="page-size"'):]
    picker = picker[:picker.index("</form>")]
    assert '<input type="hidden" name="status" value="pending">' in picker
    assert 'name="after"' not in picker and 'name="p"' not in picker and 'type="hidden" name="per_page"' not in picker


@pytest.mark.parametrize("asked", ["1000000", "abc", "-1", "0", "%00"])
def test_a_size_not_offered_gives_the_lists_own_and_never_fails(client, admin_a, owner_a, records, asked, captcha_off):
    log_in(client, admin_a.username, PASSWORD)
    response = client.get(REVIEW + f"?per_page={asked}")
    assert response.status_code in (200, 400)  # a control character is refused by the request guard
    if response.status_code == 200:
        assert row_ids(response.content.decode()) == records[:10]

    client.logout()
    log_in(client, owner_a.username, PASSWORD)
    response = client.get(OWN + f"?per_page={asked}")
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert len(row_ids(response.content.decode())) == 10


def test_the_applicants_numbered_list_keeps_the_size_in_its_page_links(client, owner_a, records, captcha_off):
    log_in(client, owner_a.username, PASSWORD)

    first = client.get(OWN, {"per_page": "20", "q": "项目"}).content.decode()
    assert len(row_ids(first)) == 20 and "1 / 2" in first
    following = link(first, "下一页")
    assert dict(part.split("=") for part in following[1:].split("&")) == {"per_page": "20", "q": "%E9%A1%B9%E7%9B%AE",
                                                                          "page": "2"}
    second = client.get(OWN + following).content.decode()
    assert len(row_ids(second)) == 5 and "2 / 2" in second
    assert "<td>21</td>" in second


def test_a_bigger_page_costs_no_more_queries(client, admin_a, owner_a, records, captcha_off):
    def queries(url) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    log_in(client, admin_a.username, PASSWORD)
    assert queries(REVIEW + "?per_page=10") == queries(REVIEW + "?per_page=100")
    client.logout()
    log_in(client, owner_a.username, PASSWORD)
    assert queries(OWN + "?per_page=10") == queries(OWN + "?per_page=100")
