"""The applicant's application pages and the HR bureau's plan pages, generic over sections.toml."""

import json

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from accounts.export_views import export_response
from core.files import StorageError
from core.uploads import check_uploads
from dossier.catalogue import catalogue
from dossier.forms import spec_form_class
from dossier.models import Record
from dossier.models import Status as RecordStatus
from review import engine

from . import responses, selectors, services
from .defences import notice_pdf
from .display import rows_view
from .forms import CommitteeForm, PlanForm, StartForm
from .models import ApplicationFile, Defence, Plan
from .precheck import precheck
from .sections import OTHER, sections


def _section_or_404(application, key):
    try:
        section = sections().get(key)
    except StopIteration:
        raise Http404 from None
    if section.series and section.series != application.series:
        raise Http404
    return section


@login_required
def home(request):
    """职称申报: open plans to apply to, and the person's applications (导出Excel: 我的申报)."""
    if request.GET.get("format") == "xlsx":
        return export_response(request, "own_applications", params={}, back_url=reverse("applications:home"))
    today = timezone.localdate()
    plans = Plan.open_on(today).select_related("committee")
    mine = list(selectors.own_applications(request.user))
    applied = {a.plan_id for a in mine}
    return render(request, "applications/home.html", {
        "plans": [(plan, StartForm(plan=plan, prefix=f"p{plan.pk}")) for plan in plans if plan.pk not in applied],
        "applications": mine,
    })


@login_required
@require_POST
def start(request, plan_pk):
    plan = Plan.objects.filter(pk=plan_pk).select_related("committee").first()
    if plan is None:
        raise Http404
    form = StartForm(request.POST, plan=plan, prefix=f"p{plan.pk}")
    if not form.is_valid():
        messages.error(request, "请选择申报系列、级别和申报形式。")
        return redirect("applications:home")
    try:
        application = services.application_start(actor=request.user, plan=plan, **form.cleaned_data)
    except services.ApplicationError as error:
        messages.error(request, str(error))
        return redirect("applications:home")
    return redirect("applications:detail", pk=application.pk)


def _section_status(application, problems):
    bad = {p.url for p in problems}
    return [
        (section, reverse("applications:section", args=[application.pk, section.key]) not in bad)
        for section in sections().for_series(application.series)
    ]


@login_required
def detail(request, pk):
    """The application: its sections, the pre-check panel, 提交, prints and the 审批流程."""
    application = selectors.own_application_get(request.user, pk)
    problems = precheck(application) if application.editable else []
    days_left = _days_left(application)
    flow = engine.flow("application", application.pk)
    returned_by = next((step for step in reversed(flow) if step.action == "return"), None)
    # The sections the return named (需修改的栏目), marked in the list while the applicant corrects them.
    to_fix = set(_named_sections(returned_by)) if application.status == application.Status.RETURNED else set()
    return render(request, "applications/detail.html", {
        "application": application, "problems": problems, "hard": [p for p in problems if p.hard],
        "sections": _section_status(application, problems), "flow": flow, "returned_by": returned_by,
        "to_fix": to_fix, "days_left": days_left, "closed": days_left is not None and days_left < 0,
        "defence": Defence.objects.filter(application=application).first() if application.filed else None,
    })


def _days_left(application) -> int | None:
    """Days until the plan's window closes for a draft (0: its last day; negative: closed), else None."""
    if application.status != application.Status.DRAFT:
        return None
    return (application.plan.closes_on - timezone.localdate()).days


@login_required
@xframe_options_sameorigin
def flow_file(request, pk, attachment_pk):
    """An attachment of a decision on the applicant's own application (a return's annotated page, …)."""
    return responses.flow_attachment(selectors.own_application_get(request.user, pk), attachment_pk)


def _row_being_edited(section, stored, params) -> dict | None:
    """The row named by `edit` (GET) or `row_id` with action update_row (POST), with its number in the list."""
    row_id = params.get("edit") or (params.get("row_id") if params.get("action") == "update_row" else "")
    group = params.get("group", "")
    if not row_id or (group and group not in {g.key for g in section.groups}):
        return None
    rows = stored.get("groups", {}).get(group, []) if group else stored.get("rows", [])
    for number, row in enumerate(rows, start=1):
        if row["id"] == row_id:
            return {"id": row_id, "group": group, "number": number, "values": row["values"],
                    "record_id": row.get("record_id")}
    return None


@login_required
def section_page(request, pk, key):
    application = selectors.own_application_get(request.user, pk)
    section = _section_or_404(application, key)
    stored = application.data.get(section.key, {"values": {}, "rows": [], "groups": {}})
    files = list(ApplicationFile.objects.filter(application=application, section=section.key))
    files_by_row: dict[str, list] = {}
    for f in files:
        files_by_row.setdefault(f.row_id, []).append(f)
    action = request.POST.get("action", "")
    form_class = spec_form_class(section.fields, f"section_{section.key}")
    echoed = sections().echoed(section, application.data)
    form = (form_class(initial={**stored.get("values", {}), **echoed}, partial=True)
            if section.kind == "fields" else None)
    row_form = form_class() if section.is_rows else None
    group_forms = {g.key: spec_form_class(g.fields, f"group_{section.key}_{g.key}")(prefix=g.key)
                   for g in section.groups}
    # 修改: the row being corrected (?edit=<row id>[&group=<key>]), its form filled with the row's values.
    editing = _row_being_edited(section, stored, request.POST if request.method == "POST" else request.GET)
    if editing and application.editable:
        if editing["group"]:
            group_forms[editing["group"]] = group_forms[editing["group"]].__class__(
                initial=editing["values"], prefix=editing["group"])
        else:
            row_form = form_class(initial=editing["values"])
    slot_errors: dict[str, list[str]] = {}
    if request.method == "POST":
        if not application.editable:
            messages.error(request, "申报已提交，不能修改。")
            return redirect("applications:section", pk=pk, key=key)
        try:
            if action == "save" and section.kind == "fields":
                form = form_class(data=request.POST, initial=echoed, partial=True)
                slot_files = {}
                for slot in section.attachments:
                    have = sum(1 for f in files if f.slot == slot.key and not f.row_id)
                    accepted, errors = check_uploads(request.FILES.getlist(f"slot_{slot.key}"), slot, existing=have)
                    slot_files[slot.key] = accepted
                    if errors:
                        slot_errors[slot.key] = errors
                # 保存 at any time: values that do not parse are refused by the field, the rest kept.
                if form.is_valid():
                    _check_picked_rows(form, section, application.data)
                    _check_titles(form, section, application)
                if form.is_valid() and not slot_errors:
                    services.section_save(actor=request.user, application=application, section=section,
                                          values=form.record_data(), slot_files=slot_files)
                    messages.success(request, f"{section.label}已保存。")
                    return redirect("applications:section", pk=pk, key=key)
            elif action == "add_row" and section.is_rows:
                row_form = form_class(data=request.POST)
                files_ok, errors = ([], [])
                if section.row_attachment:
                    files_ok, errors = check_uploads(request.FILES.getlist("row_files"), section.row_attachment,
                                                     existing=0)
                if errors:
                    slot_errors["row"] = errors
                if row_form.is_valid() and not errors:
                    services.row_add(actor=request.user, application=application, section=section,
                                     values=row_form.record_data(), files=files_ok)
                    messages.success(request, f"已添加一条{section.label}。")
                    return redirect("applications:section", pk=pk, key=key)
            elif action.startswith("add_group:"):
                group = action.split(":", 1)[1]
                spec = next((g for g in section.groups if g.key == group), None)
                if spec is None:
                    raise Http404
                group_forms[group] = spec_form_class(spec.fields, f"group_{section.key}_{group}")(data=request.POST,
                                                                                                 prefix=group)
                if group_forms[group].is_valid():
                    services.row_add(actor=request.user, application=application, section=section,
                                     values=group_forms[group].record_data(), group=group)
                    messages.success(request, f"已添加一条{spec.label}。")
                    return redirect("applications:section", pk=pk, key=key)
            elif action == "update_row":
                if editing is None:
                    raise services.ApplicationError("该条记录不存在。")
                group = editing["group"]
                if group:
                    spec = next(g for g in section.groups if g.key == group)
                    edit_form = spec_form_class(spec.fields, f"group_{section.key}_{group}")(data=request.POST,
                                                                                            prefix=group)
                    group_forms[group] = edit_form
                else:
                    edit_form = row_form = form_class(data=request.POST)
                if edit_form.is_valid():
                    services.row_update(actor=request.user, application=application, section=section,
                                        row_id=editing["id"], values=edit_form.record_data(), group=group)
                    messages.success(request, f"已修改第{editing['number']}条。")
                    return redirect("applications:section", pk=pk, key=key)
            elif action == "delete_row":
                services.row_delete(actor=request.user, application=application, section=section,
                                    row_id=request.POST.get("row_id", ""), group=request.POST.get("group", ""))
                messages.success(request, "已删除。")
                return redirect("applications:section", pk=pk, key=key)
            elif action == "pick" and section.is_rows:
                ids = [int(i) for i in request.POST.getlist("records") if i.isdigit()]
                if not ids:
                    messages.error(request, "请先勾选要引用的业绩。")
                else:
                    added = services.rows_pick(actor=request.user, application=application, section=section,
                                               record_ids=ids)
                    messages.success(request, f"已从业绩库引用{added}条。")
                return redirect("applications:section", pk=pk, key=key)
        except services.ApplicationError as error:
            messages.error(request, str(error))
            return redirect("applications:section", pk=pk, key=key)
        except StorageError as error:  # nothing was saved: the page again, as typed, the message by the files
            if action == "pick":
                messages.error(request, str(error))
                return redirect("applications:section", pk=pk, key=key)
            inputs = {slot.key: f"slot_{slot.key}" for slot in section.attachments} | {"row": "row_files"}
            for slot_key, name in inputs.items():
                if request.FILES.getlist(name):
                    slot_errors.setdefault(slot_key, []).append(str(error))
        except PermissionDenied:
            raise Http404 from None
    if form is not None:
        _offer_rows(form, section, application.data)
    if form is not None and section.titles:
        _offer_titles(form, section, application)
    cited = {row.get("record_id") for row in stored.get("rows", [])}
    pickable = []
    if section.source and application.editable:
        records = Record.objects.filter(owner=request.user, kind__in=section.source, status=RecordStatus.APPROVED)
        for record in records.order_by("kind", "-created_at", "-pk"):
            kind = catalogue().kinds_by_key[record.kind]
            values = section.row_from_record(record.data)
            pickable.append({"record": record, "kind": kind, "cited": record.pk in cited,
                             "summary": "；".join(f"{section.field(k).label}：{v}" for k, v in values.items() if v)})
    basic_titles = sections().titles(application.series, application.level) if section.key == "basic" else []
    # The account data as filed once submitted (a later change of name or phone does not reach the application).
    account = application.snapshot["account"] if application.snapshot else {
        "name": request.user.name, "id_number": request.user.id_number, "gender": request.user.get_gender_display(),
        "birth_date": request.user.birth_date.isoformat() if request.user.birth_date else "",
        "phone": request.user.phone, "unit": application.unit.name if application.unit_id else ""}
    return render(request, "applications/section.html", {
        "application": application, "section": section, "form": form, "row_form": row_form,
        "rows": rows_view(section.fields, stored.get("rows", []), files_by_row),
        "groups": [
            {"spec": g, "form": group_forms[g.key], "applies": g.applies(stored.get("values", {})),
             "rows": rows_view(g.fields, stored.get("groups", {}).get(g.key, []), {})}
            for g in section.groups
        ],
        "slots": [{"spec": s, "files": [f for f in files if f.slot == s.key and not f.row_id],
                   "errors": slot_errors.get(s.key, [])} for s in section.attachments],
        "row_errors": slot_errors.get("row", []), "pickable": pickable, "titles": basic_titles,
        "editing": editing if application.editable else None, "account": account,
        "returned_note": _return_note(application, section),
        "sections": sections().for_series(application.series),
    })


def _offer_rows(form, section, data: dict) -> None:
    """A field that picks a row of another section (有效学历) is a drop-down of that section's rows as they read
    now. A value kept from before that no longer matches any row stays selected, so that it is not dropped
    unseen: saving the page asks for a new pick, and the pre-check names it."""
    for spec in section.fields:
        if spec.pick_row:
            field = form.fields[spec.key]
            choices = sections().row_choices(spec, data)
            current = form[spec.key].value()
            if current and current not in choices:
                choices = [current, *choices]
            empty = "请选择" if choices else f"请先填写{sections().get(spec.pick_row).label}"
            field.widget = django_forms.Select(choices=[("", empty)] + [(c, c) for c in choices])
            field.wide = True  # a row reads long: the line to itself (applications/section.html)


def _offer_titles(form, section, application) -> None:
    """Title-name fields (申报/现资格名称) as drop-downs of their series and level's names, then 其他. One that
    follows two fields of the page (现资格系列, 现资格级别) carries every series' names for static/js/dossier.js to
    narrow as they change. A value kept from before that is not among them stays selected, for the check to name."""
    values = {name: form[name].value() for name in form.fields}
    for key, source in section.titles.items():
        field = form.fields[key]
        names = sections().title_choices(section, key, values, application.series, application.level)
        current = form[key].value()
        if current and current not in names:
            names = [current, *names]
        attrs = dict(field.widget.attrs)
        if source != "application":
            attrs |= {"data-titles-series": source["series"], "data-titles-level": source["level"],
                      "data-titles": json.dumps(sections().title_map(), ensure_ascii=False)}
        field.widget = django_forms.Select(choices=[("", "请选择")] + [(n, n) for n in names], attrs=attrs)


def _check_titles(form, section, application) -> None:
    """A title name must be one of its series and level's names or 其他; the text beside 其他 is kept only then."""
    cleaned = form.cleaned_data
    for spec in sections().wrong_titles(section, cleaned, application.series, application.level):
        form.add_error(spec.key, f"{spec.label}不在所选系列和级别的名称中，请重新选择；"
                                 "列表中没有的请选择“其他”并填写名称。")
    for key in section.titles or {}:
        if cleaned.get(key) != OTHER:
            cleaned[f"{key}_other"] = None


def _check_picked_rows(form, section, data: dict) -> None:
    """A picked row must be one of its section's rows as they read now."""
    for spec in sections().stale_picks(section.fields, form.cleaned_data, data):
        form.add_error(spec.key, f"请从{sections().get(spec.pick_row).label}中重新选择（所选的一条已修改或删除）。")


def _named_sections(step) -> list[str]:
    """The sections a 退回 named (its decision row's 需修改的栏目), none for a step without a decision."""
    decision = getattr(step, "decision", None)
    return decision.return_sections if decision is not None else []


def _return_note(application, section):
    """The last 退回 when it names this section (or names none): shown above the section being corrected."""
    if application.status != application.Status.RETURNED:
        return None
    step = next((s for s in reversed(engine.flow("application", application.pk)) if s.action == "return"), None)
    named = _named_sections(step)
    if step is None or (named and section.key not in named):
        return None
    return step


@login_required
@require_POST
def submit(request, pk):
    application = selectors.own_application_get(request.user, pk)
    try:
        services.application_submit(actor=request.user, application=application)
    except services.ApplicationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "申报已提交，信息已锁定。可以下载打印申报材料。")
    return redirect("applications:detail", pk=pk)


@login_required
@xframe_options_sameorigin
def file(request, pk, file_pk):
    return responses.application_file(selectors.own_application_get(request.user, pk), file_pk)


@login_required
def print_file(request, pk, kind):
    """The prints of a submitted application, generated from its snapshot (by a task: a page waits for it)."""
    application = selectors.own_application_get(request.user, pk)
    if application.snapshot is None:
        messages.error(request, "提交申报后才能打印。")
        return redirect("applications:detail", pk=pk)
    return responses.print_response(request, application, kind,
                                    back_url=reverse("applications:detail", args=[pk]))


@login_required
def preview(request, pk, kind):
    """打印预览 while filling in: the 简表 and 评审表 of the current draft, stamped 草稿 · 未提交 (made by the print
    queue like the filed prints; a changed draft gets a new preview)."""
    application = selectors.own_application_get(request.user, pk)
    if not application.editable:
        messages.info(request, "申报已提交，请打印正式表格。")
        return redirect("applications:detail", pk=pk)
    return responses.print_response(request, application, kind, draft=True,
                                    back_url=reverse("applications:detail", args=[pk]))


@login_required
def defence_notice(request, pk):
    """答辩通知单 of the applicant's own application, once the committee office has arranged the defence."""
    application = selectors.own_application_get(request.user, pk)
    if not Defence.objects.filter(application=application).exists():
        messages.error(request, "评委会尚未安排您的答辩，安排后才能打印答辩通知单。")
        return redirect("applications:detail", pk=pk)
    return responses.download(notice_pdf(application), "application/pdf", "答辩通知单.pdf")


# ---------------------------------------------------------------- HR bureau: committees and plans

bureau_required = permission_required("applications.manage_plans", raise_exception=True)


@login_required
@bureau_required
def plans(request):
    committee_form = CommitteeForm(request.POST if request.POST.get("action") == "committee" else None, prefix="c")
    plan_form = PlanForm(request.POST if request.POST.get("action") == "plan" else None, prefix="p")
    committees = selectors.bureau_committees(request.user)
    plan_form.fields["committee"].queryset = committees.filter(closed_at__isnull=True, archived_at__isnull=True)
    if request.method == "POST":
        if request.POST.get("action") == "committee" and committee_form.is_valid():
            committee = committee_form.save(commit=False)
            committee.levels = committee_form.cleaned_data["levels_text"]
            committee.bureau = request.user.unit
            committee.save()
            messages.success(request, f"已新建评委会：{committee.name}。")
            return redirect("applications:plans")
        if request.POST.get("action") == "plan" and plan_form.is_valid():
            plan = plan_form.save()
            messages.success(request, f"已新建评审计划：{plan.name}。")
            return redirect("applications:plans")
    return render(request, "applications/plans.html", {
        "committees": committees, "plans": selectors.bureau_plans(request.user),
        "committee_form": committee_form, "plan_form": plan_form,
    })


_PLAN_ACTIONS = {"close": (services.plan_close, "已提前截止评审计划：{}。"),
                 "reopen": (services.plan_reopen, "已重新开放评审计划：{}。")}
_COMMITTEE_ACTIONS = {"close": (services.committee_close, "已停用评委会：{}。"),
                      "reopen": (services.committee_reopen, "已重新启用评委会：{}。")}
_REMOVED = {"deleted": "已删除{}。", "archived": "{}已有引用，不能删除，已归档。"}


@login_required
@bureau_required
def plan_manage(request, plan_pk):
    """修改 a plan, 提前截止 / 重新开放 it, 删除 it (or archive it when applications refer to it); its history."""
    plan = selectors.bureau_plan_get(request.user, plan_pk)
    action = request.POST.get("action")
    form = PlanForm(request.POST if action == "save" else None, instance=plan, prefix="p")
    form.fields["committee"].queryset = selectors.bureau_committees(request.user).filter(
        Q(archived_at__isnull=True, closed_at__isnull=True) | Q(pk=plan.committee_id))
    if request.method == "POST":
        try:
            if action == "save" and form.is_valid():
                plan = form.save(commit=False)
                plan._change_reason = "修改"  # simple_history's documented reason attribute
                plan.save()
                messages.success(request, f"已保存评审计划：{plan.name}。")
                return redirect("applications:plan_manage", plan_pk=plan.pk)
            if action in _PLAN_ACTIONS:
                service, message = _PLAN_ACTIONS[action]
                service(actor=request.user, plan=plan)
                messages.success(request, message.format(plan.name))
                return redirect("applications:plan_manage", plan_pk=plan.pk)
            if action == "delete":
                outcome = services.plan_remove(actor=request.user, plan=plan)
                messages.success(request, _REMOVED[outcome].format(f"评审计划{plan.name}"))
                return redirect("applications:plans")
        except services.ApplicationError as error:
            messages.error(request, str(error))
            return redirect("applications:plan_manage", plan_pk=plan.pk)
    return render(request, "applications/plan_manage.html", {
        "plan": plan, "form": form, "history": _history(plan),
        "referenced": plan.applications.exists(),
    })


@login_required
@bureau_required
def committee_manage(request, committee_pk):
    """修改 a committee, 停用 / 重新启用 it, 删除 it (or archive it when plans name it); its history."""
    committee = selectors.bureau_committee_get(request.user, committee_pk)
    action = request.POST.get("action")
    form = CommitteeForm(request.POST if action == "save" else None, instance=committee, prefix="c")
    if request.method == "POST":
        try:
            if action == "save" and form.is_valid():
                committee = form.save(commit=False)
                committee.levels = form.cleaned_data["levels_text"]
                committee._change_reason = "修改"
                committee.save()
                messages.success(request, f"已保存评委会：{committee.name}。")
                return redirect("applications:committee_manage", committee_pk=committee.pk)
            if action in _COMMITTEE_ACTIONS:
                service, message = _COMMITTEE_ACTIONS[action]
                service(actor=request.user, committee=committee)
                messages.success(request, message.format(committee.name))
                return redirect("applications:committee_manage", committee_pk=committee.pk)
            if action == "delete":
                outcome = services.committee_remove(actor=request.user, committee=committee)
                messages.success(request, _REMOVED[outcome].format(f"评委会{committee.name}"))
                return redirect("applications:plans")
        except services.ApplicationError as error:
            messages.error(request, str(error))
            return redirect("applications:committee_manage", committee_pk=committee.pk)
    return render(request, "applications/committee_manage.html", {
        "committee": committee, "form": form, "history": _history(committee),
        "referenced": committee.plans.exists(),
    })


def _history(obj) -> list[dict]:
    """变更记录: each saved version, newest first, with who made it, why, and which fields changed."""
    versions = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id")[:50])
    rows = []
    for newer, older in zip(versions, [*versions[1:], None], strict=True):
        changed = []
        if older is not None:
            changed = [obj._meta.get_field(change.field).verbose_name for change in newer.diff_against(older).changes]
        rows.append({"when": newer.history_date, "who": newer.history_user, "reason": newer.history_change_reason
                     or {"+": "新建", "~": "修改", "-": "删除"}[newer.history_type], "changed": changed})
    return rows



