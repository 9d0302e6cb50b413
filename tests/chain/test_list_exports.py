"""导出Excel of 我的申报 (the applicant's applications) and of the unit's 评审计划 (its filters applied): the rows of the
list in its order, watermarked with the exporter's name and audited; nobody else's applications, no other unit's
委托, and a 404 for anyone the list is not theirs to see; a long 评审计划 list is generated in the background."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import ExportJob
from applications.exports import OWN_COLUMNS, PLAN_COLUMNS
from applications.models import Application, Delegation
from core.models import AuditEvent
from tests.applications.support import login
from tests.factories import CommitteeFactory, PersonFactory, PlanFactory, UnitFactory, unit_admin
from tests.helpers import committed

from .support import filed

pytestmark = pytest.mark.django_db
HOME = reverse("applications:home")
PLANS = reverse("chain:unit_plans")


def export(client, url, params=None):
    response = client.get(url, {**(params or {}), "format": "xlsx"})
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    content = b"".join(response.streaming_content)
    return [list(row) for row in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)]


def test_my_applications_export_is_my_list_and_nobody_elses(client, org):
    person = PersonFactory(unit=org.unit, name="陈静", series="工程技术")
    older_plan = PlanFactory(committee=org.plan.committee, year=org.plan.year - 1, name="上一年度工程技术评审")
    first = filed(org, person=person, plan=older_plan, status=Application.Status.PASSED, certificate_no="ZC2025-0001")
    second = filed(org, person=person)
    Application.objects.filter(pk=first.pk).update(created_at=timezone.now() - timezone.timedelta(days=400))
    filed(org, name="王磊")  # another person of the same unit
    login(client, person)
    listed = [a.pk for a in client.get(HOME).context["applications"]]
    assert listed == [second.pk, first.pk]

    rows = export(client, HOME)
    assert rows[0][0].startswith("导出人：陈静　导出时间：")
    assert rows[1] == OWN_COLUMNS
    assert [r[2] for r in rows[2:]] == [org.plan.name, "上一年度工程技术评审"]
    assert rows[2][:10] == [1, org.plan.year, org.plan.name, org.plan.committee.name, "工程技术", "副高", second.form,
                            timezone.localdate(second.submitted_at).isoformat(), second.stage_label, "审核中"]
    assert rows[3][0] == 2 and rows[3][9:11] == ["评审通过", "ZC2025-0001"]
    assert "王磊" not in str(rows) and person.id_number not in str(rows)
    entry = AuditEvent.objects.filter(event="export", user=person).get()
    assert entry.object.startswith("我的申报:") and '"行数":2' in entry.object


def test_my_applications_export_of_someone_with_none_is_the_header_only(client, org):
    filed(org, name="王磊")
    person = PersonFactory(unit=org.unit, name="赵敏")
    login(client, person)
    assert "导出Excel" not in client.get(HOME).content.decode()  # no button on an empty list
    assert export(client, HOME)[1:] == [OWN_COLUMNS]


@pytest.fixture
def plans(org):
    teachers = CommitteeFactory(name="福州市中小学教师中级职称评审委员会", series="中小学教师", levels=["初级", "中级"])
    return {
        "engineering": org.plan,
        "teachers": PlanFactory(committee=teachers, year=2025, name="2025年福州中小学教师系列中级职称评审"),
        "teachers_junior": PlanFactory(committee=teachers, year=2024, name="2024年福州中小学教师系列初级职称评审",
                                       levels=["初级"]),
    }


def shown(client, params) -> list[str]:
    return [plan.name for plan, _ in client.get(PLANS, params).context["plans"]]


@pytest.mark.parametrize("params", [{}, {"level": "初级"}, {"name": "中小学", "year": "2024"},
                                    {"series": "中小学教师", "year": "二〇二五"}, {"level": "特级", "name": "2025"}])
def test_the_plan_export_is_the_list_with_its_filters(client, org, plans, params):
    login(client, org.clerk)
    rows = export(client, PLANS, params)
    assert rows[0][0].startswith("导出人：经办人甲　导出时间：")
    assert rows[1] == PLAN_COLUMNS
    assert [r[2] for r in rows[2:]] == shown(client, params)  # the same plans in the same order
    assert [r[0] for r in rows[2:]] == list(range(1, len(rows) - 1))


def test_the_plan_export_cells_and_the_audited_filters(client, org, plans):
    login(client, org.clerk)
    rows = export(client, PLANS, {"level": "初级", "series": "中小学教师"})
    junior = plans["teachers_junior"]
    assert rows[2:] == [
        [1, 2025, plans["teachers"].name, "福州市中小学教师中级职称评审委员会", "、".join(plans["teachers"].levels),
         f"{plans['teachers'].opens_on:%Y-%m-%d} 至 {plans['teachers'].closes_on:%Y-%m-%d}", "本单位审核"],
        [2, 2024, junior.name, "福州市中小学教师中级职称评审委员会", "初级",
         f"{junior.opens_on:%Y-%m-%d} 至 {junior.closes_on:%Y-%m-%d}", "本单位审核"],
    ]
    entry = AuditEvent.objects.filter(event="export", user=org.clerk).get()
    assert entry.object.startswith("评审计划:") and '"评审级别":"初级"' in entry.object and '"计划类型":"中小学教师"' in entry.object


def test_the_plan_export_shows_only_the_units_own_delegations(client, org, plans):
    """委托 is the chosen unit's: another unit's delegation of the same plan never shows, even asked for by ?unit=."""
    delegate = UnitFactory(name="福州市卫生人才服务中心")
    other = UnitFactory(name="厦门市中山医院")
    Delegation.objects.create(unit=org.unit, plan=plans["teachers"], delegate=delegate, created_by=org.clerk)
    Delegation.objects.create(unit=other, plan=org.plan, delegate=UnitFactory(name="外单位受托方"),
                              created_by=unit_admin(other))
    login(client, org.clerk)
    for params in ({}, {"unit": str(other.pk)}):
        rows = export(client, PLANS, params)
        column = {r[2]: r[6] for r in rows[2:]}
        assert column[plans["teachers"].name] == "已委托：福州市卫生人才服务中心"
        assert column[org.plan.name] == "本单位审核"
        assert "外单位受托方" not in str(rows)


def test_only_a_unit_admin_exports_the_plans(client, org, plans):
    person = PersonFactory(unit=org.unit, name="陈静")
    login(client, person)
    assert client.get(PLANS, {"format": "xlsx"}).status_code == 404
    login(client, org.reviewer)
    assert client.get(PLANS, {"format": "xlsx"}).status_code == 404
    assert not AuditEvent.objects.filter(event="export").exists()


def test_a_long_plan_list_is_generated_in_the_background(client, org, plans, settings):
    settings.EXPORT_BACKGROUND_ROWS = 1
    login(client, org.clerk)
    with committed():
        response = client.get(PLANS, {"name": "中小学", "format": "xlsx"})
    job = ExportJob.objects.get(owner=org.clerk)
    assert response.status_code == 302 and response.url == reverse("accounts:export_job", args=[job.pk])
    assert (job.state, job.total, job.kind) == (ExportJob.State.READY, 2, "unit_plans")
    download = client.get(reverse("accounts:export_file", args=[job.pk]))
    rows = [list(r) for r in load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
            .iter_rows(values_only=True)]
    assert [r[2] for r in rows[2:]] == [plans["teachers"].name, plans["teachers_junior"].name]

