"""Child lists (病案, 参考文献), Excel templates and imports, and 批量提交 — generic over the catalogue."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core.excel import ExcelError
from core.files import StorageError
from core.uploads import check_upload

from . import imports, items, selectors, services
from .catalogue import catalogue
from .display import format_value
from .forms import item_form
from .models import ImportJob, Record, RecordItem


def _own_record_and_child(user, pk, child_key):
    record = selectors.own_record_get(user, pk)
    try:
        kind = catalogue().kind(record.kind)
        child = kind.child(child_key)
    except (KeyError, StopIteration):
        raise Http404 from None
    return record, kind, child


def _rows(record, child):
    return [
        {"item": item, "cells": [format_value(spec, item.data.get(spec.key)) for spec in child.fields],
         "files": list(item.evidence.all())}
        for item in items.items_of(record, child)
    ]


def _checked_attachment(request, child, errors):
    upload = request.FILES.get("attachment")
    if upload is None or child.item_attachment is None:
        return None
    try:
        return check_upload(upload, child.item_attachment)
    except Exception as error:  # ValidationError: its messages are Chinese
        errors.extend(getattr(error, "messages", [str(error)]))
        return None


@login_required
def items_page(request, pk, child_key):
    """The child list of a record: add, edit, delete, ↑ ↓, import; after submission this is 调整."""
    record, kind, child = _own_record_and_child(request.user, pk, child_key)
    form = item_form(child, data=request.POST if request.method == "POST" else None)
    attachment_errors: list[str] = []
    storage_failed = False
    if request.method == "POST":
        attachment = _checked_attachment(request, child, attachment_errors)
        if form.is_valid() and not attachment_errors:
            try:
                items.item_add(actor=request.user, record=record, child=child, data=form.record_data(),
                               attachment=attachment)
            except items.ItemError as error:
                messages.error(request, str(error))
            except StorageError as error:
                attachment_errors.append(str(error))
                storage_failed = True
            else:
                messages.success(request, f"已添加一条{child.label}。")
                return redirect("dossier:items", pk=record.pk, child_key=child.key)
    rows = _rows(record, child)
    return render(request, "dossier/items.html", {
        "record": record, "kind": kind, "child": child, "rows": rows, "form": form,
        "attachment_errors": attachment_errors, "storage_failed": storage_failed,
        "problems": items.child_problems(record, child),
        "adjusting": not record.editable,
    })


@login_required
def item_edit(request, pk, child_key, item_pk):
    record, kind, child = _own_record_and_child(request.user, pk, child_key)
    item = RecordItem.objects.filter(pk=item_pk, record=record, list_key=child.key).first()
    if item is None:
        raise Http404
    form = item_form(child, data=request.POST if request.method == "POST" else None, initial=item.data)
    attachment_errors: list[str] = []
    storage_failed = False
    if request.method == "POST":
        attachment = _checked_attachment(request, child, attachment_errors)
        if form.is_valid() and not attachment_errors:
            try:
                items.item_update(actor=request.user, item=item, child=child, data=form.record_data(),
                                  attachment=attachment)
            except items.ItemError as error:
                messages.error(request, str(error))
            except StorageError as error:
                attachment_errors.append(str(error))
                storage_failed = True
            else:
                messages.success(request, f"已保存{child.label}。")
                return redirect("dossier:items", pk=record.pk, child_key=child.key)
    return render(request, "dossier/item_edit.html", {
        "record": record, "kind": kind, "child": child, "item": item, "form": form,
        "attachment_errors": attachment_errors, "storage_failed": storage_failed, "files": list(item.evidence.all()),
    })


@login_required
@require_POST
def item_action(request, pk, child_key, item_pk, action):
    record, kind, child = _own_record_and_child(request.user, pk, child_key)
    item = RecordItem.objects.filter(pk=item_pk, record=record, list_key=child.key).first()
    if item is None or action not in ("up", "down", "delete"):
        raise Http404
    try:
        if action == "delete":
            items.item_delete(actor=request.user, item=item, child=child)
            messages.success(request, f"已删除一条{child.label}。")
        else:
            items.item_move(actor=request.user, item=item, child=child, up=action == "up")
            # Back to the moved row, not to the top of a long list.
            back = reverse("dossier:items", kwargs={"pk": record.pk, "child_key": child.key})
            return redirect(f"{back}#item-{item.pk}")
    except items.ItemError as error:
        messages.error(request, str(error))
    return redirect("dossier:items", pk=record.pk, child_key=child.key)


@login_required
def template_download(request, kind_key, child_key=""):
    """病案模板下载 and the other templates, generated from the catalogue."""
    try:
        kind = catalogue().kind(kind_key)
        child = kind.child(child_key) if child_key else None
    except (KeyError, StopIteration):
        raise Http404 from None
    if child is None and not kind.importable:
        raise Http404
    name, content = imports.template_for(kind, child)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@login_required
@require_POST
def import_upload(request, kind_key, pk=None, child_key=""):
    """导入: upload a filled template; the next page previews every row."""
    if pk is not None:
        record, kind, child = _own_record_and_child(request.user, pk, child_key)
    else:
        try:
            kind = catalogue().kind(kind_key)
        except KeyError:
            raise Http404 from None
        if not kind.importable:
            raise Http404
        record, child = None, None
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择要导入的Excel文件。")
        return redirect(request.POST.get("next") or "dossier:home")
    try:
        job = imports.import_start(actor=request.user, kind=kind, upload=upload, record=record, child=child)
    except StorageError as error:  # the storage refused the file; no job was saved
        messages.error(request, str(error))
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
            back = reverse("dossier:home")
        return redirect(back)
    return redirect("dossier:import_job", job_pk=job.pk)


def _own_job(user, job_pk) -> ImportJob:
    job = ImportJob.objects.filter(pk=job_pk, owner=user).select_related("record").first()
    if job is None:
        raise Http404
    return job


@login_required
def import_job(request, job_pk):
    """The preview: 允许导入 or each error by row and column; progress while a background task runs (a job whose
    worker died is marked failed here, and can be imported again)."""
    job = _own_job(request.user, job_pk)
    if job.state in imports.RUNNING and imports.import_jobs_expire(job_id=job.pk):
        job = _own_job(request.user, job_pk)
    kind = catalogue().kind(job.kind)
    child = kind.child(job.child_key) if job.child_key else None
    specs = child.fields if child else kind.fields
    preview = []
    if job.state in (ImportJob.State.READY, ImportJob.State.INVALID):
        # Every row with its verdict: 允许导入, or its errors (SPEC §3.2).
        by_line: dict[int, list[str]] = {}
        for error in job.errors:
            by_line.setdefault(error.get("line"), []).append(f"{error['column']}：{error['message']}")
        for index, row in enumerate(job.rows[:200], start=1):
            line = row.get("_line")
            cells = [format_value(spec, row.get(spec.key)) for spec in specs]
            preview.append({"n": index, "line": line, "cells": cells, "errors": by_line.get(line, []) if line else []})
    context = {"job": job, "kind": kind, "child": child, "specs": specs, "preview": preview,
               "errors": job.errors[:500],
               "running": job.state in (ImportJob.State.VALIDATING, ImportJob.State.IMPORTING)}
    if request.headers.get("HX-Request"):
        if not context["running"]:
            response = HttpResponse("")
            response["HX-Refresh"] = "true"  # finished: show the whole result page
            return response
        return render(request, "dossier/_import_progress.html", context)
    return render(request, "dossier/import_job.html", context)


@login_required
@require_POST
def import_commit(request, job_pk):
    """正式导入."""
    job = _own_job(request.user, job_pk)
    try:
        job = imports.import_commit(actor=request.user, job=job)
    except ExcelError as error:
        messages.error(request, str(error))
        return redirect("dossier:import_job", job_pk=job.pk)
    if job.state == ImportJob.State.DONE:
        messages.success(request, job.message)
        if job.record_id:
            return redirect("dossier:items", pk=job.record_id, child_key=job.child_key)
        return redirect("dossier:list", kind_key=job.kind)
    if job.state == ImportJob.State.FAILED:
        messages.error(request, job.message)
    return redirect("dossier:import_job", job_pk=job.pk)


@login_required
@require_POST
def batch_submit(request, kind_key):
    """批量提交 of the selected records of one type."""
    try:
        kind = catalogue().kind(kind_key)
    except KeyError:
        raise Http404 from None
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
    records = list(Record.objects.filter(owner=request.user, kind=kind.key, pk__in=ids))
    if not records:
        messages.error(request, "请先勾选要提交的记录。")
        return redirect("dossier:list", kind_key=kind.key)
    done, skipped = services.records_submit_batch(actor=request.user, records=records)
    if skipped:
        reasons = "；".join(reason.rstrip("。") for reason in skipped[:10])  # each reason ends with 。
        messages.warning(request, f"已提交 {done} 条；未提交 {len(skipped)} 条：{reasons}。")
    else:
        messages.success(request, f"已批量提交 {done} 条{kind.label}，等待单位审核。")
    return redirect("dossier:list", kind_key=kind.key)



