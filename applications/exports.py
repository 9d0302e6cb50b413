"""Excel exports of the applications' lists through accounts.exports: the review desks' lists (the tab and search
applied; the ID number and the phone masked with core's one format unless a full-number export was allowed), the
applicant's 我的申报 and the unit admin's 评审计划 (its filters applied; neither list holds personal numbers)."""

from django.http import Http404
from django.utils import timezone

from accounts.exports import Listing, export_register
from accounts.roles import admin_unit_ids
from core.masking import mask_id_number, mask_phone
from review import desks

from . import chain, selectors
from .chain_forms import PlanFilterForm

COLUMNS = ["序号", "年度", "申报人", "身份证号", "手机号", "性别", "工作单位", "评审计划", "申报形式", "申报专业",
           "申报职称", "申报日期", "流程节点", "状态"]


def desk_row(a, number: int, masked: bool) -> list:
    basic = ((a.snapshot or {}).get("sections", {}).get("basic", {}) or {}).get("values", {})
    id_number, phone = a.applicant.id_number, a.applicant.phone
    return [number, a.plan.year, a.applicant.name, mask_id_number(id_number) if masked else id_number,
            mask_phone(phone) if masked else phone, a.applicant.get_gender_display(),
            a.unit.name if a.unit_id else "", a.plan.name, a.form, basic.get("qualification_specialty") or a.series,
            a.filed_title_name or a.level,
            a.submitted_at.strftime("%Y-%m-%d") if a.submitted_at else "", a.stage_label, a.get_status_display()]


def desk_tab(desk, status: str) -> tuple[str, str]:
    """The tab the list shows for `status` (its first tab for an unknown one): (key, label)."""
    tab = next((t for t in desk.tabs if t.key == status), desk.tabs[0])
    return tab.key, tab.label


def desk_listing(user, params: dict) -> Listing:
    """A desk's list as its page shows it: params `node` (the desk), `status` (the tab), `q` (the search)."""
    desk = desks.desk_get(params.get("node", ""))
    if not desks.staffs(user, desk):
        raise Http404
    tab, label = desk_tab(desk, params.get("status", ""))
    q = params.get("q", "").strip()[:50]
    return Listing(title=f"{desk.title}-{label}", columns=COLUMNS, rows=desks.desk_list(user, desk, tab, q),
                   row=desk_row, filters={"列表": desk.title, "标签": label, "搜索": q})


OWN_COLUMNS = ["序号", "年度", "评审计划", "评委会", "申报系列", "申报级别", "申报形式", "申报日期", "流程节点", "状态",
               "证书编号", "答辩时间"]


def own_row(a, number: int, masked: bool) -> list:
    defence = getattr(a, "defence", None) if a.status == a.Status.ACCEPTED else None  # as the list shows it
    return [number, a.plan.year, a.plan.name, a.plan.committee.name, a.series, a.level, a.form,
            timezone.localdate(a.submitted_at).isoformat() if a.submitted_at else "", a.stage_label,
            a.get_status_display(), a.certificate_no or "",
            timezone.localtime(defence.starts_at).strftime("%Y-%m-%d %H:%M") if defence else ""]


def own_applications_listing(user, params: dict) -> Listing:
    """我的申报: the applicant's own applications, as 职称申报 lists them (no filters on that list)."""
    return Listing(title="我的申报", columns=OWN_COLUMNS, rows=selectors.own_applications(user), row=own_row)


PLAN_COLUMNS = ["序号", "年度", "计划名称", "评委会", "评审级别", "申报起止日期", "委托"]


def unit_plans_listing(user, params: dict) -> Listing:
    """评审计划 of a unit admin (params unit: which of their units, for the 委托 column; name, year, level, series:
    the list's filters, an invalid one left out as the page leaves it out); 404 for anyone administering no unit."""
    ids = sorted(admin_unit_ids(user))
    if not ids:
        raise Http404
    unit_id = next((pk for pk in ids if str(pk) == str(params.get("unit", ""))), ids[0])
    form = PlanFilterForm(params)
    filters = form.filters()
    given = chain.delegations_of(user)

    def row(plan, number: int, masked: bool) -> list:
        delegation = given.get((unit_id, plan.pk))
        return [number, plan.year, plan.name, plan.committee.name, "、".join(plan.levels or []),
                f"{plan.opens_on:%Y-%m-%d} 至 {plan.closes_on:%Y-%m-%d}",
                f"已委托：{delegation.delegate.name}" if delegation else "本单位审核"]

    labels = {name: form.fields[name].label for name in form.fields}
    return Listing(title="评审计划", columns=PLAN_COLUMNS, rows=selectors.plans_for_unit_admin(user, **filters),
                   row=row, filters={labels[name]: str(value) for name, value in filters.items()})


def register() -> None:
    export_register("desk", desk_listing)
    export_register("own_applications", own_applications_listing)
    export_register("unit_plans", unit_plans_listing)
