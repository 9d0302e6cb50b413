"""The review chain's pages: one task list and one review page for every node (unit, competent department, HR
bureau, committee office), driven by chain.NODES; the unit's 评审计划 list with 委托."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_sameorigin

from accounts.roles import admin_unit_ids
from core.excel import ExcelError
from core.files import StorageError
from dossier.evidence import check_uploads
from orgs.models import PostQuota, Unit
from review.recusal import is_own
from review.services import flow_for

from . import chain, defences as defence_import, responses
from .chain_forms import ATTACHMENT, PROOF, AcceptForm, DecisionForm, DelegateForm, ResultForm
from .display import snapshot_sections
from .models import Application, Defence, Plan

PAGE_SIZE = 10


def _node_or_404(request, node_key) -> chain.Node:
    node = chain.node_get(node_key)
    if node.scope(request.user) is None:
        raise Http404
    return node


@login_required
def node_list(request, node_key):
    """The node's task list: tabs with counts, SPEC §5's columns, 10 rows a page."""
    node = _node_or_404(request, node_key)
    counts = chain.node_tab_counts(request.user, node)
    tab = request.GET.get("status", "")
    if tab not in counts:
        tab = node.tabs[0].key
    q = request.GET.get("q", "").strip()[:50]
    page = Paginator(chain.node_list(request.user, node, tab, q), PAGE_SIZE).get_page(request.GET.get("page"))
    for application in page:
        application.own = is_own(request.user, application.applicant_id)  # shown, but only to look at (回避)
    return render(request, "applications/chain/list.html", {
        "node": node, "page": page, "status": tab, "q": q,
        "tabs": [(t.key, t.label, counts[t.key]) for t in node.tabs],
        "first_index": (page.number - 1) * PAGE_SIZE + 1,
    })


def _quota_line(application) -> str:
    """How many vacancies of the applied level the unit has left (shown beside the vacancy question)."""
    quota = PostQuota.objects.filter(unit=application.unit, year=application.plan.year).first()
    level = chain.LEVEL_QUOTA.get(application.level)
    if quota is None or not quota.confirmed or level is None:
        return f"本单位{application.plan.year}年度岗位核准信息尚未确认。"
    limit, taken = getattr(quota, level), getattr(quota, f"{level}_taken")
    label = dict(PostQuota.LEVELS)[level]
    if limit is None:
        return f"{label}岗位空缺：不限（已推荐{taken}人）。"
    return f"{label}岗位空缺：核准{limit}个，已推荐{taken}人，剩余{max(limit - taken, 0)}个。"


@login_required
def review(request, node_key, pk):
    """The review page: 详情 (every snapshot section and attachment, both prints), 单位推荐意见, 流程, and the
    node's actions. After a decision the next application waiting at the node opens."""
    node = _node_or_404(request, node_key)
    application = chain.node_application_get(request.user, node, pk)
    sections = snapshot_sections(application)
    section_choices = [(s["key"], s["label"]) for s in sections]
    action = request.POST.get("action", "") if request.method == "POST" else ""
    decision_form = DecisionForm(request.POST if action == "decide" else None, node=node, application=application,
                                 section_choices=section_choices, prefix="d")
    accept_form = AcceptForm(request.POST if action == "accept" else None, prefix="a")
    result_form = ResultForm(request.POST if action == "result" else None, prefix="r")
    file_errors: dict[str, list[str]] = {}
    error = ""
    if request.method == "POST":
        try:
            done = _act(request, node, application, action, decision_form, accept_form, result_form, file_errors)
        except chain.ChainError as exc:
            error = str(exc)
        except StorageError as exc:  # nothing was decided: the page again, the message by the files
            for name in ("proof", "attachment"):
                if request.FILES.getlist(name):
                    file_errors[name] = [str(exc)]
            error = str(exc)
        except PermissionDenied:
            raise Http404 from None
        else:
            if done:
                messages.success(request, done)
                if action == "claim":
                    return redirect("chain:review", node_key=node.key, pk=application.pk)
                following = chain.next_for(request.user, node, exclude=application.pk)
                if following is not None and action != "confirm":
                    messages.info(request, "已打开下一条待审核的申报。")
                    return redirect("chain:review", node_key=node.key, pk=following.pk)
                return redirect(reverse("chain:list", args=[node.key]))
        if not error and (decision_form.errors or accept_form.errors or result_form.errors or file_errors):
            error = "请按提示修改后再提交。"
    # 回避: on their own application the reader is offered no action, and told who else may act.
    recusal = chain.node_recusal_note(request.user, node, application)
    if error == recusal:
        error = ""  # a refused POST: the note below says it
    at_node = application.status == Application.Status.SUBMITTED and application.node == node.key and not recusal
    claimed_by_other = node.claims and application.claimed_by_id not in (None, request.user.pk)
    flow = flow_for(subject_type="application", subject_id=application.pk)
    precheck_problems = None
    if node.key == "bureau":
        from .precheck import precheck

        precheck_problems = precheck(application)
    return render(request, "applications/chain/review.html", {
        "node": node, "application": application, "sections": sections, "account": application.snapshot["account"],
        "flow": flow, "decision_form": decision_form, "accept_form": accept_form, "result_form": result_form,
        "file_errors": file_errors, "error": error, "proof_spec": PROOF, "attachment_spec": ATTACHMENT,
        "can_decide": at_node and node.key != "committee" and (
            not node.claims or application.claimed_by_id == request.user.pk),
        "can_claim": at_node and node.claims and application.claimed_by_id is None,
        "claimed_by_other": at_node and claimed_by_other,
        "can_accept": at_node and node.key == "committee",
        "can_record": node.key == "committee" and application.status == Application.Status.ACCEPTED and not recusal,
        "can_confirm": node.key == "bureau" and application.status == Application.Status.PASSED and not recusal,
        "recusal": recusal,
        "settings_publicity_days": settings.PUBLICITY_MIN_WORKING_DAYS, "quorum_label": chain.quorum_label(),
        "quota_line": _quota_line(application) if decision_form.asks_vacancy else "",
        "precheck": precheck_problems, "recommendation": application.recommendation,
        "defence": Defence.objects.filter(application=application).first(),
        "recommendation_entry": next((e for e in reversed(flow) if e.node == "unit" and e.action == "approve"), None),
    })


def _act(request, node, application, action, decision_form, accept_form, result_form, file_errors) -> str:
    """Perform the posted action; returns the success message, or "" when a form has errors to show."""
    user, pk = request.user, application.pk
    if action == "claim":
        chain.claim(actor=user, node=node, pk=pk)
        return "已领取，可以开始审核。"
    if action == "decide":
        valid = decision_form.is_valid()
        decision = decision_form.cleaned_data.get("decision") if valid else request.POST.get("d-decision")
        proofs = []
        if decision == "approve" and node.key == "unit":
            proofs, errors = check_uploads(request.FILES.getlist("proof"), PROOF, existing=0)
            if errors or not proofs:
                file_errors["proof"] = errors or ["请上传公示证明。"]
        extra, errors = check_uploads(request.FILES.getlist("attachment"), ATTACHMENT, existing=0)
        if errors:
            file_errors["attachment"] = errors
        if not valid or file_errors:
            return ""
        label = "推荐意见附件" if decision == "approve" else "附件"
        chain.decide(actor=user, node=node, pk=pk, decision=decision, opinion=decision_form.full_opinion(),
                     files=[(label, f) for f in extra], recommendation=decision_form.recommendation_value(),
                     proofs=proofs)
        name = application.applicant.name
        return {"approve": f"已通过{name}的申报。", "return": f"已将{name}的申报退回修改。",
                "terminate": f"已终止{name}本年度的申报。"}[decision]
    if action == "return" and node.key == "committee":
        # The decision form is bound for action "decide" only: read the committee's opinion from the POST.
        opinion = (request.POST.get("d-opinion") or "").strip()
        if not opinion:
            raise chain.ChainError("退回时请一次说明全部需要修改的内容。")
        chain.decide(actor=user, node=node, pk=pk, decision="return", opinion=opinion)
        return f"已将{application.applicant.name}的申报退回修改。"
    if action == "accept":
        if not accept_form.is_valid():
            return ""
        chain.committee_accept(actor=user, pk=pk, accepted_on=accept_form.cleaned_data["accepted_on"],
                               opinion=accept_form.cleaned_data["opinion"])
        return f"已接收{application.applicant.name}的申报。"
    if action == "result":
        if not result_form.is_valid():
            return ""
        tally = result_form.tally
        recorded = chain.committee_result(actor=user, pk=pk, tally=tally, opinion=result_form.cleaned_data["opinion"])
        passed = recorded.status == Application.Status.PASSED
        return f"已录入评审结果：{'通过' if passed else '不通过'}（同意{tally.agree}票，实到{tally.attending}人）。"
    if action == "confirm":
        confirmed = chain.confirm(actor=user, pk=pk)
        return f"已确认，证书编号：{confirmed.certificate_no}。"
    raise chain.ChainError("未知的操作。")


@login_required
@xframe_options_sameorigin
def file(request, node_key, pk, file_pk):
    """An attachment of the application, for a node that sees it."""
    node = _node_or_404(request, node_key)
    return responses.application_file(chain.node_application_get(request.user, node, pk), file_pk)


@login_required
@xframe_options_sameorigin
def flow_file(request, node_key, pk, attachment_pk):
    """A decision's attachment (公示证明, …), for a node that sees the application."""
    node = _node_or_404(request, node_key)
    return responses.flow_attachment(chain.node_application_get(request.user, node, pk), attachment_pk)


@login_required
def print_file(request, node_key, pk, kind):
    """Both prints of the application under review (from its snapshot)."""
    node = _node_or_404(request, node_key)
    return responses.print_response(request, chain.node_application_get(request.user, node, pk), kind,
                                    back_url=reverse("chain:review", args=[node.key, pk]))


# ---------------------------------------------------------------- 答辩安排 (the committee office)


@login_required
def defences(request):
    """答辩安排: the office's applications in 评审中 with their arrangements (tabs 未安排 / 已安排 / 全部), the
    template to download and the import. A refused file lists every row's problem; nothing is written."""
    _node_or_404(request, "committee")  # the committee office alone
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
    page = Paginator(defence_import.office_list(request.user, tab, q), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "applications/chain/defences.html", {
        "page": page, "status": tab, "q": q, "tabs": [(key, label, counts[key]) for key, label, _q in defence_import.TABS],
        "first_index": (page.number - 1) * PAGE_SIZE + 1, "outcome": outcome, "file_error": file_error,
    })


@login_required
def defences_template(request):
    """The 答辩安排 template, listing the office's applications in 评审中."""
    _node_or_404(request, "committee")  # the committee office alone
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
    plans = list(Plan.objects.select_related("committee").order_by("-year", "name"))
    given = chain.delegations_of(request.user)
    return render(request, "applications/chain/plans.html", {
        "plans": [(plan, given.get((unit.pk, plan.pk))) for plan in plans], "unit": unit, "units": units,
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
    return render(request, "applications/chain/plan.html", {
        "plan": plan, "unit": unit, "units": units, "delegation": delegation, "form": form, "filed": filed,
        "today": timezone.localdate(),
    })



def _plan_url(plan, unit, units) -> str:
    url = reverse("chain:unit_plan", args=[plan.pk])
    return f"{url}?unit={unit.pk}" if len(units) > 1 else url
