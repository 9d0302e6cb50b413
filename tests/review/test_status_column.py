"""审核状态 stands right after 序号 in the applicant's record list and the unit's review list, as the provincial
manuals show it; the status badge is in that cell of every row."""

import re

import pytest
from django.urls import reverse

from tests.factories import PASSWORD
from tests.helpers import log_in

from .support import make_record

pytestmark = pytest.mark.django_db


def headers(html: str) -> list[str]:
    return re.findall(r"<th>([^<]*)</th>", html[html.index("<thead>"):html.index("</thead>")])


def cells(html: str, pk: int) -> list[str]:
    row = re.search(rf'<tr data-record="{pk}">(.*?)</tr>', html, re.S).group(1)
    return [cell.strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def test_the_applicants_list_puts_the_status_after_the_number(client, owner_a, captcha_off):
    record = make_record(owner_a, title="护理质量研究")
    log_in(client, owner_a.username, PASSWORD)

    html = client.get("/dossier/k/research_project/").content.decode()

    assert headers(html)[:2] == ["序号", "审核状态"]
    assert headers(html)[-2:] == ["申报日期", "操作"]
    first, second = cells(html, record.pk)[:2]
    assert first == "1"
    assert second == '<span class="badge zc-status-pending">审核中</span>'


def test_the_units_review_list_puts_the_status_after_the_number(client, owner_a, admin_a, captcha_off):
    record = make_record(owner_a, title="护理质量研究")
    log_in(client, admin_a.username, PASSWORD)

    html = client.get(reverse("review:records", args=["research_project"])).content.decode()

    assert headers(html)[:3] == ["序号", "审核状态", "申报人"]
    assert headers(html)[-2:] == ["申报日期", "操作"]
    row = cells(html, record.pk)
    assert row[1:4] == ["1", '<span class="badge zc-status-pending">审核中</span>', owner_a.name]
