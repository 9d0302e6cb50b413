"""A filed application as reviewers read it: every section of its snapshot, with the attachments."""

from dossier.display import format_value

from .sections import sections


def rows_view(fields, rows, files_by_row) -> list[dict]:
    """Rows as tables show them: formatted cells and the row's files (the section pages and the review page)."""
    return [{"id": row["id"], "record_id": row.get("record_id"),
             "cells": [format_value(f, row["values"].get(f.key)) for f in fields],
             "files": files_by_row.get(row["id"], [])} for row in rows]


def snapshot_sections(application) -> list[dict]:
    """[{key, label, fields: [(label, value)], columns, rows, groups, files}] in section order, from the snapshot
    (what was filed), never from the editable data."""
    snapshot = application.snapshot or {}
    stored = snapshot.get("sections", {})
    files = snapshot.get("files", [])
    shown = []
    for section in sections().for_series(snapshot.get("series", application.series)):
        data = stored.get(section.key, {})
        values = data.get("values", {})
        section_files = [f for f in files if f["section"] == section.key]
        by_row: dict[str, list] = {}
        for f in section_files:
            if f["row_id"]:
                by_row.setdefault(f["row_id"], []).append(f)
        slot_labels = {slot.key: slot.label for slot in section.attachments}
        shown.append({
            "key": section.key, "label": section.label, "kind": section.kind,
            "fields": [(f.label, format_value(f, values.get(f.key))) for f in section.fields
                       if section.kind == "fields" and f.visible(values)],
            "columns": [f.label for f in section.fields] if section.is_rows else [],
            "rows": rows_view(section.fields, data.get("rows", []), by_row) if section.is_rows else [],
            "groups": [{"label": g.label, "columns": [f.label for f in g.fields],
                        "rows": rows_view(g.fields, data.get("groups", {}).get(g.key, []), {})}
                       for g in section.groups if data.get("groups", {}).get(g.key)],
            "files": [{**f, "slot_label": slot_labels.get(f["slot"], f["slot"])}
                      for f in section_files if not f["row_id"]],
        })
    return shown
