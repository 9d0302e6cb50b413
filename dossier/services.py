"""Writes for the dossier. The owner's status changes go through `_transition`, which checks the permission,
locks the row, performs the declared django-fsm-2 transition and writes the flow log, in one transaction; the
unit's decisions (通过 / 退回 / 终止, answering a withdrawal request) are the review engine's (review.services)."""

import json

import orjson
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone
from django_fsm import can_proceed, has_transition_perm
from simple_history.utils import bulk_create_with_history

from accounts.models import Role
from core.files import FileStore
from core.flow import flow_write
from core.models import FlowEntry
from core.pg_copy import copy_rows
from core.uploads import CheckedFile

from .catalogue import KindSpec, catalogue
from .citations import record_is_cited
from .evidence import evidence_store
from .forms import record_form
from .items import child_problems
from .models import Evidence, Record, RecordCounter, Source, Status, Withdrawal

SUBJECT = "record"
IMPORT_BATCH = 2000  # records written per statement of an import, and between its progress reports


class RecordError(Exception):
    """A refused action the user can understand; the message is Chinese and shown as is."""


def _role_label(actor, record) -> str:
    if actor is not None and actor.pk == record.owner_id:
        return Role.APPLICANT.label
    return Role.UNIT_ADMIN.label


def _count(unit_id, kind: str, status: str, delta: int) -> None:
    """Adjust a unit's counter row (inside the caller's transaction)."""
    if unit_id is None:
        return
    updated = RecordCounter.objects.filter(unit_id=unit_id, kind=kind, status=status).update(n=F("n") + delta)
    if not updated:
        try:
            with transaction.atomic():
                RecordCounter.objects.create(unit_id=unit_id, kind=kind, status=status, n=delta)
        except IntegrityError:  # created concurrently
            RecordCounter.objects.filter(unit_id=unit_id, kind=kind, status=status).update(n=F("n") + delta)


def _recount_move(before: tuple, after: tuple, kind: str) -> None:
    """Move one record from (unit, status) `before` to `after` in the counters: the last writes of the
    transaction, its two rows in one fixed order (unit, status) whatever the direction, so that transitions
    running at once on one unit and type wait for each other in a line, never in a circle (a deadlock)."""
    if before != after:
        for (unit_id, status), delta in sorted([(before, -1), (after, +1)], key=lambda m: (m[0][0] or 0, m[0][1])):
            _count(unit_id, kind, status, delta)


def record_counters_move(record: Record, from_status: str) -> None:
    """Keep the unit's counters after a decision moved `record` from `from_status` (called by the review engine
    inside the decision's transaction)."""
    _recount_move((record.unit_id, from_status), (record.unit_id, record.status), record.kind)


def _title_and_search(data: dict, kind: KindSpec) -> tuple[str, str]:
    return (str(data.get(kind.title) or "")[:200],
            " ".join(str(data.get(key) or "") for key in kind.search).lower())


def _denormalise(record: Record, kind: KindSpec) -> None:
    record.title, record.search_text = _title_and_search(record.data, kind)


def record_create(*, owner, kind: KindSpec, data: dict, files: list[CheckedFile] = (),
                  slot_files: dict | None = None) -> Record:
    """The owner adds a record (保存: 编辑中). Any signed-in person may keep a draft dossier. StorageError
    (core.files) when the storage refuses a file: nothing is saved."""
    with transaction.atomic(), FileStore() as store:
        record = Record(owner=owner, kind=kind.key, data=data, unit=owner.unit)
        _denormalise(record, kind)
        record.save()
        evidence_store(store, record, files, slot_files)
        flow_write(subject_type=SUBJECT, subject_id=record.pk, actor=owner, role=Role.APPLICANT.label,
                   action="create", label="新增", to_status=record.status)
        _count(record.unit_id, record.kind, record.status, +1)  # the counter row last (_recount_move)
    return record


def record_update(*, actor, record: Record, kind: KindSpec, data: dict, files: list[CheckedFile] = (),
                  slot_files: dict | None = None) -> Record:
    """The owner edits a record in 编辑中 or 退回. StorageError (core.files) when the storage refuses a file:
    the record stays as it was."""
    with transaction.atomic(), FileStore() as store:
        record = Record.objects.select_for_update().get(pk=record.pk)
        if record.owner_id != actor.pk:
            raise PermissionDenied
        if not record.editable:
            raise RecordError("该业绩当前状态不能修改。")
        record.data = data
        _denormalise(record, kind)
        record.save()
        evidence_store(store, record, files, slot_files)
        flow_write(subject_type=SUBJECT, subject_id=record.pk, actor=actor, role=Role.APPLICANT.label,
                   action="save", label="保存", from_status=record.status, to_status=record.status)
    return record


def record_delete(*, actor, record: Record) -> None:
    """The owner deletes a record in 编辑中 or 退回, with its evidence files."""
    with transaction.atomic():
        record = Record.objects.select_for_update().get(pk=record.pk)
        if record.owner_id != actor.pk:
            raise PermissionDenied
        if not record.editable:
            raise RecordError("该业绩当前状态不能删除。")
        files = [e.file for e in record.evidence.all()]
        record.delete()
        _count(record.unit_id, record.kind, record.status, -1)  # the counter row last (_recount_move)
        transaction.on_commit(lambda: [f.delete(save=False) for f in files])


def submission_problems(record: Record, kind: KindSpec, owner) -> list[str]:
    """What stops a record from being submitted, in Chinese (empty when it may go)."""
    problems = []
    if not owner.is_approved:
        problems.append("您的注册尚未通过单位审核，暂不能提交业绩。")
    if owner.unit_id is None:
        problems.append("您尚未绑定工作单位，不能提交业绩。")
    if kind.submit_requires_unit and owner.unit_id is None:
        problems.append(f"未绑定单位时，{kind.label}只能保存，不能提交。")
    present = set(record.evidence.filter(item=None).values_list("slot", flat=True).distinct())
    for slot in kind.slots:
        if slot.required and slot.applies(record.data) and slot.key not in present:
            problems.append(f"请上传{slot.label}后再提交。")
    for child in kind.children:
        if child.applies(record.data):
            problems.extend(child_problems(record, child))
    return problems


def _transition(*, actor, record: Record, name: str, action: str, label: str, opinion: str = "",
                before=None) -> Record:
    """Perform the declared transition `name` on a locked copy of the record, and log it."""
    with transaction.atomic():
        locked = Record.objects.select_for_update().get(pk=record.pk)
        method = getattr(locked, name)
        if not can_proceed(method):
            raise RecordError("该业绩的状态已经变化，请刷新后再操作。")
        if not has_transition_perm(method, actor):
            raise PermissionDenied
        from_status, from_unit = locked.status, locked.unit_id
        if before is not None:
            before(locked)
        method()
        locked.save()
        flow_write(subject_type=SUBJECT, subject_id=locked.pk, actor=actor, role=_role_label(actor, locked),
                   action=action, label=label, from_status=from_status, to_status=locked.status,
                   opinion=opinion)
        _recount_move((from_unit, from_status), (locked.unit_id, locked.status), locked.kind)  # last (see there)
    return locked


def record_submit(*, actor, record: Record) -> Record:
    """The owner submits (提交) a draft or returned record to their unit for review."""
    kind = catalogue().kind(record.kind)

    def check_and_stamp(locked):
        problems = submission_problems(locked, kind, actor)
        if problems:
            raise RecordError(problems[0])
        locked.unit_id = actor.unit_id
        locked.submitted_at = timezone.now()

    return _transition(actor=actor, record=record, name="submit", action="submit", label="提交",
                       before=check_and_stamp)


def withdrawal_request(*, actor, record: Record, reason: str = "") -> Withdrawal:
    """The owner asks to withdraw (撤回) an approved record that no application cites."""
    kind = catalogue().kind(record.kind)
    if not catalogue().withdrawable(kind):
        raise RecordError(f"{kind.label}不支持撤回。")
    with transaction.atomic():
        locked = Record.objects.select_for_update().get(pk=record.pk)
        if locked.owner_id != actor.pk:
            raise PermissionDenied
        if locked.status != Status.APPROVED:
            raise RecordError("只有审核通过的业绩可以申请撤回。")
        if locked.source == Source.AUTO:
            # Pulled from an outside platform and approved without unit review: nothing for the unit to reopen.
            raise RecordError("自动生成的业绩不能申请撤回。")
        if record_is_cited(locked):
            raise RecordError("该业绩已被职称申报引用，不能撤回。")
        try:
            with transaction.atomic():
                withdrawal = Withdrawal.objects.create(record=locked, unit_id=locked.unit_id, reason=reason.strip())
        except IntegrityError:
            raise RecordError("该业绩已有待处理的撤回申请。") from None
        flow_write(subject_type=SUBJECT, subject_id=locked.pk, actor=actor, role=Role.APPLICANT.label,
                   action="withdraw_request", label="申请撤回", from_status=locked.status,
                   to_status=locked.status, opinion=reason.strip())
    return withdrawal




def evidence_add(*, actor, record: Record, files: list[CheckedFile]) -> None:
    """The owner adds evidence to an editable record (files already checked by core.uploads). StorageError
    (core.files) when the storage refuses one: none is kept."""
    with transaction.atomic(), FileStore() as store:
        record = Record.objects.select_for_update().get(pk=record.pk)
        if record.owner_id != actor.pk:
            raise PermissionDenied
        if not record.editable:
            raise RecordError("该业绩当前状态不能修改佐证材料。")
        evidence_store(store, record, files)


def evidence_remove(*, actor, evidence: Evidence) -> None:
    """The owner removes one evidence file from an editable record."""
    with transaction.atomic():
        record = Record.objects.select_for_update().get(pk=evidence.record_id)
        if record.owner_id != actor.pk:
            raise PermissionDenied
        if not record.editable:
            raise RecordError("该业绩当前状态不能修改佐证材料。")
        stored = evidence.file
        evidence.delete()
        transaction.on_commit(lambda: stored.delete(save=False))


def records_import_auto(*, owner, kind: KindSpec, rows: list[tuple[str, dict]]) -> int:
    """Rows pulled from an outside platform (继续教育 提取): approved at once, 来源 自动生成, keyed by
    external_key so that a second run adds nothing. Returns how many were new. Called by the importer."""
    created = 0
    for external_key, data in rows:
        with transaction.atomic():
            if Record.objects.filter(owner=owner, external_key=external_key).exists():
                continue
            record = Record(owner=owner, kind=kind.key, data=data, unit=owner.unit, status=Status.APPROVED,
                            source=Source.AUTO, external_key=external_key, submitted_at=timezone.now(),
                            decided_at=timezone.now())
            _denormalise(record, kind)
            try:
                with transaction.atomic():
                    record.save()
            except IntegrityError:
                continue  # imported concurrently by another run
            flow_write(subject_type=SUBJECT, subject_id=record.pk, actor=None, role="继续教育平台",
                       action="import", label="平台提取", to_status=record.status)
            _count(record.unit_id, record.kind, record.status, +1)  # the counter row last (_recount_move)
            created += 1
    return created


def validate_data(kind: KindSpec, data: dict) -> dict:
    """Validate raw field values through the generated form (used by importers); raises ValidationError."""
    form = record_form(kind, data=data)
    if not form.is_valid():
        # The messages already name their field in Chinese ("请从列表中选择继教类型。"); keys would be noise.
        raise ValidationError([message for errors in form.errors.values() for message in errors])
    return form.record_data()


def counters_rebuild() -> int:
    """Recompute every unit's counters from the records (operators, after bulk loads). Returns rows written."""
    with transaction.atomic():
        RecordCounter.objects.all().delete()
        rows = (
            Record.objects.exclude(unit=None).values("unit_id", "kind", "status").annotate(n=Count("pk")).order_by()
        )
        counters = [RecordCounter(unit_id=r["unit_id"], kind=r["kind"], status=r["status"], n=r["n"]) for r in rows]
        RecordCounter.objects.bulk_create(counters, batch_size=1000)
    return len(counters)


def import_batches(rows: list[dict], batch: int = IMPORT_BATCH) -> list[str]:
    """The validated rows of an import as its job keeps them until 正式导入: JSON documents of up to `batch`
    rows each. No document holds a raw "\\n" (JSON escapes it), so a job keeps its documents one per line
    (split on "\\n" only: splitlines() would also split at the U+2028 a document may hold)."""
    return [_document(rows[start:start + batch]) for start in range(0, len(rows), batch)]


def _document(records: list) -> str:
    """JSON text of validated rows: orjson (a tenth of the standard encoder's time on an import's rows), or
    the standard encoder for what orjson refuses (an integer beyond 64 bits); either way without ASCII escapes."""
    try:
        return orjson.dumps(records).decode()
    except TypeError:
        return json.dumps(records, ensure_ascii=False)


def _records_of(document: str) -> list:
    # The standard decoder: orjson would read an integer beyond 64 bits as a float.
    return json.loads(document)


def records_import_rows(*, owner, kind: KindSpec, rows: list[dict], progress=None, batch: int = IMPORT_BATCH) -> int:
    """records_import with the rows as the form left them (a dict per record)."""
    return records_import(owner=owner, kind=kind, batches=import_batches(rows, batch), progress=progress)


def records_import(*, owner, kind: KindSpec, batches: list[str], progress=None) -> int:
    """Create one 编辑中 record per validated row (Excel import of 卫生-病案), all or nothing, each with its history
    row and its flow entry, and the unit's counter moved once; `batches` as import_batches() makes them. Rows
    clashing with the owner's existing records (the type's unique_together) are refused. `progress(n)` is told
    how many rows are written, batch by batch."""
    with transaction.atomic():
        if kind.unique_together:
            existing = {
                tuple(str(d.get(k)) for k in kind.unique_together)
                for d in Record.objects.filter(owner=owner, kind=kind.key).values_list("data", flat=True)
            }
            # Decoded only when the owner has records of the type already (then a clash is possible).
            rows = (data for document in (batches if existing else ()) for data in _records_of(document))
            for line, row in enumerate(rows, start=1):
                if tuple(str(row.get(k)) for k in kind.unique_together) in existing:
                    raise RecordError(f"第{line}条与已有的{kind.label}重复，请删除后再导入。")
        write = _records_copy if transaction.get_connection().vendor == "postgresql" else _records_bulk_create
        created = 0
        for document in batches:
            rows = [(data, *_title_and_search(data, kind)) for data in _records_of(document)]
            created += write(owner, kind, rows)
            if progress:
                progress(created)
        _count(owner.unit_id, kind.key, Status.DRAFT, created)  # the counter row last (_recount_move)
    return created


def _import_flow(owner, subject_id: int = 0) -> FlowEntry:
    return FlowEntry(subject_type=SUBJECT, subject_id=subject_id, actor=owner, actor_name=owner.name,
                     role=Role.APPLICANT.label, action="excel_import", action_label="模板导入", to_status=Status.DRAFT)


def _records_bulk_create(owner, kind: KindSpec, rows: list) -> int:
    """One batch of an import: the records with their history rows (simple_history), then a flow entry each."""
    records = bulk_create_with_history(
        [Record(owner=owner, kind=kind.key, unit_id=owner.unit_id, data=data, title=title, search_text=search)
         for data, title, search in rows],
        Record, default_user=owner)
    FlowEntry.objects.bulk_create(_import_flow(owner, record.pk) for record in records)
    return len(records)


def _records_copy(owner, kind: KindSpec, rows: list) -> int:
    """_records_bulk_create on PostgreSQL, by COPY (core.pg_copy): the same records, history rows (as
    simple_history's bulk_create_with_history writes them: type "+", the owner as their user, no reason) and flow
    entries, in a third of the time the ORM's bulk insert spends compiling them."""
    template = Record(owner=owner, kind=kind.key, unit_id=owner.unit_id, data={})
    ids = copy_rows(Record, template, ("data", "title", "search_text"), rows, count=len(rows), ids=True)
    history = Record.history.model
    tracked = {f.attname for f in Record._meta.concrete_fields}  # as the template now holds them (auto_now set)
    copy_rows(history, history(history_date=timezone.now(), history_type="+", history_user=owner,
                               history_change_reason="",
                               **{f.attname: getattr(template, f.attname) for f in history._meta.concrete_fields
                                  if f.attname in tracked and f.attname != "id"}),
              ("id", "data", "title"), ((pk, data, title) for pk, (data, title, _s) in zip(ids, rows, strict=True)),
              count=len(rows))
    copy_rows(FlowEntry, _import_flow(owner), ("subject_id",), ((pk,) for pk in ids), count=len(ids))
    return len(ids)


def records_submit_batch(*, actor, records: list[Record]) -> tuple[int, list[str]]:
    """批量提交: submit each selected record on its own (all-or-nothing per record). Returns (submitted,
    reasons for the skipped ones)."""
    done, skipped = 0, []
    for record in records:
        try:
            record_submit(actor=actor, record=record)
            done += 1
        except (RecordError, PermissionDenied) as error:
            skipped.append(f"“{record.title}”：{error or '无权提交'}")
    return done, skipped
