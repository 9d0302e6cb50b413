"""导出Excel of the record lists: the applicant's 我的业绩 of one type and the unit's record review list, each the
list's rows with its tab and search applied, the exporter's watermark first, only what the list shows (another
applicant's or another unit's records never), audited, in a number of queries that does not grow with the rows."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from core.models import AuditEvent
from dossier.models import Status
from tests.factories import PASSWORD
from tests.helpers import log_in

from .support import make_record

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("captcha_off")]
KIND = "research_project"


def sign_in(client, user):
    assert log_in(client, user.id_number or user.username, PASSWORD).status_code == 302


def exported(client, url) -> list[list]:
    response = client.get(url)
    assert response.status_code == 200, response
    content = b"".join(response.streaming_content)
    return [list(row) for row in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)]


def listed_titles(client, url) -> list[str]:
    return [row["record"].title for row in client.get(url).context["rows"]]


def test_my_records_export_is_my_list(client, owner_a, owner_b, admin_a):
    mine = [make_record(owner_a, KIND, admin=admin_a, title=f"课题{i}") for i in range(3)]
    make_record(owner_a, KIND, status=Status.DRAFT, title="草稿课题")
    make_record(owner_b, KIND, title="别人的课题")
    sign_in(client, owner_a)
    url = reverse("dossier:list", args=[KIND])
    rows = exported(client, url + "?format=xlsx")
    assert rows[0][0].startswith(f"导出人：{owner_a.name}")
    assert rows[1][0] == "序号" and rows[1][-2:] == ["状态", "申报日期"]
    assert len(rows) == 2 + 4 and "别人的课题" not in str(rows)
    assert all(title in str(rows) for title in [r.title for r in mine] + ["草稿课题"])
    pending = exported(client, url + "?status=pending&format=xlsx")
    assert [r[0] for r in pending[2:]] == [1, 2, 3] and {r[-2] for r in pending[2:]} == {"审核中"}
    assert len(pending) - 2 == len(listed_titles(client, url + "?status=pending"))
    event = AuditEvent.objects.filter(user=owner_a, event="export").first()
    assert event is not None and '"行数":3' in event.object


def test_the_unit_list_export_is_the_units_list_only(client, owner_a, owner_b, admin_a, admin_b):
    for i in range(2):
        make_record(owner_a, KIND, title=f"甲单位课题{i}")
    make_record(owner_b, KIND, title="乙单位课题")
    sign_in(client, admin_a)
    url = reverse("review:records", args=[KIND])
    rows = exported(client, url + "?format=xlsx")
    assert rows[1][:2] == ["序号", "申报人"]
    assert sorted(r[1] for r in rows[2:]) == [owner_a.name, owner_a.name]
    assert "乙单位课题" not in str(rows)
    searched = exported(client, url + "?q=甲单位课题1&format=xlsx")
    assert len(searched) == 3 and "甲单位课题1" in str(searched[2])
    client.logout()
    sign_in(client, owner_a)  # not a unit admin: the list does not exist for them
    assert client.get(url + "?format=xlsx").status_code in (403, 404)


def test_record_exports_take_the_same_queries_whatever_the_rows(client, owner_a, admin_a):
    make_record(owner_a, KIND, title="首条")
    sign_in(client, admin_a)
    url = reverse("review:records", args=[KIND]) + "?format=xlsx"
    exported(client, url)
    with CaptureQueriesContext(connection) as few:
        exported(client, url)
    for i in range(5):
        make_record(owner_a, KIND, title=f"又一条{i}")
    with CaptureQueriesContext(connection) as many:
        rows = exported(client, url)
    assert len(rows) == 2 + 6
    assert len(many) == len(few)
