"""An import whose worker dies is not left 导入中 for ever: once it has written no progress for STALE_AFTER it is
marked failed (on its page, or by expire_import_jobs) and can be run again, and what a killed run wrote is gone
with it (records and the job's end are one transaction), so the retry writes each record once. The uploaded file
(patient data) is kept only while a worker still has to validate it."""

import datetime
import io
from importlib import import_module
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from dossier import imports, services
from dossier.catalogue import catalogue
from dossier.models import ImportJob, Record

from .support import (
    as_cells,
    case_import_url,
    case_values,
    commit,
    fill,
    template_workbook,
    text,
    upload,
    workbook_upload,
)

pytestmark = pytest.mark.usefixtures("database_tasks")  # jobs wait in the database for the worker

LATER = imports.STALE_AFTER + datetime.timedelta(minutes=1)
IMPORT_INTERRUPTED = "导入中断（处理进程意外终止），未写入任何数据。请点击“重新导入”再试。"
CHECK_INTERRUPTED = "校验中断（处理进程意外终止），未写入任何数据。请重新上传文件。"


class WorkerKilled(BaseException):
    """Stands for SIGKILL: no `except Exception` of the import sees it, and nothing after it runs."""


def _case_file(client, rows: int):
    kind = catalogue().kind("health_case")
    cells = [as_cells(kind.fields, case_values(i)) for i in range(1, rows + 1)]
    return workbook_upload(fill(template_workbook(client, "/dossier/template/health_case/"), cells))


def stored_uploads() -> list[Path]:
    return [p for p in (Path(settings.MEDIA_ROOT) / "imports").rglob("*") if p.is_file()]


def _killed_after_writing(monkeypatch):
    """The worker dies right after the records are written, before the job is marked done."""
    real = services.records_import

    def records_then_death(**kwargs):
        real(**kwargs)
        raise WorkerKilled

    monkeypatch.setattr(services, "records_import", records_then_death)


@pytest.mark.django_db
def test_a_commit_killed_after_writing_leaves_no_records_and_is_run_again_once(nurse_client, nurse, monkeypatch):
    page, job = upload(nurse_client, case_import_url(), _case_file(nurse_client, 5))
    assert job.state == ImportJob.State.READY
    _killed_after_writing(monkeypatch)

    with pytest.raises(WorkerKilled):
        imports.import_commit(actor=nurse, job=job)

    assert not Record.objects.exists()  # all or nothing: the records went with the run
    job.refresh_from_db()
    assert job.state == ImportJob.State.IMPORTING
    assert "导入中：" in text(nurse_client.get(f"/dossier/imports/{job.pk}/"))  # not stale yet
    monkeypatch.undo()

    with time_machine.travel(timezone.now() + LATER, tick=False):
        page = nurse_client.get(f"/dossier/imports/{job.pk}/")
        assert IMPORT_INTERRUPTED in text(page)
        assert 'data-testid="retry-import"' in page.content.decode()
        page = commit(nurse_client, job)

    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE and job.message == "已导入5条。"
    records = Record.objects.filter(owner=nurse, kind="health_case").order_by("pk")
    assert [r.data for r in records] == [case_values(i) for i in range(1, 6)]


@pytest.mark.django_db
def test_a_run_overtaken_by_a_retry_writes_nothing(nurse_client, nurse, monkeypatch):
    page, job = upload(nurse_client, case_import_url(), _case_file(nurse_client, 3))
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.IMPORTING, attempt=1)
    real = services.records_import

    def records_while_expired_and_retried(**kwargs):
        real(**kwargs)
        ImportJob.objects.filter(pk=job.pk).update(attempt=3)  # another process expired it and started again

    monkeypatch.setattr(services, "records_import", records_while_expired_and_retried)

    imports.commit_import.call(job.pk, 1)

    assert not Record.objects.exists()  # its final check found the job no longer its own: all rolled back
    monkeypatch.undo()
    ImportJob.objects.filter(pk=job.pk).update(attempt=3)  # what the other process committed

    imports.commit_import.call(job.pk, 1)  # the first run, late: nothing to do
    assert not Record.objects.exists()
    imports.commit_import.call(job.pk, 3)
    assert Record.objects.count() == 3


@pytest.mark.django_db
def test_a_validation_whose_worker_died_is_marked_failed_and_its_upload_deleted(
        nurse_client, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    # Above INLINE_ROWS the file waits for a worker; none comes (the task is enqueued on commit, never here).
    page, job = upload(nurse_client, case_import_url(), _case_file(nurse_client, imports.INLINE_ROWS + 1))
    assert job.state == ImportJob.State.VALIDATING and job.file and len(stored_uploads()) == 1

    with time_machine.travel(timezone.now() + LATER, tick=False), capture(execute=True):
        page = nurse_client.get(f"/dossier/imports/{job.pk}/")

    assert CHECK_INTERRUPTED in text(page)
    assert 'data-testid="retry-import"' not in page.content.decode()  # the rows were never validated
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED and not job.file
    assert stored_uploads() == []
    assert "只有全部行都允许导入时才能正式导入。" in text(commit(nurse_client, job))


@pytest.mark.django_db
def test_expire_import_jobs_ends_only_the_stale_ones(nurse_client, nurse, django_capture_on_commit_callbacks):
    page, stale = upload(nurse_client, case_import_url(), _case_file(nurse_client, imports.INLINE_ROWS + 1))
    with time_machine.travel(timezone.now() + LATER, tick=False):
        page, fresh = upload(nurse_client, case_import_url(), _case_file(nurse_client, imports.INLINE_ROWS + 1))
        assert len(stored_uploads()) == 2

        with django_capture_on_commit_callbacks(execute=True):
            call_command("expire_import_jobs", stdout=io.StringIO())

    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert (stale.state, stale.message, stale.file.name) == (ImportJob.State.FAILED, CHECK_INTERRUPTED, "")
    assert fresh.state == ImportJob.State.VALIDATING and fresh.file
    assert [p.name for p in stored_uploads()] == [Path(fresh.file.name).name]


@pytest.mark.django_db
def test_a_small_file_is_never_stored(nurse_client):
    page, job = upload(nurse_client, case_import_url(), _case_file(nurse_client, 3))

    assert job.state == ImportJob.State.READY
    assert not job.file and stored_uploads() == []


@pytest.mark.django_db(transaction=True)
def test_a_large_file_is_deleted_once_the_worker_has_validated_it(nurse_client, nurse):
    page, job = upload(nurse_client, case_import_url(), _case_file(nurse_client, imports.INLINE_ROWS + 1))
    assert len(stored_uploads()) == 1

    call_command("db_worker", batch=True, startup_delay=False, interval=0, verbosity=0)

    job.refresh_from_db()
    assert job.state == ImportJob.State.READY and not job.file
    assert stored_uploads() == []
    commit(nurse_client, job)
    call_command("db_worker", batch=True, startup_delay=False, interval=0, verbosity=0)
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE
    assert Record.objects.count() == imports.INLINE_ROWS + 1


@pytest.mark.django_db
def test_uploads_kept_before_are_deleted_unless_a_worker_still_needs_them(nurse_client):
    page, waiting = upload(nurse_client, case_import_url(), _case_file(nurse_client, imports.INLINE_ROWS + 1))
    page, done = upload(nurse_client, case_import_url(), _case_file(nurse_client, imports.INLINE_ROWS + 1))
    ImportJob.objects.filter(pk=done.pk).update(state=ImportJob.State.DONE)  # as every finished job kept its file
    assert len(stored_uploads()) == 2

    state = MigrationExecutor(connection).loader.project_state(("dossier", "0008_import_job_attempt"))
    import_module("dossier.migrations.0008_import_job_attempt").drop_finished_uploads(state.apps, None)

    assert [p.name for p in stored_uploads()] == [Path(waiting.file.name).name]
    assert ImportJob.objects.get(pk=done.pk).file.name == ""
