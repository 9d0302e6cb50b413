"""导出Excel of the unit's record review list of one type (the tab and search applied), through accounts.exports:
申报人 and the type's list columns, 状态, 申报日期, as the list shows them (no personal numbers)."""

from django.http import Http404

from accounts.exports import Listing, export_register
from dossier.exports import STATUS_LABELS, child_counts_prepare, kind_of, record_columns, record_row

from . import selectors
from .scopes import unit_ids

REVIEWED = ("pending", "approved", "returned")  # the list's tabs besides 全部


def unit_records_listing(user, params: dict) -> Listing:
    """The unit's submitted records of `kind` (params kind, status, q); 404 for someone who reviews no unit."""
    if not unit_ids(user):
        raise Http404
    kind = kind_of(params)
    status = params.get("status", "")
    status = status if status in REVIEWED else ""
    q = params.get("q", "").strip()[:50]
    return Listing(title=f"业绩审核-{kind.label}", columns=record_columns(kind, owner=True),
                   rows=selectors.unit_records_all(user, kind=kind.key, status=status, q=q),
                   row=lambda record, number, masked: record_row(kind, record, number, owner=record.owner_name),
                   prepare=child_counts_prepare(kind),
                   filters={"类型": kind.label, "状态": STATUS_LABELS.get(status, "全部"), "搜索": q})


def register() -> None:
    export_register("unit_records", unit_records_listing)
