"""The HR bureau edits, closes early, reopens, deletes or archives its plans and committees; every change has a
history row; another bureau's plan or committee is 404, and applicants get 403."""

import datetime

import pytest
from django.urls import reverse

from applications import services
from applications.models import Committee, Plan
from tests.factories import CommitteeFactory, PlanFactory, bureau_staff, unit_admin

from .support import TODAY, login, page_messages

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("regions")]


@pytest.fixture
def staff():
    return bureau_staff(name="人社厅郑强")


@pytest.fixture
def plan(staff):
    committee = CommitteeFactory(bureau=staff.unit, series="经济", levels=["副高", "正高"])
    return PlanFactory(committee=committee, name="经济系列评审", series=["经济"], levels=["副高", "正高"])


def manage_url(plan):
    return reverse("applications:plan_manage", kwargs={"plan_pk": plan.pk})


def committee_url(committee):
    return reverse("applications:committee_manage", kwargs={"committee_pk": committee.pk})


def edit_post(plan, **values):
    data = {
        "year": plan.year, "name": plan.name, "committee": plan.committee_id, "opens_on": plan.opens_on.isoformat(),
        "closes_on": plan.closes_on.isoformat(), "ce_hours_per_year": 96, "ce_hours_senior": 144, "ce_years": 5,
        "appraisal_years": 5, "levels_text": "副高,正高", "series_text": "经济", "specialties_text": "",
        "forms_text": "常规申报", "chain_text": "用人单位,主管部门,人社部门,评委会", "min_years_text": "副高:5",
        "grades_text": "优秀,合格", "health_text": "", "pass_share": "2/3",
    }
    data.update(values)
    return {"action": "save", **{f"p-{k}": v for k, v in data.items()}}


def test_the_edit_form_shows_the_plan_as_typed_with_chinese_chain(client, staff, plan):
    login(client, staff)
    page = client.get(manage_url(plan)).content.decode()
    assert "用人单位 → 主管部门 → 人社部门 → 评委会" in page
    assert 'value="用人单位,主管部门,人社部门,评委会"' in page and 'value="副高,正高"' in page
    assert "申报中" in page


def test_editing_a_plan_saves_it_and_records_who_changed_what(client, staff, plan):
    login(client, staff)
    response = client.post(manage_url(plan), edit_post(plan, name="经济系列高级职称评审（更正）",
                                                        chain_text="用人单位,人社部门,评委会"))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.name == "经济系列高级职称评审（更正）" and plan.chain == ["unit", "bureau", "committee"]
    latest = plan.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (staff, "修改")
    assert "已保存评审计划：经济系列高级职称评审（更正）。" in page_messages(client.get(response.url))
    page = client.get(manage_url(plan)).content.decode()
    assert "计划名称" in page and "审核流程" in page and "修改" in page and staff.name in page


def test_a_bad_edit_is_refused_by_the_field_and_nothing_changes(client, staff, plan):
    login(client, staff)
    response = client.post(manage_url(plan), edit_post(plan, name="新名字", closes_on="2000-01-01"))
    assert response.status_code == 200 and "申报截止日期不能早于开始日期。" in response.content.decode()
    plan.refresh_from_db()
    assert plan.name == "经济系列评审"


def test_the_chain_cannot_change_once_an_application_is_filed(client, staff, plan, person):
    application = services.application_start(actor=person, plan=plan, series="经济", level="副高")
    application.status = "submitted"
    application.save()
    login(client, staff)
    response = client.post(manage_url(plan), edit_post(plan, chain_text="用人单位,评委会"))
    assert "已有申报进入审核流程，不能再修改审核流程。" in response.content.decode()
    plan.refresh_from_db()
    assert plan.chain == ["unit", "department", "bureau", "committee"]


def test_close_early_then_reopen_before_the_deadline(client, staff, plan):
    login(client, staff)
    client.post(manage_url(plan), {"action": "close"})
    plan.refresh_from_db()
    assert plan.closed_at is not None and not plan.is_open() and plan not in Plan.open_on()
    assert plan.state_label == "已提前截止"
    client.post(manage_url(plan), {"action": "reopen"})
    plan.refresh_from_db()
    assert plan.closed_at is None and plan.is_open() and plan in Plan.open_on()
    reasons = [row.history_change_reason for row in plan.history.order_by("history_id")]
    assert reasons[-2:] == ["提前截止", "重新开放"]


def test_a_closed_plan_takes_no_new_application(staff, plan, person):
    services.plan_close(actor=staff, plan=plan)
    with pytest.raises(services.ApplicationError, match="不在申报时间内"):
        services.application_start(actor=person, plan=plan, series="经济", level="副高")


def test_a_plan_past_its_deadline_cannot_be_reopened(client, staff, plan):
    services.plan_close(actor=staff, plan=plan)
    Plan.objects.filter(pk=plan.pk).update(closes_on=TODAY - datetime.timedelta(days=1))
    login(client, staff)
    response = client.post(manage_url(plan), {"action": "reopen"})
    assert any("已过，不能重新开放" in m for m in page_messages(client.get(response.url)))
    plan.refresh_from_db()
    assert plan.closed_at is not None


def test_a_plan_nobody_applied_to_is_deleted(client, staff, plan):
    login(client, staff)
    response = client.post(manage_url(plan), {"action": "delete"})
    assert response.url == reverse("applications:plans")
    assert not Plan.objects.filter(pk=plan.pk).exists()
    assert plan.history.model.objects.filter(id=plan.pk, history_type="-").exists()  # the deletion is recorded


def test_a_plan_with_applications_is_archived_not_deleted(client, staff, plan, person):
    services.application_start(actor=person, plan=plan, series="经济", level="副高")
    login(client, staff)
    response = client.post(manage_url(plan), {"action": "delete"})
    assert "评审计划经济系列评审已有引用，不能删除，已归档。" in page_messages(client.get(response.url))
    plan.refresh_from_db()
    assert plan.archived_at is not None and not plan.is_open() and plan.state_label == "已归档"


def test_committee_close_reopen_and_remove(client, staff, plan):
    committee = plan.committee
    spare = CommitteeFactory(bureau=staff.unit, name="闲置评委会")
    login(client, staff)
    client.post(committee_url(committee), {"action": "close"})
    committee.refresh_from_db()
    assert committee.closed_at is not None
    form_page = client.get(reverse("applications:plans"))
    assert committee not in form_page.context["plan_form"].fields["committee"].queryset  # no new plan names it
    client.post(committee_url(committee), {"action": "reopen"})
    committee.refresh_from_db()
    assert committee.closed_at is None
    client.post(committee_url(committee), {"action": "delete"})  # a plan names it: archived
    committee.refresh_from_db()
    assert committee.archived_at is not None
    client.post(committee_url(spare), {"action": "delete"})
    assert not Committee.objects.filter(pk=spare.pk).exists()


def test_committee_edit(client, staff, plan):
    login(client, staff)
    client.post(committee_url(plan.committee), {"action": "save", "c-name": "经济评委会（更名）", "c-series": "经济",
                                                "c-levels_text": "中级,副高"})
    committee = Committee.objects.get(pk=plan.committee_id)
    assert (committee.name, committee.levels) == ("经济评委会（更名）", ["中级", "副高"])
    assert committee.history.latest().history_change_reason == "修改"


def test_another_bureaus_plan_and_committee_are_404(client, plan):
    other = bureau_staff("350100", name="福州人社局")
    login(client, other)
    assert client.get(manage_url(plan)).status_code == 404
    assert client.post(manage_url(plan), {"action": "delete"}).status_code == 404
    assert client.post(committee_url(plan.committee), {"action": "delete"}).status_code == 404
    assert Plan.objects.filter(pk=plan.pk).exists()
    with pytest.raises(services.PermissionDenied):
        services.plan_close(actor=other, plan=plan)


def test_applicants_and_unit_admins_are_refused(client, plan, person, unit):
    for user in (person, unit_admin(unit, name="单位管理员")):
        login(client, user)
        assert client.get(manage_url(plan)).status_code == 403
        assert client.post(committee_url(plan.committee), {"action": "delete"}).status_code == 403
    assert Plan.objects.filter(pk=plan.pk).exists()
