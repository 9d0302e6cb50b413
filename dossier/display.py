"""Turning stored values into what people read: one formatter for lists, drawers, review pages and exports."""

from .catalogue import ColumnSpec, FieldSpec, KindSpec


def format_value(spec: FieldSpec, value) -> str:
    if value is None or value == "" or value == []:
        return ""
    if spec.type == "bool":
        return "是" if value else "否"
    if spec.type == "multichoice":
        return "、".join(value)
    return str(value)


def format_column(kind: KindSpec, column: ColumnSpec, record) -> str:
    data = record.data
    if column.format == "attribute":
        attribute = column.fields[0]
        return getattr(record, f"get_{attribute}_display", lambda: getattr(record, attribute))() or ""
    if column.format == "period":
        start, end = (data.get(k) or "" for k in column.fields)
        return f"{start} 至 {end or '至今'}" if start else ""
    if column.format == "rank":
        rank, total = (data.get(k) for k in column.fields)
        return f"{rank}/{total}" if rank and total else (str(rank) if rank else "")
    if column.format == "join":
        return " ".join(str(data.get(k) or "") for k in column.fields).strip()
    return format_value(kind.field(column.fields[0]), data.get(column.fields[0]))


def row_cells(kind: KindSpec, record) -> list[str]:
    return [format_column(kind, column, record) for column in kind.columns]


def detail_rows(kind: KindSpec, record) -> list[tuple[str, str]]:
    """(label, value) for every field that applies to this record."""
    return [
        (spec.label, format_value(spec, record.data.get(spec.key)))
        for spec in kind.fields
        if spec.visible(record.data)
    ]
