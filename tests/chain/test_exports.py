"""导出Excel of a review desk's list: the same rows as the list (the tab and search applied), ID numbers and phones
masked, only what the desk sees, a watermark row naming the exporter, and a 20,000-row export generated in the
background, read in chunks without one query per row, then downloaded from its progress page."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import ExportJob, User
from applications.exports import COLUMNS
from applications.models import Application
from core.masking import mask_id_number, mask_phone
from tests.applications.support import login
from tests.factories import UnitFactory
from tests.helpers import committed

from .support import filed, passed_on

pytestmark = pytest.mark.django_db


def export(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    content = b"".join(response.streaming_content)
    return [list(row) for row in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)]


def test_the_export_is_the_list_with_numbers_masked(client, org):
    first = filed(org, name="李娜")
    filed(org, name="王磊")
    passed_on(filed(org, name="已到主管部门"), to="department")
    filed(org, name="外单位", unit=UnitFactory(name="外单位"))
    login(client, org.clerk)
    listed = [a.applicant.name for a in client.get(reverse("chain:unit") + "?status=all").context["page"]]
    rows = export(client, reverse("chain:unit") + "?status=all&format=xlsx")
    assert rows[0][0].startswith(f"导出人：{org.clerk.name}　导出时间：")
    assert rows[1] == COLUMNS
    assert [r[2] for r in rows[2:]] == listed and "外单位" not in listed
    person = first.applicant
    row = next(r for r in rows if r[2] == "李娜")
    assert row[3] == mask_id_number(person.id_number) and row[4] == mask_phone(person.phone)
    assert person.id_number not in str(rows) and person.phone not in str(rows)
    searched = export(client, reverse("chain:unit") + "?status=all&q=王磊&format=xlsx")
    assert [r[2] for r in searched[2:]] == ["王磊"]


def test_a_large_export_reads_in_chunks_without_a_query_per_row(client, org):
    template = filed(org, name="模板")
    people = User.objects.bulk_create([
        User(username=f"P{i:08d}", name=f"申报人{i}", kind=User.Kind.PERSON, unit=org.unit, phone=f"139{i:08d}",
             registration=User.Registration.APPROVED)
        for i in range(19_999)
    ], batch_size=2000)
    Application.objects.bulk_create([
        Application(applicant=person, plan=template.plan, unit=template.unit, series="工程技术",
                    level="副高", status="submitted", stage="unit", submitted_at=template.submitted_at,
                    node_since=template.node_since, snapshot=template.snapshot)
        for person in people
    ], batch_size=2000)
    login(client, org.clerk)
    with CaptureQueriesContext(connection) as queries, committed():
        response = client.get(reverse("chain:unit") + "?status=all&format=xlsx")
    job = ExportJob.objects.get(owner=org.clerk)
    assert response.status_code == 302 and response.url == reverse("accounts:export_job", args=[job.pk])
    assert len(queries) < 80  # the request and the task that ran once it committed: chunks, not rows
    assert (job.state, job.total, job.done, job.masked) == (ExportJob.State.READY, 20_000, 20_000, True)
    page = client.get(response.url)
    assert "已生成（共 20000 行）" in page.content.decode()
    download = client.get(reverse("accounts:export_file", args=[job.pk]))
    rows = [list(r) for r in load_workbook(io.BytesIO(b"".join(download.streaming_content)), read_only=True)
            .active.iter_rows(values_only=True)]
    assert len(rows) == 20_002 and rows[1] == COLUMNS
    last = next(r for r in rows[2:] if r[2] == people[-1].name)
    assert last[4] == mask_phone(people[-1].phone) == "139****9998"
