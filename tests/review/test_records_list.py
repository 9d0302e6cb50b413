"""业绩档案: the unit's list of one record type, with 申报人, search, tabs with counts, pages and the menu's
(total/approved) counts. Parametrised over the catalogue: every type works through the same page."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from psycopg import sql as pg

from dossier.catalogue import catalogue
from dossier.models import Status
from review.selectors import unit_records
from tests.factories import PersonFactory

from .support import login, make_record, row_ids, tab_counts

pytestmark = pytest.mark.django_db


def _list(kind_key: str, **params) -> str:
    url = reverse("review:records", args=[kind_key])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


@pytest.mark.parametrize("kind_key", [k.key for k in catalogue().kinds()])
def test_every_type_lists_the_units_submitted_records_only(client, owner_a, admin_a, owner_b, kind_key):
    kind = catalogue().kind(kind_key)
    pending = make_record(owner_a, kind_key, any_kind=True)
    approved = make_record(owner_a, kind_key, status=Status.APPROVED, admin=admin_a, any_kind=True)
    draft = make_record(owner_a, kind_key, status=Status.DRAFT)
    foreign = make_record(owner_b, kind_key, any_kind=True)
    login(client, admin_a)

    html = client.get(_list(kind_key)).content.decode()

    assert set(row_ids(html)) == {pending.pk, approved.pk}
    assert draft.pk not in row_ids(html) and foreign.pk not in row_ids(html)
    for column in kind.columns:
        assert re.search(rf"<th[^>]*>{re.escape(column.label)}</th>", html), column.label
    assert "<th>申报人</th>" in html and owner_a.name in html
    assert tab_counts(html) == {"all": 2, "pending": 1, "approved": 1, "returned": 0}
    assert re.search(rf'data-kind="{kind_key}">\s*<span>{re.escape(kind.label)}<span class="text-muted">\(2/1\)', html)
    assert f'href="{reverse("review:record", args=[pending.pk])}">审核</a>' in html
    assert f'name="ids" value="{pending.pk}"' in html and f'name="ids" value="{approved.pk}"' not in html


def test_the_tabs_filter_by_status(client, owner_a, admin_a):
    records = {status: make_record(owner_a, status=status, admin=admin_a)
               for status in (Status.PENDING, Status.APPROVED, Status.RETURNED, Status.TERMINATED)}
    login(client, admin_a)

    for status in (Status.PENDING, Status.APPROVED, Status.RETURNED):
        assert row_ids(client.get(_list("research_project", status=status)).content.decode()) == [records[status].pk]
    assert len(row_ids(client.get(_list("research_project")).content.decode())) == 4


def test_the_search_finds_by_applicant_and_by_the_types_search_fields(client, unit_a, admin_a):
    zhang = PersonFactory(unit=unit_a, name="张伟")
    wang = PersonFactory(unit=unit_a, name="王芳")
    by_zhang = make_record(zhang, title="肿瘤早筛研究", data={"source": "国家卫生健康委员会"})
    by_wang = make_record(wang, title="儿童哮喘干预", data={"source": "福建省卫生健康委员会"})
    login(client, admin_a)

    assert row_ids(client.get(_list("research_project", q="张伟")).content.decode()) == [by_zhang.pk]
    assert row_ids(client.get(_list("research_project", q="哮喘")).content.decode()) == [by_wang.pk]
    assert row_ids(client.get(_list("research_project", q="福建省")).content.decode()) == [by_wang.pk]
    html = client.get(_list("research_project", q="张伟")).content.decode()
    assert 'placeholder="请输入申报人/项目名称/来源(委托单位)"' in html


def test_pages_hold_ten_newest_first_and_the_numbers_continue(client, owner_a, admin_a):
    records = []
    for i in range(25):
        with time_machine.travel(datetime.datetime(2026, 3, 1, 8, tzinfo=datetime.UTC) + datetime.timedelta(hours=i),
                                 tick=False):
            records.append(make_record(owner_a, title=f"项目{i:02d}"))
    newest_first = [r.pk for r in reversed(records)]
    login(client, admin_a)

    first = client.get(_list("research_project")).content.decode()
    second_url = re.search(r'href="(\?[^"]*after=[^"]*)">下一页', first).group(1).replace("&amp;", "&")
    second = client.get(reverse("review:records", args=["research_project"]) + second_url).content.decode()
    third_url = re.search(r'href="(\?[^"]*after=[^"]*)">下一页', second).group(1).replace("&amp;", "&")
    third = client.get(reverse("review:records", args=["research_project"]) + third_url).content.decode()
    back_url = re.search(r'href="(\?[^"]*before=[^"]*)">上一页', third).group(1).replace("&amp;", "&")
    back = client.get(reverse("review:records", args=["research_project"]) + back_url).content.decode()

    assert row_ids(first) == newest_first[:10] and "上一页" not in first and "共 25 条" in first
    assert '<option value="10" selected>10条/页</option>' in first
    assert row_ids(second) == newest_first[10:20]
    assert row_ids(third) == newest_first[20:] and "下一页" not in third
    assert row_ids(back) == newest_first[10:20]
    numbers = [int(n) for n in re.findall(r'<tr data-record="\d+">\s*<td>.*?</td>\s*<td>(\d+)</td>', second, re.S)]
    assert numbers == list(range(11, 21))
    assert re.findall(r'<tr data-record="\d+">\s*<td>.*?</td>\s*<td>(\d+)</td>', back, re.S)[0] == "11"


def test_records_submitted_at_the_same_moment_are_paged_without_loss_or_repeat(client, owner_a, admin_a):
    with time_machine.travel(datetime.datetime(2026, 3, 1, 8, tzinfo=datetime.UTC), tick=False):
        records = [make_record(owner_a, title=f"项目{i:02d}") for i in range(25)]
    newest_first = sorted((r.pk for r in records), reverse=True)
    base = reverse("review:records", args=["research_project"])
    login(client, admin_a)

    first = client.get(base).content.decode()
    second = client.get(base + _link(first, "下一页")).content.decode()
    third = client.get(base + _link(second, "下一页")).content.decode()
    back = client.get(base + _link(third, "上一页")).content.decode()

    assert row_ids(first) + row_ids(second) + row_ids(third) == newest_first
    assert row_ids(back) == newest_first[10:20]


def _link(html: str, label: str) -> str:
    return re.search(rf'href="(\?[^"]*)">{label}', html).group(1).replace("&amp;", "&")


def test_a_disabled_or_unknown_type_is_not_found(client, admin_a):
    login(client, admin_a)

    assert client.get(_list("no_such_kind")).status_code == 404


def test_the_records_home_opens_the_first_type_with_pending_records(client, owner_a, admin_a):
    login(client, admin_a)
    first = catalogue().kinds()[0].key
    assert client.get(reverse("review:records_home")).url == reverse("review:records", args=[first])

    make_record(owner_a, "patent")

    assert client.get(reverse("review:records_home")).url == reverse("review:records", args=["patent"])


@pytest.mark.parametrize("status", ["", Status.PENDING])
def test_an_admin_of_two_units_pages_through_both_as_an_admin_of_one_pages_through_one(
        client, owner_a, owner_b, admin_a, unit_b, status):
    """An admin of one unit and an admin of two page through the same queue: the same pages either way."""
    from accounts.models import Role, RoleAssignment

    RoleAssignment.objects.create(user=admin_a, role=Role.UNIT_ADMIN, unit=unit_b)
    single = PersonFactory(unit=owner_a.unit, name="单一单位管理员")
    RoleAssignment.objects.create(user=single, role=Role.UNIT_ADMIN, unit=owner_a.unit)
    start = datetime.datetime(2026, 3, 1, 8, tzinfo=datetime.UTC)
    records = []
    for i in range(24):
        with time_machine.travel(start + datetime.timedelta(minutes=i // 3), tick=False):  # ties of three
            records.append(make_record(owner_a if i % 2 else owner_b, title=f"项目{i:02d}",
                                       status=Status.APPROVED if i % 5 == 0 else Status.PENDING, admin=admin_a))
    chosen = [r for r in records if not status or r.status == status]
    newest_first = [r.pk for r in sorted(chosen, key=lambda r: (r.submitted_at, r.pk), reverse=True)]
    base = reverse("review:records", args=["research_project"]) + (f"?status={status}&" if status else "?")

    def walk(user) -> tuple[list[int], list[int]]:
        login(client, user)
        html = client.get(base).content.decode()
        forward = row_ids(html)
        while "下一页" in html:
            html = client.get(reverse("review:records", args=["research_project"]) + _link(html, "下一页"))
            html = html.content.decode()
            forward += row_ids(html)
        backward = row_ids(html)
        while "上一页" in html:
            html = client.get(reverse("review:records", args=["research_project"]) + _link(html, "上一页"))
            html = html.content.decode()
            backward = row_ids(html) + backward
        return forward, backward

    assert walk(admin_a) == (newest_first, newest_first)
    own = [pk for pk in newest_first if any(r.pk == pk and r.owner_id == owner_a.pk for r in records)]
    assert walk(single) == (own, own)


@pytest.mark.parametrize("with_status", [False, True])
def test_a_queue_page_is_read_in_index_order_whatever_plan_the_database_makes(admin_a, with_status):
    """The review queue's keyset pages (on PostgreSQL prepared once a connection has run them, and then maybe
    planned once without the cursor's values) must not sort: the index gives newest submission, then id, so page
    1,000 reads ten rows."""
    statements = []

    def capture(execute, sql, params, many, context):
        statements.append((sql, list(params or ())))
        return execute(sql, params, many, context)

    cursor_value = "2026-03-02T09:00:00+00:00|7"
    with connection.execute_wrapper(capture):
        unit_records(admin_a, kind="paper", status=Status.PENDING if with_status else "", after=cursor_value)
    ((sql, params),) = [(q, p) for q, p in statements if "dossier_record" in q]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            numbered = re.sub(r"%s", lambda _m, n=iter(range(1, 99)): f"${next(n)}", sql)
            cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
            cursor.execute("SET LOCAL enable_seqscan = off")  # a test table is small enough to scan and sort
            cursor.execute(f"PREPARE zc_queue AS {numbered}")
            values = pg.SQL(", ").join(map(pg.Literal, params)).as_string(connection.connection)
            cursor.execute(f"EXPLAIN EXECUTE zc_queue({values})")
            steps = "\n".join(row[0] for row in cursor.fetchall())
            cursor.execute("DEALLOCATE zc_queue")
            assert "Index Scan Backward using record_unit_kind" in steps and "Sort" not in steps, steps
        else:
            assert connection.vendor == "sqlite"
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            steps = "\n".join(str(row[-1]) for row in cursor.fetchall())
            assert "USING INDEX record_unit_kind" in steps and "TEMP B-TREE" not in steps, steps
