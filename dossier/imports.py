"""Excel import for record types (卫生-病案) and child lists (病案, 参考文献): upload → preview → 正式导入.

Every row is validated by the same generated Django form as the page; the preview lists 允许导入 or each
error with its row, column and message; 正式导入 is allowed only when every row passes, and commits all rows in
one transaction. Files above INLINE_ROWS rows are validated and imported by a background task (django-tasks);
the job row keeps the progress, so a page reload loses nothing.
"""

import contextlib
import logging
import time

from django.core.files.base import ContentFile
from django.db import DatabaseError, connections, transaction
from django_tasks import task

from core.bulk import collector_paused
from core.excel import Column, ExcelError, columns_from_specs, read_rows, template_bytes

from .catalogue import ChildListSpec, KindSpec, catalogue
from .forms import record_form_class, spec_form_class, validate_rows
from .models import ImportJob, Record
from .services import import_batches

INLINE_ROWS = 300
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
            f"{child.label}须为近{child.recent_years}年内的" + (f"（至少{child.recent_min}条）" if child.recent_min else "")
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
    upload.seek(0)
    job.file.save("upload.xlsx", ContentFile(upload.read()), save=False)
    job.total = len(parsed)
    job.save()
    if len(parsed) <= INLINE_ROWS:
        _validate(job, parsed)
    else:
        transaction.on_commit(lambda: validate_import.enqueue(job.pk))
    return job


@task()
def validate_import(job_id: int) -> None:
    with _failure_recorded(job_id):
        _validate_stored(job_id)


@contextlib.contextmanager
def _failure_recorded(job_id: int):
    """An unexpected error in a background import ends the job as 导入失败 (the page stops waiting), then
    propagates so the worker records it with its traceback."""
    try:
        yield
    except Exception:
        ImportJob.objects.filter(pk=job_id).update(
            state=ImportJob.State.FAILED, message="处理失败，未写入任何数据。请重新上传；如仍失败请联系管理员。")
        raise


def _validate_stored(job_id: int) -> None:
    job = ImportJob.objects.get(pk=job_id)
    kind, child = _target(job)
    # A copy under the uploaded name: FieldFile.open() returns the field file itself, so renaming it would point
    # the job at a file that does not exist (and save that name).
    with job.file.open("rb") as stored:
        upload = ContentFile(stored.read(), name=job.file_name)
    try:
        parsed = read_rows(upload, import_columns(kind, child))
    except ExcelError as error:
        ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.INVALID, message=str(error))
        return
    _validate(job, parsed)


def _existing_keys(job: ImportJob, kind: KindSpec, child: ChildListSpec | None, unique) -> set[tuple]:
    """Keys already in the system (the owner's records, or the record's rows) that an import must not repeat."""
    if not unique:
        return set()
    if child is not None:
        from .models import RecordItem

        stored = RecordItem.objects.filter(record_id=job.record_id, list_key=child.key).values_list("data", flat=True)
    else:
        stored = Record.objects.filter(owner_id=job.owner_id, kind=kind.key).values_list("data", flat=True)
    return {tuple(str(d.get(k)) for k in unique) for d in stored}


@collector_paused()
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
        if index % PROGRESS_EVERY == 0 and time.monotonic() >= next_write:
            ImportJob.objects.filter(pk=job.pk).update(processed=index)
            next_write = time.monotonic() + PROGRESS_SECONDS
    job.errors = errors
    # READY: the validated rows, committed by 正式导入 (a record import: as import_batches writes them, and the
    # first rows for the preview). INVALID: the first rows as read, for the preview only.
    if errors:
        job.rows = [{**(data if data is not None else raw.values), "_line": raw.line}
                    for data, raw in zip(rows[:PREVIEW_ROWS], parsed)]
    elif child is None:
        job.rows, job.batches = rows[:PREVIEW_ROWS], "\n".join(import_batches(kind, rows))
    else:
        job.rows = rows
    job.processed = len(parsed)
    job.state = ImportJob.State.INVALID if errors else ImportJob.State.READY
    job.message = f"共{len(parsed)}行，{len({e['line'] for e in errors})}行有错误。" if errors else f"共{len(parsed)}行，全部允许导入。"
    job.save()


def import_commit(*, actor, job: ImportJob) -> ImportJob:
    """正式导入: only a READY job of the actor's own; small jobs now, large ones in the background."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk, owner=actor)
        if job.state != ImportJob.State.READY:
            raise ExcelError("只有全部行都允许导入时才能正式导入。")
        job.state = ImportJob.State.IMPORTING
        job.processed = 0
        job.save(update_fields=["state", "processed", "updated_at"])
    if job.total <= INLINE_ROWS:
        _commit(job.pk)
    else:
        transaction.on_commit(lambda: commit_import.enqueue(job.pk))
    job.refresh_from_db()
    return job


@task()
def commit_import(job_id: int) -> None:
    with _failure_recorded(job_id):
        _commit(job_id)


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
    sql = f"UPDATE {table} SET processed = %s WHERE id = %s"

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


def _commit(job_id: int) -> None:
    from .items import ItemError, items_import
    from .services import RecordError, records_import, records_import_rows

    job = ImportJob.objects.select_related("owner", "record").get(pk=job_id)
    kind, child = _target(job)
    try:
        if child is not None:
            items_import(actor=job.owner, record=job.record, child=child, rows=job.rows)
        else:
            with _progress_outside(job.pk) as progress:
                if job.batches:
                    records_import(owner=job.owner, kind=kind, batches=job.batches.split("\n"), progress=progress)
                else:  # validated before jobs kept their batches
                    records_import_rows(owner=job.owner, kind=kind, rows=job.rows, progress=progress)
    except (ItemError, RecordError, ExcelError) as error:  # refused as a whole: nothing was written
        ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.FAILED, message=str(error))
        return
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJob.State.DONE, processed=job.total, rows=[], batches="", message=f"已导入{job.total}条。"
    )
