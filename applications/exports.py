"""Excel exports of the review desks' lists (the tab and search applied), through accounts.exports: the list's
columns, the ID number and the phone masked with core's one format unless a full-number export was allowed."""

from django.http import Http404

from accounts.exports import Listing, export_register
from core.masking import mask_id_number, mask_phone
from review import desks

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


def register() -> None:
    export_register("desk", desk_listing)
