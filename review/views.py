"""The employer portal's review pages: one set of views for every record type, driven by the catalogue."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import get_script_prefix, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import get_language
from django.views.decorators.http import require_POST

from accounts.audit import personal_numbers_viewed
from accounts.export_views import export_response
from core.flow import flow_for
from core.paging import per_page
from dossier import items
from dossier.catalogue import catalogue
from dossier.display import child_tables, detail_rows, list_row
from dossier.models import Status, Withdrawal
from dossier.services import RecordError
from orgs.models import Announcement

from . import desks, engine, scopes, selectors, services
from .recusal import is_own
from .stages import stages
from .tasks import tasks_for

unit_admin_required = permission_required("accounts.review_registrations", raise_exception=True)
RECORDS_TEMPLATE = "review/records.html"
TABS = [("", "全部"), (Status.PENDING, "审核中"), (Status.APPROVED, "审核通过"), (Status.RETURNED, "退回")]


def _menu(counts, kind=None) -> dict:
    """The left menu: every type with its (total/approved) and pending badge, `kind` active. Each entry is a
    cached fragment (review/_menu.html) keyed by `menu_scope` (what decides every entry's markup besides its
    type, the active type and its counts: the catalogue, the language and the URL prefix) and those."""
    cat = catalogue()
    return {"menu": [(label, [(k, counts.get(k.key)) for k in kinds]) for _key, label, kinds in cat.by_category()],
            "menu_scope": f"{cat.version}|{get_language()}|{get_script_prefix()}", "kind": kind}


@login_required
@unit_admin_required
def unit_home(request):
    """单位首页: pending items by kind, this year's decisions by kind, the latest title news."""
    counts = selectors.unit_counts(request.user)
    kinds = {k.key: k for k in catalogue().kinds()}
    pending = [(kinds[key], c.by_status.get(Status.PENDING, 0)) for key, c in counts.items()
               if key in kinds and c.by_status.get(Status.PENDING)]
    stats = selectors.year_statistics(scopes.unit_ids(request.user))
    stat_rows = [(kinds[key], row) for key, row in stats.items() if key in kinds]
    withdrawal = catalogue().withdrawal
    withdrawals = selectors.unit_withdrawals(request.user, state=Withdrawal.State.PENDING).count() if withdrawal else 0
    return render(request, "review/unit_home.html", {
        "applications": desks.tab_counts(request.user, stages().desk("unit")),
        "pending": pending, "pending_total": sum(n for _, n in pending), "stat_rows": stat_rows,
        "withdrawal": withdrawal, "withdrawals_pending": withdrawals,
        "news": Announcement.objects.select_related("publisher")[:5],
    })


@login_required
@unit_admin_required
def records_home(request):
    """业绩档案: open the first type that has pending records, else the first type."""
    counts = selectors.unit_counts(request.user)
    for kind in catalogue().kinds():
        if counts.get(kind.key) and counts[kind.key].by_status.get(Status.PENDING):
            return redirect("review:records", kind_key=kind.key)
    return redirect("review:records", kind_key=catalogue().kinds()[0].key)


@login_required
@unit_admin_required
def records(request, kind_key):
    try:
        kind = catalogue().kind(kind_key)
    except KeyError:
        raise Http404 from None
    status = request.GET.get("status", "")
    if status not in dict(TABS):
        status = ""
    q = request.GET.get("q", "").strip()
    if request.GET.get("format") == "xlsx":  # 导出Excel: the whole list, the tab and search applied
        return export_response(request, "unit_records", params={"kind": kind.key, "status": status, "q": q},
                               back_url=request.path + "?" + urlencode({"status": status, "q": q}))
    counts = selectors.unit_counts(request.user)
    mine = counts.get(kind.key) or selectors.KindCounts()
    size = per_page(request, catalogue().page_size)
    page = selectors.unit_records(
        request.user, kind=kind.key, status=status, q=q,
        after=request.GET.get("after", ""), before=request.GET.get("before", ""), size=size,
    )
    child_counts = items.child_counts(page.rows, kind)
    tabs = [(value, label, mine.by_status.get(value, 0) if value else mine.total) for value, label in TABS]
    total = (mine.by_status.get(status, 0) if status else mine.total) if not q else None
    # Keyset pages have no number of their own: the links carry it (p) so that 序号 continues across pages.
    number = request.GET.get("p", "")
    number = int(number) if number.isascii() and number.isdigit() and int(number) > 0 and page.has_prev else 1
    start = (number - 1) * size + 1
    # 回避: the reader's own records are shown, but only to look at.
    rows = [{"record": record, "number": n, "own": bool(is_own(request.user, record.owner_id)),
             **list_row(kind, record, child_counts)} for n, record in enumerate(page.rows, start)]
    base = {"status": status, "q": q, "per_page": size if size != catalogue().page_size else ""}
    return render(request, RECORDS_TEMPLATE, {
        "rows": rows, "page": page, "tabs": tabs, "status": status, "q": q, "total": total, "per_page": size,
        "export_href": "?" + urlencode({"status": status, "q": q, "format": "xlsx"}),
        "prev_href": _page_href(base, before=page.prev_cursor, p=number - 1) if page.has_prev else "",
        "next_href": _page_href(base, after=page.next_cursor, p=number + 1) if page.has_next else "",
        **_menu(counts, kind),
    })


def _page_href(base: dict, **cursor) -> str:
    return "?" + urlencode({key: value for key, value in {**base, **cursor}.items() if value != ""})


@login_required
@unit_admin_required
def record_review(request, pk):
    """The review page: applicant, ID, gender, dates, every field, every attachment, the flow, the decision.
    After a decision the next pending record of the same type opens."""
    record = selectors.unit_record_get(request.user, pk)
    kind = catalogue().kind(record.kind)
    stage = stages().get("record_unit")
    error = ""
    # 回避: on her own record an admin is offered no decision, and told who else of the unit may decide.
    recusal = engine.recusal_note_for(request.user, stage, record) if record.status == stage.status else ""
    if request.method == "POST":
        decision = request.POST.get("decision", "")
        try:
            services.record_decide(actor=request.user, record=record, decision=decision,
                                   opinion=request.POST.get("opinion", ""))
        except RecordError as exc:
            error = str(exc)
        except PermissionDenied:
            raise Http404 from None
        else:
            label = stage.decisions[decision].label
            following = selectors.next_pending(request.user, kind=kind.key, exclude=record.pk)
            if following:
                messages.success(request, f"已{label}“{record.title}”，已打开下一条待审核的{kind.label}。")
                return redirect("review:record", pk=following.pk)
            messages.success(request, f"已{label}“{record.title}”。{kind.label}没有待审核的业绩了。")
            return redirect("review:records", kind_key=kind.key)
    if error == recusal:
        error = ""  # a refused POST: the note says it
    personal_numbers_viewed(request, f"record:{record.pk} owner:{record.owner_id}")
    return render(request, "review/record_review.html", {
        "kind": kind, "record": record, "details": detail_rows(kind, record), "recusal": recusal, "stage": stage,
        "evidence": list(record.evidence.filter(item=None)), "child_tables": child_tables(kind, record),
        "flow": flow_for(subject_type="record", subject_id=record.pk),
        "error": error, "opinion": request.POST.get("opinion", "") if error else "",
        "counts": selectors.unit_counts(request.user), **_menu(selectors.unit_counts(request.user), kind),
    })


@login_required
@unit_admin_required
@require_POST
def records_batch(request):
    """批量审核: approve the selected records one by one; each is all-or-nothing, the rest are reported."""
    # ASCII digits only ("²".isdigit() is true but int() refuses it); a repeated id is decided once.
    ids = list(dict.fromkeys(int(i) for i in request.POST.getlist("ids") if i.isascii() and i.isdigit()))
    opinion = request.POST.get("opinion", "")
    done, skipped, own, recusal = 0, [], [], ""
    for pk in ids:
        try:
            record = selectors.unit_record_get(request.user, pk)
            services.record_decide(actor=request.user, record=record, decision="approve", opinion=opinion)
            done += 1
        except Http404:
            skipped.append(f"#{pk}（无权审核）")
        except (RecordError, PermissionDenied) as exc:
            if is_own(request.user, record.owner_id):  # refused by the service (回避): said once, below
                own.append(f"“{record.title}”")
                recusal = str(exc)
            else:
                skipped.append(f"“{record.title}”（{str(exc) or '无权审核'}）")
    if not ids:
        messages.error(request, "请先勾选要审核的业绩。")
    elif skipped or own:
        parts = [f"已通过 {done} 条"]
        if skipped:
            parts.append(f"跳过 {len(skipped)} 条：" + "；".join(skipped[:10]))
        if own:
            parts.append(f"未审核本人的业绩 {len(own)} 条（{'、'.join(own[:10])}）：{recusal}")
        messages.warning(request, "；".join(parts))
    else:
        messages.success(request, f"已批量通过 {done} 条业绩。")
    # Back to the page the batch was sent from, never to another site (an open redirect otherwise).
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        back = reverse("review:tasks")
    return redirect(back)


@login_required
@unit_admin_required
def withdrawals(request):
    """撤回申请: requests to grant or refuse. None in a province without 撤回 (Anhui)."""
    if not catalogue().withdrawal:
        raise Http404
    state = request.GET.get("state", Withdrawal.State.PENDING)
    qs = selectors.unit_withdrawals(request.user, state=state if state != "all" else "")
    page = Paginator(qs, per_page(request)).get_page(request.GET.get("page"))
    kinds = {k.key: k.label for k in catalogue().kinds()}
    stage = stages().get("record_withdrawal")
    for withdrawal in page:
        # 回避: her own pending request is shown without the buttons, with who else may decide it.
        pending = withdrawal.state == Withdrawal.State.PENDING
        withdrawal.recusal = engine.recusal_note_for(request.user, stage, withdrawal.record) if pending else ""
    return render(request, "review/withdrawals.html", {
        "page": page, "state": state, "states": Withdrawal.State.choices, "kinds": kinds,
    })


@login_required
@unit_admin_required
@require_POST
def withdrawal_decide(request, pk):
    if not catalogue().withdrawal:
        raise Http404
    withdrawal = selectors.unit_withdrawal_get(request.user, pk)
    grant = request.POST.get("decision") == "grant"
    try:
        services.withdrawal_decide(actor=request.user, withdrawal=withdrawal, grant=grant,
                                   opinion=request.POST.get("opinion", ""))
    except RecordError as exc:
        messages.error(request, str(exc))
    except PermissionDenied:
        raise Http404 from None
    else:
        messages.success(request, f"已{'同意' if grant else '不同意'}“{withdrawal.record.title}”的撤回申请。")
    return redirect("review:withdrawals")


@login_required
@unit_admin_required
def tasks(request):
    """任务中心: everything pending, oldest first, with the same actions."""
    return render(request, "review/tasks.html", {"items": tasks_for(request.user)})
