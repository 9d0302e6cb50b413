"""Files above INLINE_ROWS rows are validated and imported by the background worker (django-tasks' database
backend, run here as the real `db_worker`); the job page shows progress meanwhile and keeps the result."""

import pytest
from django.core.management import call_command

from dossier import imports
from dossier.catalogue import catalogue
from dossier.models import ImportJob, Record, RecordItem

from .support import (
    allowed_rows,
    as_cells,
    case_import_url,
    case_values,
    commit,
    fill,
    items_import_url,
    make_topic,
    template_workbook,
    text,
    topic_case_values,
    upload,
    workbook_upload,
)

# Tasks are enqueued on commit, and wait in the database for the worker.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("database_tasks")]

ROWS = 400


def run_worker():
    call_command("db_worker", batch=True, startup_delay=False, interval=0, verbosity=0)


def _case_file(client, rows: int = ROWS, change=None):
    kind = catalogue().kind("health_case")
    cells = [as_cells(kind.fields, case_values(i)) for i in range(1, rows + 1)]
    if change:
        change(cells)
    return workbook_upload(fill(template_workbook(client, "/dossier/template/health_case/"), cells))


def _shows_progress(page, state_label: str):
    html = page.content.decode()
    assert 'role="progressbar"' in html and "progress-bar" in html
    assert f"{state_label}：" in text(page)
    assert f"/ {ROWS} 行" in text(page)
    assert "正在后台处理" in text(page)


def test_a_large_case_file_is_validated_and_imported_in_the_background(nurse_client, nurse):
    assert ROWS > imports.INLINE_ROWS

    page, job = upload(nurse_client, case_import_url(), _case_file(nurse_client))

    # Stored and queued: the page shows a progress bar and polls it.
    assert job.state == ImportJob.State.VALIDATING and job.total == ROWS
    _shows_progress(page, "校验中")
    poll = nurse_client.get(f"/dossier/imports/{job.pk}/", headers={"HX-Request": "true"})
    assert poll.status_code == 200 and 'id="import-progress"' in poll.content.decode()

    run_worker()

    job.refresh_from_db()
    assert job.state == ImportJob.State.READY, job.errors
    # The poll sees that it has finished and reloads the page, which shows the preview.
    poll = nurse_client.get(f"/dossier/imports/{job.pk}/", headers={"HX-Request": "true"})
    assert poll["HX-Refresh"] == "true"
    page = nurse_client.get(f"/dossier/imports/{job.pk}/")
    assert f"共{ROWS}行，全部允许导入。" in text(page)
    assert allowed_rows(page) == 200 and f"仅显示前200行，共{ROWS}行。" in text(page)
    assert not Record.objects.exists()

    page = commit(nurse_client, job)

    job.refresh_from_db()
    assert job.state == ImportJob.State.IMPORTING
    _shows_progress(page, "导入中")
    assert not Record.objects.exists()

    run_worker()

    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE and job.processed == ROWS
    for _reload in range(2):  # the result survives a reload
        page = nurse_client.get(f"/dossier/imports/{job.pk}/")
        assert f"已导入{ROWS}条。" in text(page)
        assert 'role="progressbar"' not in page.content.decode()
    records = list(Record.objects.filter(owner=nurse, kind="health_case").order_by("pk"))
    assert [r.data for r in records] == [case_values(i) for i in range(1, ROWS + 1)]
    list_page = nurse_client.get("/dossier/k/health_case/")
    assert "全部(400)" in text(list_page)


def test_a_large_file_with_a_bad_row_is_refused_by_the_worker_and_nothing_is_imported(nurse_client):
    def break_row_351(cells):
        cells[349][0] = 230350  # a number in the 住院号 column

    page, job = upload(nurse_client, case_import_url(), _case_file(nurse_client, change=break_row_351))
    assert job.state == ImportJob.State.VALIDATING

    run_worker()

    page = nurse_client.get(f"/dossier/imports/{job.pk}/")
    job.refresh_from_db()
    assert job.state == ImportJob.State.INVALID
    assert [e["line"] for e in job.errors] == [351]
    assert "第351行 住院号" in text(page) and f"共{ROWS}行，1行有错误。" in text(page)
    assert not Record.objects.exists()


def test_a_large_case_list_is_imported_in_the_background(nurse_client, nurse):
    record = make_topic(nurse, cases=1)
    child = catalogue().kind("health_topic").child("cases")
    cells = [as_cells(child.fields, topic_case_values(i)) for i in range(2, ROWS + 2)]
    file = workbook_upload(fill(template_workbook(nurse_client, "/dossier/template/health_topic/cases/"), cells))

    page, job = upload(nurse_client, items_import_url(record), file)
    run_worker()
    commit(nurse_client, job)
    assert RecordItem.objects.filter(record=record).count() == 1
    run_worker()

    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE
    assert RecordItem.objects.filter(record=record).count() == ROWS + 1
    page = nurse_client.get(f"/dossier/imports/{job.pk}/")
    assert f"已导入{ROWS}条。" in text(page)
