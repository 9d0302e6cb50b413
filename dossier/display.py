"""Turning stored values into what people read: one formatter for lists, drawers, review pages and exports."""

import datetime

from django.utils import timezone

from .catalogue import ColumnSpec, FieldSpec, KindSpec
from .items import items_of


def format_value(spec: FieldSpec, value) -> str:
    if value is None or value == "" or value == []:
        return ""
    if spec.type == "bool":
        return "是" if value else "否"
    if spec.type == "multichoice":
        return "、".join(value)
    return str(value)


def format_column(kind: KindSpec, column: ColumnSpec, record, counts: dict | None = None) -> str:
    data = record.data
    if column.format == "attribute":
        attribute = column.fields[0]
        value = getattr(record, f"get_{attribute}_display", lambda: getattr(record, attribute))()
        if isinstance(value, datetime.datetime):
            return timezone.localtime(value).strftime("%Y-%m-%d")
        return value or ""
    if column.format == "count":
        return str((counts or {}).get((record.pk, column.fields[0]), 0))
    if column.format == "period":
        start, end = (data.get(k) or "" for k in column.fields)
        return f"{start} 至 {end or '至今'}" if start else ""
    if column.format == "rank":
        rank, total = (data.get(k) for k in column.fields)
        return f"{rank}/{total}" if rank and total else (str(rank) if rank else "")
    if column.format == "join":
        return " ".join(str(data.get(k) or "") for k in column.fields).strip()
    return format_value(kind.field(column.fields[0]), data.get(column.fields[0]))


def row_cells(kind: KindSpec, record, counts: dict | None = None) -> list[str]:
    """The list columns of one record; `counts` holds child-list sizes for count columns (items.child_counts)."""
    return [format_column(kind, column, record, counts) for column in kind.columns]


def list_row(kind: KindSpec, record, counts: dict | None = None) -> dict:
    """What a list row shows of one record: the type's columns as (nowrap, text) and the submission date, "—"
    where there is none."""
    cells = row_cells(kind, record, counts)
    return {"cells": [(column.nowrap, cell or "—") for column, cell in zip(kind.columns, cells, strict=True)],
            "submitted": timezone.localdate(record.submitted_at).isoformat() if record.submitted_at else "—"}


def detail_rows(kind: KindSpec, record) -> list[tuple[str, str]]:
    """(label, value) for every field that applies to this record."""
    return [
        (spec.label, format_value(spec, record.data.get(spec.key)))
        for spec in kind.fields
        if spec.visible(record.data)
    ]


def child_tables(kind: KindSpec, record) -> list[dict]:
    """The record's child lists as tables (病案, 参考文献) for the drawer and the review page."""
    tables = []
    for child in kind.children:
        if not child.applies(record.data):
            continue
        rows = [
            {"cells": [format_value(spec, item.data.get(spec.key)) for spec in child.fields],
             "files": list(item.evidence.all())}
            for item in items_of(record, child)
        ]
        tables.append({"spec": child, "headers": [spec.label for spec in child.fields], "rows": rows})
    return tables
