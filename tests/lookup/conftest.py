"""全省检索: two cities' units, their people's approved records and filed applications, and the staff of every
role that searches (a unit admin, a department reviewer, an HR bureau clerk of one city and one of the province)."""

from types import SimpleNamespace

import pytest
from django.utils import timezone

from accounts.models import Role, RoleAssignment
from applications.models import Application
from dossier.models import Record, Status
from orgs.models import Unit
from tests.factories import PASSWORD, PersonFactory, PlanFactory, UnitFactory, bureau_staff, region, unit_admin
from tests.helpers import committed, log_in


def approved_record(person, title, *, kind="project_award", **fields) -> Record:
    with committed():
        return Record.objects.create(owner=person, unit=person.unit, kind=kind, title=title, status=Status.APPROVED,
                                     submitted_at=timezone.now(), decided_at=timezone.now(), **fields)


def filed_application(person, plan, *, level="副高", status=Application.Status.SUBMITTED) -> Application:
    with committed():
        return Application.objects.create(applicant=person, plan=plan, unit=person.unit, series="工程技术",
                                          level=level, status=status, stage="unit", submitted_at=timezone.now())


def sign_in(client, user):
    client.logout()
    response = log_in(client, user.username, PASSWORD)
    assert response.status_code == 302, "the sign-in failed"
    return client


@pytest.fixture
def world(db, regions, captcha_off):
    department = UnitFactory(kind=Unit.Kind.DEPARTMENT, nature=Unit.Nature.GOVERNMENT, name="福州市卫生健康委员会")
    fuzhou = UnitFactory(name="福州市第一医院", department=department, region=region("350102"))
    xiamen = UnitFactory(name="厦门市中山医院", region=region("350203"))
    plan = PlanFactory()
    zhang = PersonFactory(unit=fuzhou, name="张晓明")
    wang = PersonFactory(unit=xiamen, name="王晓明")
    reviewer = PersonFactory(unit=department, name="主管部门黄敏")
    RoleAssignment.objects.create(user=reviewer, role=Role.DEPARTMENT_REVIEWER, unit=department)
    return SimpleNamespace(
        department=department, fuzhou=fuzhou, xiamen=xiamen, plan=plan, zhang=zhang, wang=wang,
        zhang_record=approved_record(zhang, "智慧医院信息平台建设"),
        wang_record=approved_record(wang, "医院信息平台升级"),
        zhang_application=filed_application(zhang, plan),
        clerk=unit_admin(fuzhou, name="经办人甲"), reviewer=reviewer,
        city_bureau=bureau_staff("350100", name="福州人社周强"), province_bureau=bureau_staff("350000", name="省人社郑强"),
    )
