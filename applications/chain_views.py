"""The review chain's pages: one task list and one review page for every desk (用人单位, 主管部门, 人社部门,
评委会), driven by the desks and stages of review/stages.toml; the unit's 评审计划 list with 委托. The review page
offers the forms of the stage the application waits at, composed from that stage's parts (review.forms), and
every decision goes through review.engine."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_sameorigin

from accounts.audit import personal_numbers_viewed
from accounts.export_views import export_response
from accounts.exports import ExportRefused, export_audit, export_rate_take
from accounts.roles import admin_unit_ids
from core.excel import ExcelError
from core.exports import XLSX
from core.files import StorageError
from core.http import client_ip
from core.paging import per_page
from orgs.models import Unit
from review import desks, engine
from review.forms import action_forms, actions_of
from review.recusal import is_own
from review.stages import Desk, stages

from . import chain, publicity, responses, selectors, statistics
from . import defences as defence_import
from .chain_forms import DelegateForm, PlanFilterForm
from .display import snapshot_sections
from .models import Application, Defence, Plan

PAGE_SIZE = 10


def _desk_or_404(request, desk_key) -> Desk:
    desk = desks.desk_get(desk_key)
    if not desks.staffs(request.user, desk):
        raise Http404
    return desk


@login_required
def node_list(request, node_key):
    """The desk's task list: tabs with counts, SPEC §5's columns, 10 rows a page."""
    desk = _desk_or_404(request, node_key)
    counts = desks.tab_counts(request.user, desk)
    tab = request.GET.get("status", "")
    if tab not in counts:
        tab = desk.tabs[0].key
    q = request.GET.get("q", "").strip()[:50]
    if request.GET.get("format") == "xlsx":  # 导出Excel: the whole tab, the search applied, numbers masked
        return export_response(request, "desk", params={"node": desk.key, "status": tab, "q": q},
                               back_url=request.path + "?" + urlencode({"status": tab, "q": q}))
    paginator = Paginator(desks.desk_list(request.user, desk, tab, q), per_page(request, PAGE_SIZE))
    page = paginator.get_page(request.GET.get("page"))
    for application in page:
        application.own = is_own(request.user, application.applicant_id)  # shown, but only to look at (回避)
        application.act, application.primary = desks.row_action(request.user, desk, application)
        application.verb = desks.desk_stage(desk, application).verb
    return render(request, "applications/chain/list.html", {
        "desk": desk, "page": page, "status": tab, "q": q,
        "export_href": "?" + urlencode({"status": tab, "q": q, "format": "xlsx"}),
        "export_query": urlencode({"node": desk.key, "status": tab, "q": q, "back": request.get_full_path()}),
        "tabs": [(t.key, t.label, counts[t.key]) for t in desk.tabs],
        "first_index": page.start_index(),
    })


def _done(spec, application) -> str:
    """What the page says after a decision (its declared `done`, with the person, the decision row and the
    application to fill it)."""
    return spec.done.format(name=application.applicant.name, decision=application.last_decision,
                            subject=application) if spec.done else f"已办理{application.applicant.name}的申报。"


@login_required
def review(request, node_key, pk):
    """The review page: 详情 (every snapshot section and attachment, both prints, the desk's panels), 单位推荐意见,
    流程, and the forms of the stage the application waits at. After a decision the next application waiting
    at that stage opens."""
    desk = _desk_or_404(request, node_key)
    application = desks.desk_subject_get(request.user, desk, pk)
    own_stages = [stages().get(key) for key in desk.stages]
    here = next((stage for stage in own_stages if stage.key == application.stage), None)
    posted = request.POST.get("action", "") if request.method == "POST" else ""
    posted_forms, error = [], ""
    if posted:
        try:
            if posted == "claim":
                chain.claim(actor=request.user, stage=desks.desk_stage(desk, application).key, pk=application.pk)
                messages.success(request, "已领取，可以开始审核。")
                return redirect("chain:review", node_key=desk.key, pk=application.pk)
            stage = actions_of(own_stages).get(posted)
            if stage is None:
                raise chain.ChainError("未知的操作。")
            posted_forms = action_forms(stage, application, post=request.POST, files=request.FILES, posted=posted)
            chosen = next(f for f in posted_forms if f.action == posted)
            if chosen.form.is_valid():
                decision = chosen.decision.key if chosen.decision else chosen.form.cleaned_data.get("decision")
                done = engine.decide(actor=request.user, stage=stage.key, subject_id=application.pk,
                                     decision=decision, data=chosen.form.decision_data())
                messages.success(request, _done(stage.decisions[done.last_decision.decision], done))
                following = desks.next_for(request.user, stage, exclude=application.pk)
                if following is not None:
                    messages.info(request, "已打开下一条待审核的申报。")
                    return redirect("chain:review", node_key=desk.key, pk=following.pk)
                return redirect(reverse("chain:list", args=[desk.key]))
            error = "请按提示修改后再提交。"
        except chain.ChainError as exc:
            error = str(exc)
        except StorageError as exc:  # nothing was decided: the page again, the message by the files
            for form in (f.form for f in posted_forms if f.action == posted):
                for name in form.unprefixed & set(request.FILES):
                    form.add_error(name, str(exc))
            error = str(exc)
        except PermissionDenied:
            raise Http404 from None
    # 回避: on their own application the reader is offered no action, and told who else may act.
    recusal = desks.desk_recusal_note(request.user, desk, application)
    if error == recusal:
        error = ""  # a refused POST: the note below says it
    can_claim = claimed_by_other = False
    offered = []
    if here is not None and not recusal:
        holder = application.claimed_by_id
        can_claim = here.claims and holder is None
        claimed_by_other = here.claims and holder not in (None, request.user.pk)
        if not here.claims or holder == request.user.pk:
            posted_here = [f for f in posted_forms if f.stage.key == here.key]
            offered = posted_here or action_forms(here, application)
    flow = engine.flow("application", application.pk)
    personal_numbers_viewed(request, f"application:{application.pk}")
    return render(request, "applications/chain/review.html", {
        "desk": desk, "application": application, "sections": snapshot_sections(application),
        "account": application.snapshot["account"], "flow": flow, "error": error, "recusal": recusal,
        "heading": (here.heading if here and here.heading else desk.heading), "can_claim": can_claim,
        "claimed_by_other": claimed_by_other, "action_forms": offered,
        "panels": [(template, read(application)) for template, read in (chain.PANELS[key] for key in desk.sees)],
        "recommendation": application.recommendation,
        "recommendation_entry": next((e for e in reversed(flow)
                                      if getattr(getattr(e, "decision", None), "recommendation", None)), None),
        "defence": Defence.objects.filter(application=application).first(),
    })


@login_required
@xframe_options_sameorigin
def file(request, node_key, pk, file_pk):
    """An attachment of the application, for a desk that sees it."""
    desk = _desk_or_404(request, node_key)
    return responses.application_file(desks.desk_subject_get(request.user, desk, pk), file_pk)


@login_required
@xframe_options_sameorigin
def flow_file(request, node_key, pk, attachment_pk):
    """A decision's attachment (公示证明, …), for a desk that sees the application."""
    desk = _desk_or_404(request, node_key)
    return responses.flow_attachment(desks.desk_subject_get(request.user, desk, pk), attachment_pk)


@login_required
def print_file(request, node_key, pk, kind):
    """Both prints of the application under review (from its snapshot)."""
    desk = _desk_or_404(request, node_key)
    return responses.print_response(request, desks.desk_subject_get(request.user, desk, pk), kind,
                                    back_url=reverse("chain:review", args=[desk.key, pk]))


# ---------------------------------------------------------------- 答辩安排 (the committee office)


@login_required
def defences(request):
    """答辩安排: the office's applications in 评审中 with their arrangements (tabs 未安排 / 已安排 / 全部), the
    template to download and the import. A refused file lists every row's problem; nothing is written."""
    _desk_or_404(request, "committee")  # the committee office alone
    outcome, file_error = None, ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            file_error = "请选择要导入的答辩安排文件（.xlsx）。"
        else:
            try:
                outcome = defence_import.defences_import(actor=request.user, upload=upload)
            except (ExcelError, defence_import.DefenceError) as error:
                file_error = str(error)
            else:
                if not outcome.errors:
                    messages.success(request, outcome.summary)
                    return redirect("chain:defences")
    counts = defence_import.office_tab_counts(request.user)
    tab = request.GET.get("status", "")
    if tab not in counts:
        tab = defence_import.TABS[0][0]
    q = request.GET.get("q", "").strip()[:50]
    paginator = Paginator(defence_import.office_list(request.user, tab, q), per_page(request, PAGE_SIZE))
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "applications/chain/defences.html", {
        "page": page, "status": tab, "q": q,
        "tabs": [(key, label, counts[key]) for key, label, _q in defence_import.TABS],
        "first_index": page.start_index(), "outcome": outcome, "file_error": file_error,
    })


@login_required
def defences_template(request):
    """The 答辩安排 template, listing the office's applications in 评审中."""
    _desk_or_404(request, "committee")  # the committee office alone
    return responses.download(defence_import.template(request.user),
                              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "答辩安排.xlsx")


# ---------------------------------------------------------------- 评审计划 and 委托 (unit admins)


def _unit_admin_units(request) -> tuple[list[Unit], Unit]:
    """The units the user administers and the one the page is about (?unit=, else the first)."""
    ids = admin_unit_ids(request.user)
    if not ids:
        raise Http404
    units = list(Unit.objects.filter(pk__in=ids).order_by("pk"))
    chosen = request.GET.get("unit", "")
    unit = next((u for u in units if str(u.pk) == chosen), units[0])
    return units, unit


@login_required
def unit_plans(request):
    """评审计划: 年度, 计划名称, 评委会, 评审级别, 申报起止日期; 查看, 委托."""
    units, unit = _unit_admin_units(request)
    filters = PlanFilterForm(request.GET)
    chosen = {"unit": unit.pk, **filters.filters()}
    if request.GET.get("format") == "xlsx":  # 导出Excel: the list with its filters, 委托 of the chosen unit
        return export_response(request, "unit_plans", params={k: str(v) for k, v in chosen.items()},
                               back_url=request.path + "?" + urlencode(chosen))
    plans = selectors.plans_for_unit_admin(request.user, **filters.filters())
    given = chain.delegations_of(request.user)
    return render(request, "applications/chain/plans.html", {
        "plans": [(plan, given.get((unit.pk, plan.pk))) for plan in plans], "unit": unit, "units": units,
        "filters": filters, "export_href": "?" + urlencode({**chosen, "format": "xlsx"}),
    })


@login_required
def unit_plan(request, plan_pk):
    """查看 a plan, and 委托 the unit's node for it to another organisation (or take it back)."""
    units, unit = _unit_admin_units(request)
    plan = Plan.objects.select_related("committee").filter(pk=plan_pk).first()
    if plan is None:
        raise Http404
    form = DelegateForm(request.POST if request.POST.get("action") == "delegate" else None)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "cancel":
                chain.delegation_set(actor=request.user, unit=unit, plan=plan, delegate=None)
                messages.success(request, "已收回委托，本单位的申报由本单位审核。")
                return redirect(_plan_url(plan, unit, units))
            if form.is_valid():
                delegate = form.cleaned_data["unit"]
                chain.delegation_set(actor=request.user, unit=unit, plan=plan, delegate=delegate)
                messages.success(request, f"已委托{delegate.name}审核本单位的{plan.name}申报。")
                return redirect(_plan_url(plan, unit, units))
        except chain.ChainError as exc:
            form.add_error("unit", str(exc))
    delegation = chain.delegations_of(request.user).get((unit.pk, plan.pk))
    filed = Application.objects.filter(unit=unit, plan=plan).exclude(status=Application.Status.DRAFT).count()
    candidates = list(Application.objects.filter(unit=unit, plan=plan, status__in=publicity.CANDIDATE_STATUSES)
                      .select_related("applicant").order_by("submitted_at", "pk"))
    return render(request, "applications/chain/plan.html", {
        "plan": plan, "unit": unit, "units": units, "delegation": delegation, "form": form, "filed": filed,
        "candidates": candidates,
        "today": timezone.localdate(),
    })



PUBLICITY = {"pdf": (publicity.publicity_pdf, "application/pdf", "申报人员公示表.pdf"),
             "xlsx": (publicity.publicity_xlsx,
                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "申报人员一览表.xlsx")}


@login_required
def unit_publicity(request, plan_pk, fmt):
    """公示表 (PDF, to post) and 一览表 (Excel) of the unit's candidates for a plan: its filed applications on the
    chain, or those ticked (?id=…), oldest filing first."""
    units, unit = _unit_admin_units(request)
    plan = Plan.objects.select_related("committee").filter(pk=plan_pk).first()
    if plan is None or fmt not in PUBLICITY:
        raise Http404
    candidates = (Application.objects.filter(unit=unit, plan=plan, status__in=publicity.CANDIDATE_STATUSES)
                  .order_by("submitted_at", "pk"))
    chosen = [int(v) for v in request.GET.getlist("id") if v.isdigit()]
    if chosen:
        candidates = candidates.filter(pk__in=chosen)
    build, content_type, name = PUBLICITY[fmt]
    return responses.download(build(unit=unit, plan=plan, applications=list(candidates), clerk=request.user),
                              content_type, name)


def _plan_url(plan, unit, units) -> str:
    url = reverse("chain:unit_plan", args=[plan.pk])
    return f"{url}?unit={unit.pk}" if len(units) > 1 else url


# ---------------------------------------------------------------- 评审统计 (HR bureaux and departments)


@login_required
def stats(request):
    """评审统计 of one plan (?plan=, else the latest), within the viewer's scope; ?format=xlsx downloads the tables."""
    if statistics.stats_scope(request.user) is None:
        raise Http404
    plans = list(Plan.objects.select_related("committee").order_by("-year", "-pk"))
    chosen = request.GET.get("plan", "")
    plan = next((p for p in plans if str(p.pk) == chosen), plans[0] if plans else None)
    figures = statistics.plan_stats(request.user, plan) if plan else None
    if plan and request.GET.get("format") == "xlsx":  # the same controls as every list export (accounts.exports)
        try:
            export_rate_take(request.user)
        except ExportRefused as refusal:
            messages.error(request, str(refusal))
            return redirect(reverse("chain:stats") + f"?plan={plan.pk}")
        export_audit(user=request.user, title=f"评审统计-{plan.name}", filters={"评审计划": plan.name},
                     fields=["评审统计"], rows=statistics.stats_rows(figures), masked=True,
                     ip=client_ip(request))
        content = statistics.stats_xlsx(plan, figures, exporter=request.user.name or request.user.username,
                                        at=timezone.localtime())
        return responses.download(content, XLSX, f"评审统计-{plan.name}.xlsx")
    return render(request, "applications/chain/stats.html", {
        "plans": plans, "plan": plan, "figures": figures, "charts": statistics.charts(figures) if figures else {},
    })
