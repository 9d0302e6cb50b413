"""评审统计: per plan, the figures against hand-counted fixtures, within the viewer's scope (a department never
sees another department's units, a city bureau only its region, a unit only its own); the Excel export equals the page; 404 for roles
without statistics; a constant number of queries."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Role
from applications.models import Application
from core.models import AuditEvent, FlowEntry
from dossier.models import Status as RecordStatus
from orgs.models import Region, Unit
from review.models import Decision
from tests.applications.support import page_messages
from tests.factories import PASSWORD, PersonFactory, UnitFactory, bureau_staff, unit_admin
from tests.helpers import log_in
from tests.review.support import make_record

from .support import filed, passed_on, staff

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("captcha_off")]
S = Application.Status


@pytest.fixture
def figures(org):
    """In org's department: 2 at the unit, 1 at the department, 1 returned, 2 passed, 1 failed (工程技术 副高
    unless said); and in another department's unit in Xiamen, 3 more at the unit."""
    filed(org, name="一")
    filed(org, name="二", level="正高")
    passed_on(filed(org, name="三"), to="department")
    filed(org, name="四", status=S.RETURNED)
    filed(org, name="五", status=S.PASSED)
    filed(org, name="六", status=S.CONFIRMED, series="经济")
    filed(org, name="七", status=S.FAILED)
    other_dept = UnitFactory(kind=Unit.Kind.DEPARTMENT, nature=Unit.Nature.GOVERNMENT, name="厦门市教育局",
                             region=Region.objects.get(code="350203"))
    elsewhere = UnitFactory(name="厦门第一中学", department=other_dept, region=Region.objects.get(code="350203"))
    for i in range(3):
        filed(org, name=f"厦门{i}", unit=elsewhere)
    return org


def sign_in(client, user):
    client.logout()
    assert log_in(client, user.id_number or user.username, PASSWORD).status_code == 302


def page(client, user, org):
    sign_in(client, user)
    response = client.get(reverse("chain:stats") + f"?plan={org.plan.pk}")
    assert response.status_code == 200
    return response.context["figures"]


def test_the_province_bureau_sees_every_figure(client, figures):
    stats = page(client, figures.bureau, figures)
    assert stats.total == 10
    assert dict(stats.by_status) == {"审核中": 6, "退回修改": 1, "评审通过": 1, "已确认": 1, "评审未通过": 1}
    assert dict(stats.by_stage) == {"用人单位审核": 5, "主管部门审核": 1}
    assert stats.by_series_level == [("工程技术", "副高", 8), ("工程技术", "正高", 1), ("经济", "副高", 1)]
    assert (stats.passed, stats.decided, stats.pass_rate) == (2, 3, "66.7%")


def test_a_department_sees_its_own_units_only(client, figures):
    stats = page(client, figures.reviewer, figures)
    assert stats.total == 7 and dict(stats.by_stage) == {"用人单位审核": 2, "主管部门审核": 1}


def test_a_city_bureau_sees_its_region_only(client, figures):
    xiamen = bureau_staff("350200", name="厦门人社局")
    stats = page(client, xiamen, figures)
    assert stats.total == 3 and dict(stats.by_status) == {"审核中": 3}


def test_a_unit_sees_its_own_applications_only(client, figures):
    assert page(client, figures.clerk, figures).total == 7
    xiamen_school = Unit.objects.get(name="厦门第一中学")
    assert page(client, unit_admin(xiamen_school, name="厦门一中管理员"), figures).total == 3


def test_roles_without_statistics_get_404(client, figures):
    for user in (figures.committee, staff(Role.EXPERT, figures.plan.committee.bureau)):
        sign_in(client, user)
        assert client.get(reverse("chain:stats")).status_code == 404


def test_the_export_equals_the_page(client, figures):
    stats = page(client, figures.reviewer, figures)
    response = client.get(reverse("chain:stats") + f"?plan={figures.plan.pk}&format=xlsx")
    rows = [[c for c in row if c is not None] for row in
            load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)]
    assert ["已提交申报", stats.total, "通过率", stats.pass_rate] in rows
    for label, n in stats.by_status + stats.by_stage:
        assert [label, n] in rows
    for series, level, n in stats.by_series_level:
        assert [series, level, n] in rows


def test_constant_queries(client, figures):
    sign_in(client, figures.bureau)
    url = reverse("chain:stats") + f"?plan={figures.plan.pk}"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(5):
        filed(figures, name=f"加{i}", series="会计")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def flow(application, *steps):
    """Write `application`'s flow by hand: (days after the first step, action, stage): a stage names a decision."""
    start = timezone.now() - datetime.timedelta(days=60)
    for days, action, stage in steps:
        entry = FlowEntry.objects.create(subject_type="application", subject_id=application.pk, actor_name="测试",
                                         role="", stage=stage, action=action, action_label=action,
                                         at=start + datetime.timedelta(days=days))
        if stage:
            Decision.objects.create(subject_type="application", subject_id=application.pk, stage=stage,
                                    decision=action, role="", entry=entry, at=entry.at)


@pytest.fixture
def timed(org):
    """Unit review took 1, 3 and 5 days in org's department and 10 in Xiamen; the department's 4 and 2 days (a
    claim in between is no arrival). Records 审核中: 2 of org's unit (and a draft), 1 of the Xiamen school."""
    flow(filed(org, name="甲"), (0, "submit", ""), (1, "approve", "unit"), (5, "approve", "department"))
    flow(filed(org, name="乙"), (0, "submit", ""), (1, "claim", ""), (3, "approve", "unit"))
    flow(filed(org, name="丙"), (0, "submit", ""), (5, "approve", "unit"), (7, "approve", "department"))
    other_dept = UnitFactory(kind=Unit.Kind.DEPARTMENT, nature=Unit.Nature.GOVERNMENT, name="厦门市教育局",
                             region=Region.objects.get(code="350203"))
    elsewhere = UnitFactory(name="厦门第一中学", department=other_dept, region=Region.objects.get(code="350203"))
    flow(filed(org, name="丁", unit=elsewhere), (0, "submit", ""), (10, "approve", "unit"))
    owner = PersonFactory(unit=org.unit, name="业绩人")
    make_record(owner, admin=org.clerk)
    make_record(owner, admin=org.clerk)
    make_record(owner, status=RecordStatus.DRAFT)
    make_record(PersonFactory(unit=elsewhere, name="厦门业绩人"))
    org.elsewhere = elsewhere
    return org


def test_node_durations_median_and_p90_by_hand(client, timed):
    assert page(client, timed.bureau, timed).durations == [("用人单位审核", 4, 4.0, 10.0),
                                                           ("主管部门审核", 2, 3.0, 4.0)]
    assert page(client, timed.reviewer, timed).durations == [("用人单位审核", 3, 3.0, 5.0),
                                                             ("主管部门审核", 2, 3.0, 4.0)]


def test_backlog_and_records_pending_by_unit_within_scope(client, timed):
    stats = page(client, timed.bureau, timed)
    assert stats.pending_by_unit == [("福州市第一医院", 2), ("厦门第一中学", 1)]
    assert stats.backlog == [("业绩·单位审核", 3), ("用人单位审核", 4)]
    assert page(client, timed.reviewer, timed).pending_by_unit == [("福州市第一医院", 2)]
    assert page(client, bureau_staff("350200", name="厦门人社局"), timed).pending_by_unit == [("厦门第一中学", 1)]


def test_a_unit_never_sees_another_units_figures(client, timed):
    mine = page(client, timed.clerk, timed)
    assert mine.pending_by_unit == [("福州市第一医院", 2)]
    assert mine.durations == [("用人单位审核", 3, 3.0, 5.0), ("主管部门审核", 2, 3.0, 4.0)]
    theirs = page(client, unit_admin(timed.elsewhere, name="厦门一中管理员"), timed)
    assert theirs.pending_by_unit == [("厦门第一中学", 1)]
    assert theirs.durations == [("用人单位审核", 1, 10.0, 10.0)]
    assert "福州市第一医院" not in theirs_page(client, timed)


def theirs_page(client, timed) -> str:
    return client.get(reverse("chain:stats") + f"?plan={timed.plan.pk}").content.decode()


def test_the_new_tables_are_exported(client, timed):
    stats = page(client, timed.bureau, timed)
    response = client.get(reverse("chain:stats") + f"?plan={timed.plan.pk}&format=xlsx")
    rows = [[c for c in row if c is not None] for row in
            load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)]
    for row in stats.durations + stats.backlog + stats.pending_by_unit:
        assert list(row) in rows


def test_constant_queries_with_the_new_figures(client, timed):
    sign_in(client, timed.bureau)
    url = reverse("chain:stats") + f"?plan={timed.plan.pk}"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    flow(filed(timed, name="戊"), (0, "submit", ""), (2, "approve", "unit"))
    make_record(PersonFactory(unit=UnitFactory(name="新单位"), name="新人"))
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_the_statistics_export_is_watermarked_audited_and_rate_limited(client, timed, settings):
    settings.EXPORT_RATE_LIMIT = 1
    sign_in(client, timed.reviewer)
    url = reverse("chain:stats") + f"?plan={timed.plan.pk}&format=xlsx"
    book = load_workbook(io.BytesIO(client.get(url).content))
    first = book.active["A1"].value
    assert first.startswith(f"导出人：{timed.reviewer.name}　导出时间：")
    assert book.properties.creator == timed.reviewer.name and book.properties.description == first
    event = AuditEvent.objects.get(user=timed.reviewer, event="export")
    assert event.object.startswith(f"评审统计-{timed.plan.name}:") and timed.plan.name in event.object
    refused = client.get(url, follow=True)
    assert "导出过于频繁：每10分钟最多导出1次，请稍后再试。" in page_messages(refused)
    assert AuditEvent.objects.filter(user=timed.reviewer, event="export").count() == 1
