"""The menu's (total/approved), the 我的业绩 donuts, status tabs, search, pagination — and a constant number of
queries whatever the number of records."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dossier import services
from dossier.catalogue import catalogue
from dossier.models import Status
from review import services as review_services

from .support import generic_kind_keys, json_script, login, make_record, menu_counts, row_ids, tab_counts

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier(owner, admin, stranger):
    """honour: 2 approved, 1 pending, 1 returned, 1 draft; patent: 1 terminated, 1 draft; paper: 1 approved;
    plus another applicant's records, which count for nobody here."""
    for status in (Status.APPROVED, Status.APPROVED, Status.PENDING, Status.RETURNED, Status.DRAFT):
        make_record(owner, "honour", status=status, admin=admin)
    for status in (Status.TERMINATED, Status.DRAFT):
        make_record(owner, "patent", status=status, admin=admin)
    make_record(owner, "paper", status=Status.APPROVED, admin=admin)
    make_record(stranger, "honour", status=Status.APPROVED, admin=admin)
    make_record(stranger, "aid", status=Status.PENDING, admin=admin)


def test_the_menu_shows_total_and_approved_per_kind(client, owner, dossier):
    login(client, owner)
    for url in ("/dossier/", "/dossier/k/honour/", "/dossier/k/honour/new/", "/dossier/withdrawals/"):
        counts = menu_counts(client.get(url).content.decode())
        assert counts["honour"] == "(5/2)", url
        assert counts["patent"] == "(2/0)" and counts["paper"] == "(1/1)" and counts["aid"] == "(0/0)"
        assert set(generic_kind_keys()) <= set(counts)


def test_the_donuts_show_live_counts_per_category(client, owner, admin, dossier):
    login(client, owner)
    html = client.get("/dossier/").content.decode()
    assert json_script(html, "donut-labels") == ["全部", "审核中", "通过", "终止", "退回", "编辑中"]
    charts = {c["key"]: c["values"] for c in json_script(html, "donut-data")}
    # The ring's parts add up to the total: a record still 编辑中 has its own part and legend entry.
    assert charts["honours"] == [5, 1, 2, 0, 1, 1]      # 表彰考核: honour
    assert charts["ability"] == [2, 0, 0, 1, 0, 1]      # 能力条件: patent
    assert charts["papers"] == [1, 0, 1, 0, 0, 0]       # 论文著作科研: paper
    assert charts["aid"] == [0, 0, 0, 0, 0, 0]
    assert all(values[0] == sum(values[1:]) for values in charts.values())
    assert [c["label"] for c in json_script(html, "donut-data")][:2] == ["基本信息", "表彰考核"]

    # Live: one more decision shows at once.
    pending = make_record(owner, "honour", status=Status.PENDING)
    review_services.record_decide(actor=admin, record=pending, decision="terminate")
    charts = {c["key"]: c["values"] for c in json_script(client.get("/dossier/").content.decode(), "donut-data")}
    assert charts["honours"] == [6, 1, 2, 1, 1, 1]


def test_the_status_tabs_count_each_status_and_filter_the_rows(client, owner, dossier):
    login(client, owner)
    page = client.get("/dossier/k/honour/").content.decode()
    assert tab_counts(page) == {"all": 5, "pending": 1, "approved": 2, "returned": 1}
    assert "全部(5)" in page and "审核中(1)" in page and "审核通过(2)" in page and "退回(1)" in page
    assert len(row_ids(page)) == 5
    approved = client.get("/dossier/k/honour/", {"status": "approved"}).content.decode()
    assert len(row_ids(approved)) == 2 and "共 2 条" in approved
    assert len(row_ids(client.get("/dossier/k/honour/", {"status": "returned"}).content.decode())) == 1


def test_the_list_searches_the_kinds_search_fields_and_says_which(client, owner):
    honour = catalogue().kind("honour")
    first = make_record(owner, "honour", seed="青年岗位能手")   # name 青年岗位能手表彰奖励名称, grantor 青年岗位能手授予单位
    second = make_record(owner, "honour", seed="优秀医师")
    login(client, owner)
    page = client.get("/dossier/k/honour/").content.decode()
    assert f'placeholder="请输入{honour.field("name").label}/{honour.field("grantor").label}"' in page
    assert 'placeholder="请输入表彰奖励名称/授予单位"' in page

    def found(q, **extra):
        return row_ids(client.get("/dossier/k/honour/", {"q": q, **extra}).content.decode())

    assert found("青年岗位") == [first.pk]
    assert found("优秀医师授予单位") == [second.pk]           # the second search field
    assert sorted(found("表彰奖励名称")) == sorted([first.pk, second.pk])
    assert found("省部级") == []                              # 奖励级别 is not a search field
    assert found("青年岗位", status="approved") == []
    assert "共 1 条" in client.get("/dossier/k/honour/", {"q": "青年岗位"}).content.decode()


def test_the_list_pages_ten_rows_at_a_time(client, owner):
    for i in range(23):
        make_record(owner, "work_experience", seed=f"单位{i:02d}", evidence=False)
    login(client, owner)
    first = client.get("/dossier/k/work_experience/").content.decode()
    assert "共 23 条" in first and '<option value="10" selected>10条/页</option>' in first and "1 / 3" in first
    assert len(row_ids(first)) == 10
    third = client.get("/dossier/k/work_experience/", {"page": 3}).content.decode()
    assert len(row_ids(third)) == 3
    assert "<td>21</td>" in third  # 序号 runs on across pages
    all_ids = set()
    for page in (1, 2, 3):
        all_ids |= set(row_ids(client.get("/dossier/k/work_experience/", {"page": page}).content.decode()))
    assert len(all_ids) == 23


def _queries(client, url) -> list[str]:
    client.get(url)  # warm up: the first request of a session writes its last-seen time
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries]


def test_the_list_and_home_pages_use_a_constant_number_of_queries(client, owner, admin):
    statuses = [Status.APPROVED, Status.PENDING, Status.DRAFT]

    def fill(kind_key, n):
        for i in range(n):
            record = make_record(owner, kind_key, status=statuses[i % 3], admin=admin, seed=f"{kind_key}{i}")
            if record.status == Status.APPROVED:
                services.withdrawal_request(actor=owner, record=record)  # rows for 撤回记录 too

    urls = ["/dossier/", "/dossier/k/honour/", "/dossier/k/honour/?status=approved", "/dossier/k/honour/?q=表彰",
            "/dossier/k/honour/?page=2", "/dossier/withdrawals/"]
    login(client, owner)
    fill("honour", 3)
    few = {url: _queries(client, url) for url in urls}
    fill("honour", 12)  # 15 honours: two pages
    for kind_key in ("patent", "paper", "work_experience", "book", "aid"):
        fill(kind_key, 3)  # 30 records of six types in all
    many = {url: _queries(client, url) for url in urls}
    assert {url: len(q) for url, q in many.items()} == {url: len(q) for url, q in few.items()}, many
