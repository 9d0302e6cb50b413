"""The unit's 评审计划 list filters by 计划名称, 年度, 评审级别 and 计划类型 (seed 002 §四) through a GET form; a bad
value is refused by its field (the other filters still apply, never a 500) and the page costs the same queries
for 3 plans as for 30."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import PASSWORD, CommitteeFactory, PlanFactory
from tests.helpers import log_in

pytestmark = pytest.mark.django_db
URL = reverse("chain:unit_plans")


@pytest.fixture
def plans(org):
    """org's 工程技术 plan of this year (中级-正高) and three more."""
    teachers = CommitteeFactory(name="福州市中小学教师中级职称评审委员会", series="中小学教师", levels=["初级", "中级"])
    accounting = CommitteeFactory(name="福建省会计高级职称评审委员会", series="会计", levels=["副高", "正高"])
    return {
        "engineering": org.plan,
        "teachers": PlanFactory(committee=teachers, year=2025, name="2025年福州中小学教师系列中级职称评审"),
        "teachers_junior": PlanFactory(committee=teachers, year=2024, name="2024年福州中小学教师系列初级职称评审",
                                       levels=["初级"]),
        "accounting": PlanFactory(committee=accounting, year=2025, name="2025年福建省会计系列高级职称评审"),
    }


def shown(response) -> list[str]:
    assert response.status_code == 200
    return [plan.name for plan, _ in response.context["plans"]]


def names(plans, *keys) -> list[str]:
    return [plans[key].name for key in keys]


@pytest.fixture
def clerk(client, org, captcha_off):
    assert log_in(client, org.clerk.username, PASSWORD).status_code == 302
    return client


def test_no_filter_lists_every_plan_newest_year_first(clerk, plans):
    assert shown(clerk.get(URL))[0] == plans["engineering"].name
    assert sorted(shown(clerk.get(URL))) == sorted(p.name for p in plans.values())


@pytest.mark.parametrize(("query", "expected"), [
    pytest.param({"name": "中小学"}, ("teachers", "teachers_junior"), id="name_part"),
    pytest.param({"year": "2025"}, ("teachers", "accounting"), id="year"),
    pytest.param({"level": "初级"}, ("teachers", "teachers_junior"), id="level_among_the_plans"),
    pytest.param({"level": "中级"}, ("engineering", "teachers"), id="level_mid"),
    pytest.param({"series": "会计"}, ("accounting",), id="plan_type_is_the_committee_series"),
    pytest.param({"year": "2025", "level": "中级", "series": "中小学教师"}, ("teachers",), id="all_together"),
    pytest.param({"name": "卫生"}, (), id="nothing_matches"),
])
def test_each_filter_narrows_the_list(clerk, plans, query, expected):
    response = clerk.get(URL, query)

    assert sorted(shown(response)) == sorted(names(plans, *expected))
    if not expected:
        assert "没有符合条件的评审计划" in response.content.decode()


def test_the_form_keeps_what_was_chosen(clerk, plans):
    page = clerk.get(URL, {"name": "中小学", "year": "2025", "level": "中级", "series": "中小学教师"}).content.decode()

    assert 'name="name" value="中小学"' in page
    assert 'name="year" value="2025"' in page
    assert '<option value="中级" selected>中级</option>' in page
    assert '<option value="中小学教师" selected>中小学教师系列</option>' in page


@pytest.mark.parametrize(("query", "field", "message"), [
    pytest.param({"year": "二〇二五"}, "year", "请输入四位数字的年度。", id="year_not_a_number"),
    pytest.param({"year": "99999"}, "year", "请输入2000至2100之间的年度。", id="year_out_of_range"),
    pytest.param({"level": "特级"}, "level", "请从列表中选择评审级别。", id="unknown_level"),
    pytest.param({"series": "'; drop"}, "series", "请从列表中选择计划类型。", id="unknown_type"),
])
def test_a_bad_value_is_refused_by_its_field_and_the_others_still_apply(clerk, plans, query, field, message):
    response = clerk.get(URL, {**query, "name": "2025年"})

    assert response.context["filters"].errors[field] == [message]
    assert message in response.content.decode()
    assert sorted(shown(response)) == sorted(names(plans, "teachers", "accounting"))


def test_the_number_of_queries_does_not_grow_with_the_plans(clerk, plans):
    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert clerk.get(URL, {"level": "中级"}).status_code == 200
        return len(captured)

    few = count()
    committee = plans["teachers"].committee
    for year in range(2000, 2027):
        PlanFactory(committee=committee, year=year, name=f"{year}年福州中小学教师系列中级职称评审")
    response = clerk.get(URL, {"level": "中级"})
    assert len(shown(response)) == 29
    assert count() == few
