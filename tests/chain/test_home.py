"""首页 per role: the applicant's records, applications with their next step and open plans; each staff desk's
waiting work per stage and series, the longest waiting first; the expert's plans; a constant number of queries;
enterprises get no 岗位核准信息 menu."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role
from applications import services
from applications.models import Application
from dossier.models import Record
from dossier.models import Status as RecordStatus
from orgs.models import Unit
from tests.applications.support import login
from tests.factories import PersonFactory, UnitFactory, unit_admin

from .support import filed, passed_on, staff

pytestmark = pytest.mark.django_db


def home(client, user):
    login(client, user)
    response = client.get("/")
    assert response.status_code == 200
    return response


def _aged(application, days):
    Application.objects.filter(pk=application.pk).update(node_since=timezone.now() - datetime.timedelta(days=days))


def test_the_unit_clerk_sees_waiting_applications_per_stage_and_series_oldest_first(client, org):
    newer = filed(org, name="新来的", series="工程技术")
    oldest = filed(org, name="最早的", series="工程技术")
    other_series = filed(org, name="经济师", series="经济")
    _aged(oldest, 9)
    _aged(other_series, 3)
    filed(org, name="外单位", unit=UnitFactory(name="外单位", department=org.department))  # not this unit's
    response = home(client, org.clerk)
    desk = response.context["desks"][0]
    assert desk.title == "职称申报审核" and desk.total == 3
    assert desk.by_stage == [("用人单位审核", [("工程技术", 2), ("经济", 1)], 3)]
    assert [item.pk for item in desk.waiting] == [oldest.pk, other_series.pk, newer.pk]
    assert desk.waiting[0].days_waiting == 9
    page = response.content.decode()
    assert "最早的" in page and "外单位" not in page and "已等待 9 天" in page
    assert f"/chain/unit/{oldest.pk}/" in page


def test_each_staff_role_sees_its_own_desk(client, org):
    at_department = filed(org, name="到主管部门")
    passed_on(at_department, to="department")
    at_bureau = filed(org, name="到人社")
    passed_on(at_bureau, to="bureau")
    at_committee = filed(org, name="到评委会")
    passed_on(at_committee, to="committee_accept")
    for user, title, name in ((org.reviewer, "主管部门审核", "到主管部门"), (org.bureau, "职称资格审查", "到人社"),
                              (org.committee, "评委会接收", "到评委会")):
        response = home(client, user)
        desks = response.context["desks"]
        assert [(d.title, d.total) for d in desks] == [(title, 1)], title
        assert [item.applicant.name for item in desks[0].waiting] == [name]
        assert org.plan.name in response.content.decode()  # plan deadlines
        client.logout()


def test_staff_home_queries_do_not_grow_with_the_work(client, org):
    filed(org, name="一")
    login(client, org.clerk)
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    for i in range(6):
        filed(org, name=f"批量{i}", series="经济" if i % 2 else "工程技术")
    with CaptureQueriesContext(connection) as many:
        response = client.get("/")
    assert response.context["desks"][0].total == 7
    assert len(many) == len(few)


def test_the_applicant_sees_what_needs_doing(client, org):
    person = PersonFactory(unit=org.unit, name="陈静", series="工程技术")
    for title, status in (("退回的论文", RecordStatus.RETURNED), ("待审的专利", RecordStatus.PENDING),
                          ("待审的奖项", RecordStatus.PENDING), ("已通过", RecordStatus.APPROVED)):
        Record.objects.create(owner=person, unit=org.unit, kind="paper", title=title, status=status,
                              submitted_at=timezone.now(), decided_at=timezone.now())
    application = services.application_start(actor=person, plan=org.plan, series="工程技术", level="副高")
    response = home(client, person)
    panel = response.context["applicant"]
    assert (panel.records_returned, panel.records_pending) == (1, 2)
    assert [row["record"].title for row in panel.returned] == ["退回的论文"]
    assert panel.applications[0]["next"] == "完善各部分内容并核对打印预览后，提交申报"
    days = (org.plan.closes_on - timezone.localdate()).days
    assert [(row["plan"], row["days_left"], row["applied"]) for row in panel.plans] == [(org.plan, days, True)]
    page = response.content.decode()
    assert f"还剩 {days} 天" in page and "退回的论文" in page and "将在此处提供" not in page

    Application.objects.filter(pk=application.pk).update(status="submitted", stage="department")
    panel = home(client, person).context["applicant"]
    assert (panel.applications[0]["stage"], panel.applications[0]["next"]) == ("主管部门审核", "等待主管部门审核")


def test_applicant_home_is_a_constant_number_of_queries(client, org):
    person = PersonFactory(unit=org.unit, series="工程技术")
    login(client, person)
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    for i in range(5):
        Record.objects.create(owner=person, unit=org.unit, kind="paper", title=f"论文{i}",
                              status=RecordStatus.RETURNED, submitted_at=timezone.now())
    services.application_start(actor=person, plan=org.plan, series="工程技术", level="副高")
    with CaptureQueriesContext(connection) as many:
        client.get("/")
    assert len(many) == len(few)


def test_the_expert_sees_the_committees_plans_and_what_is_in_review(client, org):
    expert = staff(Role.EXPERT, org.plan.committee.bureau, name="周红")
    filed(org, name="评审中一", status=Application.Status.ACCEPTED)
    filed(org, name="审核中")
    response = home(client, expert)
    plans = response.context["expert"]["plans"]
    assert [(p.pk, p.in_review) for p in plans] == [(org.plan.pk, 1)]
    page = response.content.decode()
    assert "将在此处显示" not in page and org.plan.name in page


@pytest.mark.parametrize("nature, shown", [(Unit.Nature.PUBLIC_INSTITUTION, True), (Unit.Nature.ENTERPRISE, False)])
def test_post_quotas_are_in_the_menu_of_public_institutions_only(client, regions, nature, shown):
    admin = unit_admin(UnitFactory(nature=nature))
    page = home(client, admin).content.decode()
    assert ("岗位核准信息" in page) is shown
