"""Child lists of a record (病案 of a 专题 or 论文, 参考文献 of a 综述): rows, order, thresholds, 调整.

Rows may be changed while the record is editable; after submission the owner may still adjust (调整) them,
which is logged in the flow. A terminated record's rows are frozen.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Max

from accounts.models import Role
from core.files import FileStore
from core.flow import flow_write
from core.uploads import CheckedFile

from .catalogue import ChildListSpec, KindSpec
from .evidence import evidence_store
from .models import Record, RecordItem, Status


class ItemError(Exception):
    """A refused change to a child list; the message is Chinese."""


def _years_ago(today: datetime.date, years: int) -> datetime.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def is_recent(child: ChildListSpec, data: dict, today: datetime.date | None = None) -> bool:
    """A row is recent when every one of its recent_fields is within the last `recent_years`: a date on or
    after the same day that many years ago, a year later than this year minus `recent_years` (近3年 in 2026:
    2024, 2025, 2026)."""
    today = today or datetime.date.today()
    for key in child.recent_fields:
        value = data.get(key)
        if value in (None, ""):
            return False
        if child.field(key).type == "year":
            if int(value) <= today.year - child.recent_years:
                return False
        elif datetime.date.fromisoformat(str(value)) < _years_ago(today, child.recent_years):
            return False
    return True


def child_problems(record: Record, child: ChildListSpec, today: datetime.date | None = None) -> list[str]:
    """Why the record's `child` list does not yet allow submission, each said exactly."""
    rows = list(record.items.filter(list_key=child.key).order_by("position", "pk"))
    problems = []
    if len(rows) < child.min_count:
        problems.append(f"{child.label}数量不足：至少需要{child.min_count}条，当前{len(rows)}条。")
    if child.recent_years:
        stale = [i for i, row in enumerate(rows, start=1) if not is_recent(child, row.data, today)]
        if child.recent_min is None:
            if stale:
                shown = "、".join(f"第{i}条" for i in stale[:10]) + ("等" if len(stale) > 10 else "")
                problems.append(f"{child.label}须为近{child.recent_years}年内的：{shown}不在近{child.recent_years}年内。")
        else:
            recent = len(rows) - len(stale)
            if recent < child.recent_min:
                problems.append(
                    f"近{child.recent_years}年的{child.label}至少需要{child.recent_min}条，当前{recent}条。"
                )
    if child.item_attachment and child.item_attachment.required:
        with_file = set(record.evidence.filter(item__in=rows).values_list("item_id", flat=True))
        missing = [i for i, row in enumerate(rows, start=1) if row.pk not in with_file]
        if missing:
            shown = "、".join(f"第{i}条" for i in missing[:10]) + ("等" if len(missing) > 10 else "")
            problems.append(f"每条{child.label}都须上传附件：{shown}缺少附件。")
    return problems


def _locked_record_for_items(actor, record: Record) -> tuple[Record, bool]:
    """Lock the record and check the owner may change its rows; returns (record, is_adjustment)."""
    locked = Record.objects.select_for_update().get(pk=record.pk)
    if locked.owner_id != actor.pk:
        raise PermissionDenied
    if locked.status == Status.TERMINATED:
        raise ItemError("已终止的业绩不能调整。")
    return locked, not locked.editable


def _log_adjustment(actor, record: Record, child: ChildListSpec, what: str) -> None:
    flow_write(subject_type="record", subject_id=record.pk, actor=actor, role=Role.APPLICANT.label,
               action="adjust", label="调整", from_status=record.status, to_status=record.status,
               opinion=f"调整{child.label}：{what}")


def _duplicate(record: Record, child: ChildListSpec, data: dict, exclude: int | None = None) -> bool:
    if not child.unique_together:
        return False
    key = tuple(str(data.get(k)) for k in child.unique_together)
    rows = RecordItem.objects.filter(record=record, list_key=child.key).exclude(pk=exclude)
    return any(tuple(str(r.data.get(k)) for k in child.unique_together) == key for r in rows)


def item_add(*, actor, record: Record, child: ChildListSpec, data: dict,
             attachment: CheckedFile | None = None) -> RecordItem:
    """The owner adds a row at the end of a child list (an 调整 after submission). StorageError (core.files)
    when the storage refuses the attachment: nothing is added."""
    with transaction.atomic(), FileStore() as store:
        locked, adjusting = _locked_record_for_items(actor, record)
        if _duplicate(locked, child, data):
            raise ItemError(f"该{child.label}已存在，请勿重复添加。")
        last = RecordItem.objects.filter(record=locked, list_key=child.key).aggregate(m=Max("position"))["m"]
        item = RecordItem.objects.create(record=locked, list_key=child.key, position=(last or 0) + 1, data=data)
        if attachment is not None:
            evidence_store(store, locked, [], {"item": [attachment]}, item=item)
        if adjusting:
            _log_adjustment(actor, locked, child, f"新增第{item.position}条")
    return item


def item_update(*, actor, item: RecordItem, child: ChildListSpec, data: dict,
                attachment: CheckedFile | None = None) -> RecordItem:
    with transaction.atomic(), FileStore() as store:
        locked, adjusting = _locked_record_for_items(actor, item.record)
        if _duplicate(locked, child, data, exclude=item.pk):
            raise ItemError(f"该{child.label}已存在，请勿重复添加。")
        item.data = data
        item.save(update_fields=["data"])
        if attachment is not None:
            old = list(item.evidence.all())
            evidence_store(store, locked, [], {"item": [attachment]}, item=item)
            for evidence in old:
                stored = evidence.file
                evidence.delete()
                transaction.on_commit(lambda stored=stored: stored.delete(save=False))
        if adjusting:
            _log_adjustment(actor, locked, child, "修改一条")
    return item


def item_delete(*, actor, item: RecordItem, child: ChildListSpec) -> None:
    with transaction.atomic():
        locked, adjusting = _locked_record_for_items(actor, item.record)
        files = [e.file for e in item.evidence.all()]
        item.delete()
        transaction.on_commit(lambda: [f.delete(save=False) for f in files])
        if adjusting:
            _log_adjustment(actor, locked, child, "删除一条")


def item_move(*, actor, item: RecordItem, child: ChildListSpec, up: bool) -> None:
    """↑ / ↓: swap a row with its neighbour."""
    with transaction.atomic():
        locked, adjusting = _locked_record_for_items(actor, item.record)
        rows = list(RecordItem.objects.filter(record=locked, list_key=child.key).order_by("position", "pk"))
        index = next(i for i, row in enumerate(rows) if row.pk == item.pk)
        other = index - 1 if up else index + 1
        if not 0 <= other < len(rows):
            return
        rows[index], rows[other] = rows[other], rows[index]
        for position, row in enumerate(rows, start=1):
            if row.position != position:
                row.position = position
                row.save(update_fields=["position"])
        if adjusting:
            _log_adjustment(actor, locked, child, "调整排序")


def items_import(*, actor, record: Record, child: ChildListSpec, rows: list[dict]) -> int:
    """Append validated rows from an Excel import, all or nothing. Returns how many were added."""
    with transaction.atomic():
        locked, adjusting = _locked_record_for_items(actor, record)
        existing = list(RecordItem.objects.filter(record=locked, list_key=child.key))
        if child.unique_together:
            seen = {tuple(str(r.data.get(k)) for k in child.unique_together) for r in existing}
            clashes = [i for i, row in enumerate(rows, start=1)
                       if tuple(str(row.get(k)) for k in child.unique_together) in seen]
            if clashes:
                raise ItemError(f"第{clashes[0]}行的{child.label}已存在于列表中，请删除后再导入。")
        start = max((r.position for r in existing), default=0)
        RecordItem.objects.bulk_create(
            [RecordItem(record=locked, list_key=child.key, position=start + i, data=row)
             for i, row in enumerate(rows, start=1)],
            batch_size=500,
        )
        if adjusting:
            _log_adjustment(actor, locked, child, f"导入{len(rows)}条")
    return len(rows)


def items_of(record: Record, child: ChildListSpec) -> list[RecordItem]:
    """The rows of one child list in order, with their attachments (two queries)."""
    return list(
        RecordItem.objects.filter(record=record, list_key=child.key).order_by("position", "pk")
        .prefetch_related("evidence")
    )


def child_counts(records: list[Record], kind: KindSpec) -> dict[tuple[int, str], int]:
    """{(record id, list key): rows} for a page of records, in one query (the 病案数量 column)."""
    if not kind.children or not records:
        return {}
    rows = (
        RecordItem.objects.filter(record__in=records).values_list("record_id", "list_key")
        .annotate(n=Count("pk")).order_by()
    )
    return {(record_id, key): n for record_id, key, n in rows}
