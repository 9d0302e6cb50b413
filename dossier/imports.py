"""Excel import for record types (卫生-病案) and child lists (病案, 参考文献): upload → preview → 正式导入.

Every row is validated by the same generated Django form as the page; the preview lists 允许导入 or each
error with its row, column and message; 正式导入 is allowed only when every row passes, and commits all rows in
one transaction. Files above INLINE_ROWS rows are validated and imported by a background task (django-tasks);
the job row keeps the progress, so a page reload loses nothing.

The uploaded file (patient data) is kept only while a background validation needs it: deleted as soon as the
rows are validated, or when the job ends otherwise. A job whose worker died (no progress written for
STALE_AFTER) is marked 导入失败 when it is next looked at, or by `manage.py expire_import_jobs`; an interrupted
正式导入 can be run again, and writes its records and the job's end in one transaction, so a run that was
killed, or that was overtaken by a retry (each run has its own `attempt`), leaves nothing behind.
"""

import contextlib
import datetime
import logging
import time

from django.core.files.base import ContentFile
from django.db import DatabaseError, connections, transaction
from django.utils import timezone
from django_tasks import task

from core.excel import Column, ExcelError, columns_from_specs, read_rows, template_bytes
from core.files import FileStore

from . import items, services
from .catalogue import ChildListSpec, KindSpec, catalogue
from .forms import record_form_class, spec_form_class, validate_rows
from .models import ImportJob, Record, RecordItem

INLINE_ROWS = 300
STALE_AFTER = datetime.timedelta(minutes=10)  # a running job that wrote no progress for this long has no worker
PREVIEW_ROWS = 500
PROGRESS_EVERY = 250  # rows between looks at the clock
PROGRESS_SECONDS = 0.25  # at most one progress write per this many seconds

logger = logging.getLogger(__name__)


def _target(job: ImportJob) -> tuple[KindSpec, ChildListSpec | None]:
    kind = catalogue().kind(job.kind)
    return kind, (kind.child(job.child_key) if job.child_key else None)


def import_columns(kind: KindSpec, child: ChildListSpec | None) -> list[Column]:
    if child is not None:
        return columns_from_specs(child.fields, numbered=child.numbered)
    return columns_from_specs(kind.fields)


def template_for(kind: KindSpec, child: ChildListSpec | None) -> tuple[str, bytes]:
    """(file name, bytes) of the Excel template of a type or a child list."""
    title = f"{kind.label}-{child.label}" if child else kind.label
    notes = [f"本模板用于导入“{title}”。"]
    if child and child.recent_years:
        notes.append(
            f"{child.label}须为近{child.recent_years}年内的"
            + (f"（至少{child.recent_min}条）" if child.recent_min else "")
            + f"，至少{child.min_count}条。"
        )
    if child and child.item_attachment:
        notes.append(f"每条{child.label}导入后，请在页面上逐条上传附件。")
    return f"{title}模板.xlsx", template_bytes(import_columns(kind, child), title=title, notes=notes)


def import_start(*, actor, kind: KindSpec, upload, record: Record | None = None,
                 child: ChildListSpec | None = None) -> ImportJob:
    """Store the upload and validate it: now when small, in the background when large. The caller has checked
    that `actor` owns `record`. File-level problems (format, header, size) leave an INVALID job with the reason."""
    job = ImportJob(owner=actor, kind=kind.key, record=record, child_key=child.key if child else "",
                    file_name=(upload.name or "")[:200])
    try:
        parsed = read_rows(upload, import_columns(kind, child))
    except ExcelError as error:
        job.state = ImportJob.State.INVALID
        job.message = str(error)
        job.save()
        return job
    job.total = len(parsed)
    if len(parsed) <= INLINE_ROWS:
        job.save()
        _validate(job, parsed)
        return job
    upload.seek(0)  # kept for the worker until it has validated the rows
    with transaction.atomic(), FileStore() as store:  # a full disk leaves no file and no job (StorageError)
        store.save(job.file, "upload.xlsx", ContentFile(upload.read()))
        job.save()
    transaction.on_commit(lambda: validate_import.enqueue(job.pk, job.attempt))
    return job


RUNNING = (ImportJob.State.VALIDATING, ImportJob.State.IMPORTING)
_INTERRUPTED = {
    ImportJob.State.VALIDATING: "校验中断（处理进程意外终止），未写入任何数据。请重新上传文件。",
    ImportJob.State.IMPORTING: "导入中断（处理进程意外终止），未写入任何数据。请点击“重新导入”再试。",
}


def _run(job_id: int, attempt: int | None):
    """The job's row while it is still this run's (same attempt, still running), else None: a run overtaken by
    an expiry or a retry does nothing."""
    job = ImportJob.objects.select_related("owner", "record").filter(pk=job_id, state__in=RUNNING).first()
    if job is None or (attempt is not None and job.attempt != attempt):
        return None
    return job


def _upload_drop(job_id: int) -> None:
    """Delete the stored upload once it is no longer needed (after the commit of what ended its need)."""

    def drop():
        job = ImportJob.objects.filter(pk=job_id).exclude(file="").first()
        if job is not None:
            job.file.delete(save=False)
            ImportJob.objects.filter(pk=job_id).update(file="")

    transaction.on_commit(drop)


def import_jobs_expire(*, job_id: int | None = None) -> int:
    """Mark running jobs without progress for STALE_AFTER (their worker was killed) as 导入失败, delete their
    uploads, and count them. Called with the owner's job by its page, and for all by expire_import_jobs. A
    run still alive after all finds its attempt overtaken and writes nothing."""
    stale = ImportJob.objects.filter(state__in=RUNNING, updated_at__lt=timezone.now() - STALE_AFTER)
    if job_id is not None:
        stale = stale.filter(pk=job_id)
    expired = 0
    for pk in stale.values_list("pk", flat=True):
        with transaction.atomic():
            job = ImportJob.objects.select_for_update().filter(
                pk=pk, state__in=RUNNING, updated_at__lt=timezone.now() - STALE_AFTER).first()
            if job is None:  # it moved on meanwhile
                continue
            job.message = _INTERRUPTED[job.state]
            job.state, job.attempt = ImportJob.State.FAILED, job.attempt + 1
            job.save(update_fields=["state", "attempt", "message", "updated_at"])
            _upload_drop(job.pk)
        logger.warning("import %s: no progress for %s, marked failed", pk, STALE_AFTER)
        expired += 1
    return expired


@task()
def validate_import(job_id: int, attempt: int | None = None) -> None:
    with _failure_recorded(job_id, attempt):
        _validate_stored(job_id, attempt)


@contextlib.contextmanager
def _failure_recorded(job_id: int, attempt: int | None):
    """An unexpected error in a background import ends the job as 导入失败 (the page stops waiting), then
    propagates so the worker records it with its traceback."""
    try:
        yield
    except Exception:
        failed = ImportJob.objects.filter(pk=job_id, state__in=RUNNING)
        if attempt is not None:
            failed = failed.filter(attempt=attempt)
        if failed.update(state=ImportJob.State.FAILED, updated_at=timezone.now(),
                         message="处理失败，未写入任何数据。请重新上传；如仍失败请联系管理员。"):
            _upload_drop(job_id)
        raise


def _validate_stored(job_id: int, attempt: int | None) -> None:
    job = _run(job_id, attempt)
    if job is None:
        return
    kind, child = _target(job)
    # A copy under the uploaded name: FieldFile.open() returns the field file itself, so renaming it would point
    # the job at a file that does not exist (and save that name).
    with job.file.open("rb") as stored:
        upload = ContentFile(stored.read(), name=job.file_name)
    try:
        parsed = read_rows(upload, import_columns(kind, child))
    except ExcelError as error:
        if ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.VALIDATING, attempt=job.attempt).update(
                state=ImportJob.State.INVALID, message=str(error), updated_at=timezone.now()):
            _upload_drop(job.pk)
        return
    _validate(job, parsed)


def _existing_keys(job: ImportJob, kind: KindSpec, child: ChildListSpec | None, unique) -> set[tuple]:
    """Keys already in the system (the owner's records, or the record's rows) that an import must not repeat."""
    if not unique:
        return set()
    if child is not None:
        stored = RecordItem.objects.filter(record_id=job.record_id, list_key=child.key).values_list("data", flat=True)
    else:
        stored = Record.objects.filter(owner_id=job.owner_id, kind=kind.key).values_list("data", flat=True)
    return {tuple(str(d.get(k)) for k in unique) for d in stored}


def _validate(job: ImportJob, parsed) -> None:
    kind, child = _target(job)
    form_class = spec_form_class(child.fields, f"item_{child.key}") if child else record_form_class(kind)
    unique = child.unique_together if child else kind.unique_together
    labels = {spec.key: spec.label for spec in (child.fields if child else kind.fields)}
    errors, rows, seen = [], [], {}
    existing = _existing_keys(job, kind, child, unique)
    checked = validate_rows(form_class, (row.values for row in parsed))
    next_write = time.monotonic() + PROGRESS_SECONDS
    for index, (row, (form, data)) in enumerate(zip(parsed, checked), start=1):
        for column, message in row.errors:
            errors.append({"line": row.line, "column": column, "message": message})
        if data is not None:
            if unique:
                key = tuple([str(data.get(k)) for k in unique])
                if key in seen:
                    errors.append({"line": row.line, "column": "、".join(labels[k] for k in unique),
                                   "message": f"与第{seen[key]}行重复。"})
                elif key in existing:
                    errors.append({"line": row.line, "column": "、".join(labels[k] for k in unique),
                                   "message": "与系统中已有的记录重复。"})
                seen.setdefault(key, row.line)
            rows.append(data)
        else:
            for key, messages in form.errors.items():
                for message in messages:
                    errors.append({"line": row.line, "column": labels.get(key, ""), "message": message})
            rows.append(None)
        if index % PROGRESS_EVERY == 0 and time.monotonic() >= next_write:  # also the worker's heartbeat
            ImportJob.objects.filter(pk=job.pk).update(processed=index, updated_at=timezone.now())
            next_write = time.monotonic() + PROGRESS_SECONDS
    job.errors = errors
    # READY: the validated rows, committed by 正式导入 (a record import: as import_batches writes them, and the
    # first rows for the preview). INVALID: the first rows as read, for the preview only.
    if errors:
        job.rows = [{**(data if data is not None else raw.values), "_line": raw.line}
                    for data, raw in zip(rows[:PREVIEW_ROWS], parsed)]
    elif child is None:
        job.rows, job.batches = rows[:PREVIEW_ROWS], "\n".join(services.import_batches(rows))
    else:
        job.rows = rows
    job.processed = len(parsed)
    job.state = ImportJob.State.INVALID if errors else ImportJob.State.READY
    bad_lines = len({e["line"] for e in errors})
    job.message = f"共{len(parsed)}行，{bad_lines}行有错误。" if errors else f"共{len(parsed)}行，全部允许导入。"
    # Only while this run still owns the job (not expired or retried meanwhile); the upload is no longer needed.
    ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.VALIDATING, attempt=job.attempt).update(
        errors=job.errors, rows=job.rows, batches=job.batches, processed=job.processed, state=job.state,
        message=job.message, updated_at=timezone.now())
    _upload_drop(job.pk)


def import_commit(*, actor, job: ImportJob) -> ImportJob:
    """正式导入: a READY job of the actor's own, or again one whose import failed or was interrupted (its
    validated rows are kept until it is done); small jobs now, large ones in the background."""
    import_jobs_expire(job_id=job.pk)
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk, owner=actor)
        if not (job.state == ImportJob.State.READY or job.retryable):
            raise ExcelError("只有全部行都允许导入时才能正式导入。")
        job.state, job.attempt, job.processed, job.message = ImportJob.State.IMPORTING, job.attempt + 1, 0, ""
        job.save(update_fields=["state", "attempt", "processed", "message", "updated_at"])
    if job.total <= INLINE_ROWS:
        _commit(job.pk, job.attempt)
    else:
        transaction.on_commit(lambda: commit_import.enqueue(job.pk, job.attempt))
    job.refresh_from_db()
    return job


@task()
def commit_import(job_id: int, attempt: int | None = None) -> None:
    with _failure_recorded(job_id, attempt):
        _commit(job_id, attempt)


@contextlib.contextmanager
def _progress_outside(job_id: int):
    """A `progress(n)` callable whose writes the job page can see while the import's own transaction is still
    open, or None where that cannot be done safely.

    PostgreSQL: a second connection in autocommit mode updates the job row. Only when the import is the
    outermost transaction (the background task, an inline commit outside any atomic block), so that no
    transaction of ours holds that row; a short lock timeout keeps a surprise from stalling the import, and a
    failed progress write is only logged. SQLite has one writer at a time: a second connection would wait for
    the import's own lock, so the page sees the result when the (short) write transaction commits."""
    connection = transaction.get_connection()
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield None
        return
    side = connections.create_connection(connection.alias)
    table = connection.ops.quote_name(ImportJob._meta.db_table)
    # Progress and heartbeat; the table name is the model's own (quoted), the values are parameters.
    sql = f"UPDATE {table} SET processed = %s, updated_at = now() WHERE id = %s"  # noqa: S608

    def progress(n: int) -> None:
        try:
            with side.cursor() as cursor:
                cursor.execute(sql, [n, job_id])
        except DatabaseError:
            logger.warning("import %s: progress %s not written", job_id, n, exc_info=True)

    try:
        with side.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")
        yield progress
    finally:
        side.close()


class _Overtaken(Exception):
    """The job was expired or retried while this run imported: its writes are rolled back."""


def _commit(job_id: int, attempt: int | None = None) -> None:
    job = _run(job_id, attempt)
    if job is None:
        return
    kind, child = _target(job)
    mine = ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.IMPORTING, attempt=job.attempt)
    try:
        # The progress connection is opened outside the transaction; the records and the job's end are written
        # in it together, so a killed run leaves neither and its retry cannot write the records twice.
        with _progress_outside(job.pk) as progress, transaction.atomic():
            if child is not None:
                items.items_import(actor=job.owner, record=job.record, child=child, rows=job.rows)
            elif job.batches:
                services.records_import(owner=job.owner, kind=kind, batches=job.batches.split("\n"), progress=progress)
            else:  # validated before jobs kept their batches
                services.records_import_rows(owner=job.owner, kind=kind, rows=job.rows, progress=progress)
            if not mine.update(state=ImportJob.State.DONE, processed=job.total, rows=[], batches="",
                               message=f"已导入{job.total}条。", updated_at=timezone.now()):
                raise _Overtaken
    except _Overtaken:
        logger.warning("import %s: attempt %s overtaken, rolled back", job.pk, job.attempt)
    except (items.ItemError, services.RecordError, ExcelError) as error:  # refused as a whole: nothing was written
        mine.update(state=ImportJob.State.FAILED, message=str(error), updated_at=timezone.now())
