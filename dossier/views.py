"""The applicant's dossier pages: one set of views for every record type, driven by the catalogue."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import get_script_prefix, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import get_language
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from accounts.export_views import export_response
from core.files import StorageError, stored_file_response
from core.flow import flow_for
from core.paging import per_page
from core.uploads import check_uploads

from . import items, selectors, services
from .catalogue import catalogue
from .continuing_education import extract_for
from .display import child_tables, detail_rows, list_row
from .forms import record_form
from .models import Status, Withdrawal

STATUS_TABS = [("", "全部"), (Status.PENDING, "审核中"), (Status.APPROVED, "审核通过"), (Status.RETURNED, "退回")]
LIST_TEMPLATE = "dossier/list.html"
DONUT_STATUSES = [
    ("", "全部"), (Status.PENDING, "审核中"), (Status.APPROVED, "通过"), (Status.TERMINATED, "终止"),
    (Status.RETURNED, "退回"), (Status.DRAFT, "编辑中"),
]


def _kind_or_404(key: str):
    try:
        return catalogue().kind(key)
    except KeyError:
        raise Http404 from None


def _menu(counts, user, kind=None) -> dict:
    """The left menu: categories with each type's (total/approved), `kind` active; series-limited categories
    (行业专用) only for applicants of those series. Each entry is a cached fragment (dossier/_menu.html) keyed by
    `menu_scope` (what decides every entry's markup besides its type, the active type and its counts: the
    catalogue, the language and the URL prefix) and those."""
    sections = catalogue().by_category_for(getattr(user, "series", ""))
    return {"menu": [(label, [(k, counts.get(k.key)) for k in kinds]) for _key, label, kinds in sections],
            "menu_scope": _menu_scope(), "active": kind.key if kind else ""}


def _menu_scope() -> str:
    return f"{catalogue().version}|{get_language()}|{get_script_prefix()}"


@login_required
def home(request):
    """我的业绩: 温馨提示 and a donut per category of 全部/审核中/通过/终止/退回."""
    counts = selectors.own_counts(request.user)
    charts = []
    for key, label, kinds in catalogue().by_category_for(request.user.series):
        values = []
        for status, _ in DONUT_STATUSES:
            values.append(sum(
                (counts[k.key].total if not status else counts[k.key].by_status.get(status, 0))
                for k in kinds if k.key in counts
            ))
        charts.append({"key": key, "label": label, "values": values})
    return render(request, "dossier/home.html", {
        **_menu(counts, request.user), "charts": charts, "donut_labels": [label for _, label in DONUT_STATUSES],
    })


@login_required
def kind_list(request, kind_key):
    kind = _kind_or_404(kind_key)
    status = request.GET.get("status", "")
    if status not in dict(STATUS_TABS):
        status = ""
    q = request.GET.get("q", "").strip()
    if request.GET.get("format") == "xlsx":  # 导出Excel: the whole list, the tab and search applied
        return export_response(request, "own_records", params={"kind": kind.key, "status": status, "q": q},
                               back_url=request.path + "?" + urlencode({"status": status, "q": q}))
    counts = selectors.own_counts(request.user)
    mine = counts.get(kind.key) or selectors.KindCounts()
    records = selectors.own_records(request.user, kind=kind.key, status=status, q=q)
    if q:
        paginator = Paginator(records, per_page(request, catalogue().page_size))
    else:  # the tab counts already know the total: no COUNT query
        total = mine.by_status.get(status, 0) if status else mine.total
        paginator = selectors.KnownCountPaginator(records, per_page(request, catalogue().page_size), count=total)
    page = paginator.get_page(request.GET.get("page"))
    records = list(page.object_list)
    child_counts = items.child_counts(records, kind)
    withdrawable = catalogue().withdrawable(kind)
    rows = [{"record": record, "number": number, **list_row(kind, record, child_counts),
             "withdraw": record.status == Status.APPROVED and withdrawable and record.source == "user"}
            for number, record in enumerate(records, page.start_index())]
    tabs = [(value, label, mine.by_status.get(value, 0) if value else mine.total) for value, label in STATUS_TABS]
    return render(request, LIST_TEMPLATE, {"kind": kind, "rows": rows, "page": page, "tabs": tabs,
                                           "status": status, "q": q, **_menu(counts, request.user, kind),
                                           "export_href": "?" + urlencode({"status": status, "q": q,
                                                                           "format": "xlsx"})})


def _slot_input(slot) -> str:
    return "evidence" if slot.key == "evidence" else f"slot_{slot.key}"


def _saved(request, kind, record):
    """After 保存 or 提交 of the form: submit when asked, then the list (or the record's child lists)."""
    if request.POST.get("action") == "submit":
        try:
            services.record_submit(actor=request.user, record=record)
        except (services.RecordError, PermissionDenied) as error:
            messages.error(request, f"已保存为编辑中，但未能提交：{str(error) or '没有提交权限。'}")
            return redirect("dossier:edit", pk=record.pk)
        messages.success(request, f"{kind.label}已提交，等待单位审核。")
    else:
        lists = [c for c in kind.children if c.applies(record.data)]
        if lists:
            messages.success(request, f"{kind.label}已保存（编辑中），请录入{'、'.join(c.label for c in lists)}。")
            return redirect("dossier:edit", pk=record.pk)
        messages.success(request, f"{kind.label}已保存（编辑中）。")
    return redirect("dossier:list", kind_key=kind.key)


def _form_page(request, kind, record=None):
    user = request.user
    unit_name = user.unit.name if user.unit_id else ""
    initial = record.data if record else None
    form = record_form(kind, unit_name=unit_name, data=request.POST or None, initial=initial)
    existing = list(record.evidence.filter(item=None)) if record else []
    slot_errors: dict[str, list[str]] = {}
    storage_failed = False
    if request.method == "POST":
        form_valid = form.is_valid()
        data = form.record_data() if form_valid else {}
        accepted_by_slot = {}
        for slot in kind.slots:
            if form_valid and not slot.applies(data):
                continue
            kept = sum(1 for e in existing if e.slot == slot.key)
            accepted, errors = check_uploads(request.FILES.getlist(_slot_input(slot)), slot, existing=kept)
            accepted_by_slot[slot.key] = accepted
            if errors:
                slot_errors[slot.key] = errors
        if form_valid and not slot_errors:
            files = accepted_by_slot.pop("evidence", [])
            try:
                if record is None:
                    record = services.record_create(owner=user, kind=kind, data=data, files=files,
                                                    slot_files=accepted_by_slot)
                else:
                    record = services.record_update(actor=user, record=record, kind=kind, data=data, files=files,
                                                    slot_files=accepted_by_slot)
            except services.RecordError as error:
                messages.error(request, str(error))
                return redirect("dossier:list", kind_key=kind.key)
            except StorageError as error:  # nothing was saved: the page again, as typed, the message by the files
                storage_failed = True
                for slot in kind.slots:
                    if request.FILES.getlist(_slot_input(slot)):
                        slot_errors.setdefault(slot.key, []).append(str(error))
            else:
                return _saved(request, kind, record)
        if request.FILES and not storage_failed:
            for slot in kind.slots:
                if request.FILES.getlist(_slot_input(slot)):
                    slot_errors.setdefault(slot.key, []).append("本次选择的文件未保存，请更正后重新选择。")
    counts = selectors.own_counts(user)
    slots = [
        {"spec": slot, "input": _slot_input(slot), "files": [e for e in existing if e.slot == slot.key],
         "errors": slot_errors.get(slot.key, [])}
        for slot in kind.slots
    ]
    children = []
    if record is not None:
        children = [{"spec": c, "count": len(items.items_of(record, c)), "applies": c.applies(record.data)}
                    for c in kind.children]
    return render(request, "dossier/form.html", {
        "kind": kind, "form": form, "record": record, "slots": slots, "children": children,
        "upload_errors": [e for errors in slot_errors.values() for e in errors], "storage_failed": storage_failed,
        "evidence": existing, **_menu(counts, user, kind),
    })


@login_required
def record_new(request, kind_key):
    return _form_page(request, _kind_or_404(kind_key))


@login_required
def record_edit(request, pk):
    record = selectors.own_record_get(request.user, pk)
    kind = _kind_or_404(record.kind)
    if not record.editable:
        messages.error(request, "该业绩当前状态不能修改。")
        return redirect("dossier:list", kind_key=kind.key)
    return _form_page(request, kind, record)


@login_required
def record_detail(request, pk):
    """查看: the drawer (htmx) or a full page, with 详情 and 流程."""
    record = selectors.record_get_for(request.user, pk)
    kind = _kind_or_404(record.kind)
    context = {
        "kind": kind, "record": record, "details": detail_rows(kind, record),
        "evidence": list(record.evidence.filter(item=None)), "child_tables": child_tables(kind, record),
        "flow": flow_for(subject_type="record", subject_id=record.pk),
        "withdrawals": list(record.withdrawals.all()),
    }
    template = "dossier/_drawer.html" if request.headers.get("HX-Request") else "dossier/detail.html"
    return render(request, template, context)


def _act(request, pk, action):
    record = selectors.own_record_get(request.user, pk)
    kind = _kind_or_404(record.kind)
    try:
        action(record)
    except (services.RecordError, PermissionDenied) as error:
        messages.error(request, str(error) or "没有操作权限。")
    # Back to the page the action was sent from, never to another site (an open redirect otherwise).
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        back = reverse("dossier:list", kwargs={"kind_key": kind.key})
    return redirect(back)


@login_required
@require_POST
def record_submit(request, pk):
    def go(record):
        services.record_submit(actor=request.user, record=record)
        messages.success(request, "已提交，等待单位审核。")
    return _act(request, pk, go)


@login_required
@require_POST
def record_delete(request, pk):
    def go(record):
        services.record_delete(actor=request.user, record=record)
        messages.success(request, "已删除。")
    return _act(request, pk, go)


@login_required
@require_POST
def withdrawal_new(request, pk):
    def go(record):
        services.withdrawal_request(actor=request.user, record=record, reason=request.POST.get("reason", ""))
        messages.success(request, "撤回申请已提交，等待单位处理。")
    return _act(request, pk, go)


@login_required
def withdrawals(request):
    """撤回记录: filters 业绩名称, 业绩类别, 处理情况, 状态. None in a province without 撤回 (Anhui)."""
    if not catalogue().withdrawal:
        raise Http404
    f = {k: request.GET.get(k, "") for k in ("name", "kind", "state", "status")}
    qs = selectors.own_withdrawals(request.user, **f)
    page = Paginator(qs, per_page(request, catalogue().page_size)).get_page(request.GET.get("page"))
    kinds = {k.key: k.label for k in catalogue().kinds()}
    return render(request, "dossier/withdrawals.html", {
        "page": page, "filters": f, "kinds": kinds, "states": Withdrawal.State.choices,
        "statuses": Status.choices, **_menu(selectors.own_counts(request.user), request.user),
    })


@login_required
@xframe_options_sameorigin
def evidence_file(request, pk):
    """Serve one evidence file to whoever may see its record; inline for preview. A file the storage lost gets
    the 404 page saying so (core.files.FileMissing)."""
    evidence = selectors.evidence_get_for(request.user, pk)
    return stored_file_response(evidence.file, name=evidence.name, content_type=evidence.content_type,
                                as_attachment=request.GET.get("download") == "1")


@login_required
@require_POST
def evidence_delete(request, pk):
    evidence = selectors.evidence_get_for(request.user, pk)
    record = evidence.record
    if record.owner_id != request.user.pk:
        raise Http404
    try:
        services.evidence_remove(actor=request.user, evidence=evidence)
        messages.success(request, f"已删除文件“{evidence.name}”。")
    except services.RecordError as error:
        messages.error(request, str(error))
    return redirect("dossier:edit", pk=record.pk)


@login_required
@require_POST
def ce_extract(request):
    """提取: pull the signed-in person's hours from the continuing-education platform's latest export."""
    kind = _kind_or_404("continuing_education")  # a province may switch the type off
    if not kind.extractable:
        raise Http404
    created = extract_for(request.user)
    if created:
        messages.success(request, f"已从继续教育平台提取 {created} 条新记录。")
    else:
        messages.success(request, "没有新的继续教育记录可提取。")
    return redirect("dossier:list", kind_key=kind.key)



