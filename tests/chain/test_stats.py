"""评审统计: per plan, the figures against hand-counted fixtures, within the viewer's scope (a department never
sees another department's units, a city bureau only its region, a unit only its own); the Excel export equals the page; 404 for roles
without statistics; a constant number of queries."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from applications.models import Application
from orgs.models import Region, Unit
from tests.applications.support import login
from tests.factories import UnitFactory, bureau_staff, unit_admin

from .support import filed, passed_on, staff

pytestmark = pytest.mark.django_db
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


def page(client, user, org):
    login(client, user)
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
        login(client, user)
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
    login(client, figures.bureau)
    url = reverse("chain:stats") + f"?plan={figures.plan.pk}"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(5):
        filed(figures, name=f"加{i}", series="会计")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
