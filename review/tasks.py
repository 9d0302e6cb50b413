"""The task centre (任务中心): one queue of everything pending for a unit, fed by registered sources.

A source is a plain entry in TASK_SOURCES; applications add theirs with `task_source_register` when their app is
ready (applications.chain.register).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from dossier.catalogue import catalogue
from dossier.models import Withdrawal

from .selectors import pending_records, unit_withdrawals


@dataclass(frozen=True)
class TaskItem:
    source: str
    category: str
    title: str
    person: str
    submitted_at: object
    url: str
    record_id: int | None = None  # set for dossier records: the batch action applies to them


@dataclass(frozen=True)
class TaskSource:
    key: str
    label: str
    items: Callable  # (user, limit) -> list[TaskItem], oldest first


TASK_SOURCES: dict[str, TaskSource] = {}


def task_source_register(source: TaskSource) -> None:
    TASK_SOURCES[source.key] = source


def tasks_for(user, *, limit: int = 100) -> list[TaskItem]:
    """Every source's pending items for the user, merged oldest first."""
    items = [item for source in TASK_SOURCES.values() for item in source.items(user, limit)]
    return sorted(items, key=lambda item: item.submitted_at)[:limit]


def _record_items(user, limit):
    labels = {k.key: k.label for k in catalogue().kinds()}
    return [
        TaskItem(source="record", category=f"业绩审核 · {labels.get(r.kind, r.kind)}", title=r.title,
                 person=r.owner.name, submitted_at=r.submitted_at,
                 url=reverse("review:record", args=[r.pk]), record_id=r.pk)
        for r in pending_records(user, limit=limit) if r.kind in labels
    ]


def _withdrawal_items(user, limit):
    if not catalogue().withdrawal:  # a province without 撤回 (Anhui)
        return []
    return [
        TaskItem(source="withdrawal", category="撤回申请", title=w.record.title, person=w.record.owner.name,
                 submitted_at=w.requested_at, url=reverse("review:withdrawals") + f"#w{w.pk}")
        for w in unit_withdrawals(user, state=Withdrawal.State.PENDING).exclude(record__owner_id=user.pk)[:limit]
    ]


task_source_register(TaskSource(key="record", label="业绩审核", items=_record_items))
task_source_register(TaskSource(key="withdrawal", label="撤回申请", items=_withdrawal_items))
