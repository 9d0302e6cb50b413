"""导出Excel of the applicant's 我的业绩 list of one type (the tab and search applied), through accounts.exports:
the list's columns (the type's declared columns, 状态, 申报日期); the list holds no personal numbers."""

from django.http import Http404
from django.utils import timezone

from accounts.exports import Listing, export_register

from . import items, selectors
from .catalogue import catalogue
from .display import row_cells
from .models import Status

STATUS_LABELS = dict(Status.choices)


def kind_of(params: dict):
    try:
        return catalogue().kind(params.get("kind", ""))
    except KeyError:
        raise Http404 from None


def record_columns(kind, *, owner: bool = False) -> list[str]:
    return ["序号", *(["申报人"] if owner else []), *(c.label for c in kind.columns), "状态", "申报日期"]


def record_row(kind, record, number: int, *, owner: str | None = None) -> list:
    submitted = timezone.localdate(record.submitted_at).isoformat() if record.submitted_at else ""
    return [number, *([owner] if owner is not None else []),
            *row_cells(kind, record, getattr(record, "child_counts", None)),
            STATUS_LABELS.get(record.status, record.status), submitted]


def child_counts_prepare(kind):
    """Each chunk's child-list sizes in one query (the count columns), as the list page reads its page's."""
    def prepare(records: list) -> None:
        counts = items.child_counts(records, kind)
        for record in records:
            record.child_counts = counts
    return prepare


def own_records_listing(user, params: dict) -> Listing:
    """The applicant's own records of `kind` (params kind, status, q), as 我的业绩 lists them."""
    kind = kind_of(params)
    status = params.get("status", "")
    status = status if status in STATUS_LABELS else ""
    q = params.get("q", "").strip()[:50]
    return Listing(title=f"我的业绩-{kind.label}", columns=record_columns(kind),
                   rows=selectors.own_records(user, kind=kind.key, status=status, q=q),
                   row=lambda record, number, masked: record_row(kind, record, number),
                   prepare=child_counts_prepare(kind),
                   filters={"类型": kind.label, "状态": STATUS_LABELS.get(status, "全部"), "搜索": q})


def register() -> None:
    export_register("own_records", own_records_listing)
