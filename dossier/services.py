"""Writes for the dossier. Every status change goes through `_transition`, which checks the permission,
locks the row, performs the declared django-fsm-2 transition and writes the flow log, in one transaction."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django_fsm import can_proceed, has_transition_perm

from accounts.models import Role
from review.models import FlowEntry
from review.services import flow_write

from .catalogue import KindSpec, catalogue
from .citations import record_is_cited
from .evidence import CheckedFile
from .models import Evidence, Record, RecordCounter, Source, Status, Withdrawal

SUBJECT = "record"


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
    """Move one record from (unit, status) `before` to `after` in the counters."""
    if before != after:
        _count(before[0], kind, before[1], -1)
        _count(after[0], kind, after[1], +1)


def _denormalise(record: Record, kind: KindSpec) -> None:
    record.title = str(record.data.get(kind.title) or "")[:200]
    record.search_text = " ".join(
        str(record.data.get(key) or "") for key in kind.search
    ).lower()


def record_create(*, owner, kind: KindSpec, data: dict, files: list[CheckedFile] = ()) -> Record:
    """The owner adds a record (保存: 编辑中). Any signed-in person may keep a draft dossier."""
    with transaction.atomic():
        record = Record(owner=owner, kind=kind.key, data=data, unit=owner.unit)
        _denormalise(record, kind)
        record.save()
        _count(record.unit_id, record.kind, record.status, +1)
        _evidence_save(record, files)
        flow_write(subject_type=SUBJECT, subject_id=record.pk, actor=owner, role=Role.APPLICANT.label,
                   action=FlowEntry.Action.CREATE, to_status=record.status)
    return record


def record_update(*, actor, record: Record, kind: KindSpec, data: dict, files: list[CheckedFile] = ()) -> Record:
    """The owner edits a record in 编辑中 or 退回."""
    with transaction.atomic():
        record = Record.objects.select_for_update().get(pk=record.pk)
        if record.owner_id != actor.pk:
            raise PermissionDenied
        if not record.editable:
            raise RecordError("该业绩当前状态不能修改。")
        record.data = data
        _denormalise(record, kind)
        record.save()
        _evidence_save(record, files)
        flow_write(subject_type=SUBJECT, subject_id=record.pk, actor=actor, role=Role.APPLICANT.label,
                   action=FlowEntry.Action.SAVE, from_status=record.status, to_status=record.status)
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
        _count(record.unit_id, record.kind, record.status, -1)
        record.delete()
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
    if kind.evidence.required and not record.evidence.exists():
        problems.append("请上传佐证材料后再提交。")
    return problems


def _transition(*, actor, record: Record, name: str, action: str, opinion: str = "", before=None) -> Record:
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
        _recount_move((from_unit, from_status), (locked.unit_id, locked.status), locked.kind)
        flow_write(subject_type=SUBJECT, subject_id=locked.pk, actor=actor, role=_role_label(actor, locked),
                   action=action, from_status=from_status, to_status=locked.status, opinion=opinion)
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

    return _transition(actor=actor, record=record, name="submit", action=FlowEntry.Action.SUBMIT,
                       before=check_and_stamp)


def record_decide(*, actor, record: Record, decision: str, opinion: str = "") -> Record:
    """A unit admin of the record's unit decides: approve (opinion optional), return (opinion required),
    terminate."""
    opinion = (opinion or "").strip()
    names = {"approve": ("approve", FlowEntry.Action.APPROVE), "return": ("return_", FlowEntry.Action.RETURN),
             "terminate": ("terminate", FlowEntry.Action.TERMINATE)}
    if decision not in names:
        raise RecordError("未知的审核操作。")
    if decision == "return" and not opinion:
        raise RecordError("退回时必须填写审核意见。")
    name, action = names[decision]

    def stamp(locked):
        locked.decided_at = timezone.now()

    return _transition(actor=actor, record=record, name=name, action=action, opinion=opinion, before=stamp)


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
        if record_is_cited(locked):
            raise RecordError("该业绩已被职称申报引用，不能撤回。")
        try:
            with transaction.atomic():
                withdrawal = Withdrawal.objects.create(record=locked, unit_id=locked.unit_id, reason=reason.strip())
        except IntegrityError:
            raise RecordError("该业绩已有待处理的撤回申请。") from None
        flow_write(subject_type=SUBJECT, subject_id=locked.pk, actor=actor, role=Role.APPLICANT.label,
                   action=FlowEntry.Action.WITHDRAW_REQUEST, from_status=locked.status,
                   to_status=locked.status, opinion=reason.strip())
    return withdrawal


def withdrawal_decide(*, actor, withdrawal: Withdrawal, grant: bool, opinion: str = "") -> Withdrawal:
    """A unit admin of the record's unit grants (record back to 编辑中) or refuses (reason required)."""
    opinion = (opinion or "").strip()
    if not grant and not opinion:
        raise RecordError("不同意撤回时必须填写理由。")
    with transaction.atomic():
        locked = Withdrawal.objects.select_for_update().select_related("record").get(pk=withdrawal.pk)
        if locked.state != Withdrawal.State.PENDING:
            raise RecordError("该撤回申请已处理。")
        record = locked.record
        if grant:
            if record_is_cited(record):
                raise RecordError("该业绩已被职称申报引用，不能撤回。")
            _transition(actor=actor, record=record, name="reopen", action=FlowEntry.Action.WITHDRAW_GRANT,
                        opinion=opinion)
        else:
            if not has_transition_perm(record.reopen, actor):
                raise PermissionDenied
            flow_write(subject_type=SUBJECT, subject_id=record.pk, actor=actor, role=Role.UNIT_ADMIN.label,
                       action=FlowEntry.Action.WITHDRAW_REFUSE, from_status=record.status,
                       to_status=record.status, opinion=opinion)
        locked.state = Withdrawal.State.GRANTED if grant else Withdrawal.State.REFUSED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.opinion = opinion
        locked.save()
    return locked


def _evidence_save(record: Record, files) -> None:
    for checked in files:
        evidence = Evidence(record=record, name=checked.name, size=checked.size, content_type=checked.content_type)
        evidence.file.save(checked.name, checked.upload, save=False)
        evidence.save()


def evidence_add(*, actor, record: Record, files: list[CheckedFile]) -> None:
    """The owner adds evidence to an editable record (files already checked by dossier.evidence)."""
    with transaction.atomic():
        record = Record.objects.select_for_update().get(pk=record.pk)
        if record.owner_id != actor.pk:
            raise PermissionDenied
        if not record.editable:
            raise RecordError("该业绩当前状态不能修改佐证材料。")
        _evidence_save(record, files)


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
            _count(record.unit_id, record.kind, record.status, +1)
            flow_write(subject_type=SUBJECT, subject_id=record.pk, actor=None, role="继续教育平台",
                       action=FlowEntry.Action.IMPORT, to_status=record.status)
            created += 1
    return created


def validate_data(kind: KindSpec, data: dict) -> dict:
    """Validate raw field values through the generated form (used by importers); raises ValidationError."""
    from .forms import record_form

    form = record_form(kind, data=data)
    if not form.is_valid():
        raise ValidationError(form.errors.as_text())
    return form.record_data()


def counters_rebuild() -> int:
    """Recompute every unit's counters from the records (operators, after bulk loads). Returns rows written."""
    from django.db.models import Count

    with transaction.atomic():
        RecordCounter.objects.all().delete()
        rows = (
            Record.objects.exclude(unit=None).values("unit_id", "kind", "status").annotate(n=Count("pk")).order_by()
        )
        counters = [RecordCounter(unit_id=r["unit_id"], kind=r["kind"], status=r["status"], n=r["n"]) for r in rows]
        RecordCounter.objects.bulk_create(counters, batch_size=1000)
    return len(counters)
