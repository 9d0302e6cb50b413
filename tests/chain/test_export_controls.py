"""The controls every list export goes through (accounts.exports): masked by default, full numbers only for the HR
bureaux and departments with a typed reason, every export audited with its filters, fields and row count, the
exporter's name and time in the file (first row and properties), a per-user rate limit with a Chinese message, a
long list generated in the background behind a progress page only its owner can open, and a write-only workbook
whose memory does not grow with the rows."""

import datetime
import io
import json
import tempfile
import tracemalloc

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from accounts.models import ExportJob
from core.exports import xlsx_write
from core.masking import mask_id_number, mask_phone
from core.models import AuditEvent
from tests.applications.support import page_messages
from tests.factories import PASSWORD, UnitFactory, unit_admin
from tests.helpers import committed, log_in

from .support import filed, passed_on

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("captcha_off")]
DEPARTMENT_LIST = reverse("chain:department") + "?status=all"


def sign_in(client, user):
    assert log_in(client, user.id_number or user.username, PASSWORD).status_code == 302


def workbook_of(response):
    assert response.status_code == 200, response
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def rows_of(response) -> list[list]:
    return [list(row) for row in workbook_of(response).active.iter_rows(values_only=True)]


def export_events(user) -> list[dict]:
    return [json.loads(e.object.split(":", 1)[1]) for e in AuditEvent.objects.filter(user=user, event="export")]


@pytest.fixture
def at_department(org):
    """Two applications waiting at the department, one at the unit."""
    org.waiting = [filed(org, name=name) for name in ("李娜", "王磊")]
    for application in org.waiting:
        passed_on(application, to="department")
    filed(org, name="仍在单位")
    return org


def test_the_export_is_masked_audited_and_watermarked(client, at_department):
    reviewer = at_department.reviewer
    sign_in(client, reviewer)
    response = client.get(DEPARTMENT_LIST + "&q=李娜&format=xlsx")
    book = workbook_of(response)
    rows = [list(r) for r in book.active.iter_rows(values_only=True)]
    assert rows[0][0].startswith(f"导出人：{reviewer.name}　导出时间：")
    assert "含完整证件号码" not in rows[0][0]
    assert book.properties.creator == reviewer.name and book.properties.description == rows[0][0]
    assert [r[2] for r in rows[2:]] == ["李娜"]
    person = at_department.waiting[0].applicant
    assert rows[2][3] == mask_id_number(person.id_number) and rows[2][4] == mask_phone(person.phone)
    [event] = export_events(reviewer)
    assert event["行数"] == 1 and event["脱敏"] is True and event["筛选"]["搜索"] == "李娜"
    assert "身份证号" in event["字段"]


def test_full_numbers_need_the_permission_and_a_reason(client, at_department):
    clerk = at_department.clerk
    sign_in(client, clerk)
    unit_list = client.get(reverse("chain:unit") + "?status=all").content.decode()
    assert 'data-testid="export-unmasked"' not in unit_list
    assert client.get(reverse("accounts:export_unmasked", args=["desk"]) + "?node=unit").status_code == 404
    assert client.post(reverse("accounts:export_unmasked", args=["desk"]) + "?node=unit",
                       {"reason": "报送备案使用"}).status_code == 404
    client.logout()

    reviewer = at_department.reviewer
    sign_in(client, reviewer)
    listing = client.get(DEPARTMENT_LIST).content.decode()
    assert 'data-testid="export-unmasked"' in listing
    url = reverse("accounts:export_unmasked", args=["desk"]) + "?node=department&status=all&q="
    form = client.get(url)
    assert form.status_code == 200 and "共 2 行" in form.content.decode()
    refused = client.post(url, {"reason": "  "})
    assert refused.status_code == 200 and "请填写导出完整证件号码的理由。" in refused.content.decode()
    assert not export_events(reviewer)

    rows = rows_of(client.post(url, {"reason": "报送省人社厅备案"}))
    assert "含完整证件号码" in rows[0][0]
    exported = {r[2]: r[3] for r in rows[2:]}
    assert exported == {a.applicant.name: a.applicant.id_number for a in at_department.waiting}
    [event] = export_events(reviewer)
    assert (event["脱敏"], event["理由"], event["行数"]) == (False, "报送省人社厅备案", 2)


def test_exports_are_rate_limited_per_user(client, at_department, settings):
    settings.EXPORT_RATE_LIMIT, settings.EXPORT_RATE_WINDOW = 2, 600
    reviewer = at_department.reviewer
    sign_in(client, reviewer)
    for _ in range(2):
        assert client.get(DEPARTMENT_LIST + "&format=xlsx").status_code == 200
    refused = client.get(DEPARTMENT_LIST + "&format=xlsx", follow=True)
    assert refused.redirect_chain[0][0] == reverse("chain:department") + "?status=all&q="
    assert "导出过于频繁：每10分钟最多导出2次，请稍后再试。" in page_messages(refused)
    assert len(export_events(reviewer)) == 2
    client.logout()
    sign_in(client, at_department.clerk)  # another user has their own allowance
    assert client.get(reverse("chain:unit") + "?status=all&format=xlsx").status_code == 200


def test_a_long_export_runs_in_the_background_for_its_owner_only(client, at_department, settings):
    settings.EXPORT_BACKGROUND_ROWS = 1
    reviewer = at_department.reviewer
    sign_in(client, reviewer)
    queued = client.get(DEPARTMENT_LIST + "&format=xlsx")  # not committed: the job waits for the worker
    job = ExportJob.objects.get(owner=reviewer)
    assert queued.url == reverse("accounts:export_job", args=[job.pk])
    waiting = client.get(queued.url).content.decode()
    assert 'data-state="pending"' in waiting and "已写入 0 / 2 行" in waiting and "<progress" in waiting
    assert client.get(reverse("accounts:export_file", args=[job.pk])).status_code == 404  # not ready yet
    job.delete()

    with committed():
        queued = client.get(DEPARTMENT_LIST + "&format=xlsx")
    job = ExportJob.objects.get(owner=reviewer)
    polled = client.get(queued.url, headers={"HX-Request": "true"}).content.decode()
    assert 'data-state="ready"' in polled and "已生成（共 2 行）" in polled
    rows = rows_of(client.get(reverse("accounts:export_file", args=[job.pk])))
    assert sorted(r[2] for r in rows[2:]) == ["李娜", "王磊"]
    assert rows[0][0].startswith(f"导出人：{reviewer.name}")
    client.logout()

    stranger = unit_admin(UnitFactory(name="别的单位"), name="别的管理员")
    sign_in(client, stranger)
    assert client.get(reverse("accounts:export_job", args=[job.pk])).status_code == 404
    assert client.get(reverse("accounts:export_file", args=[job.pk])).status_code == 404


def test_a_desk_the_user_does_not_staff_exports_nothing(client, at_department):
    sign_in(client, at_department.clerk)
    assert client.get(reverse("chain:department") + "?status=all&format=xlsx").status_code == 404
    assert not export_events(at_department.clerk)


def test_the_write_only_workbook_keeps_memory_bounded():
    """20,000 rows of 14 cells: a workbook holding its cells would take hundreds of MB; the write-only one streams
    them to a temporary file, so its peak stays a small fraction of that (and does not grow with the rows)."""
    row = ["一二三四五六七八九十"] * 14

    def peak(count: int) -> int:
        tracemalloc.start()
        with tempfile.TemporaryFile() as target:
            written = xlsx_write(target, title="测试", columns=[f"列{i}" for i in range(14)],
                                 rows=(row for _ in range(count)), mark="导出人：测试", exporter="测试",
                                 at=datetime.datetime(2026, 1, 1, 8, 0))
            assert written == count
        result = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return result

    small, large = peak(2_000), peak(20_000)
    assert large < 20 * 1024 * 1024
    assert large < small * 2  # ten times the rows, not ten times the memory

    tracemalloc.start()
    held = Workbook()
    for _ in range(20_000):
        held.active.append(row)
    holding = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert large * 5 < holding  # what the export avoids
