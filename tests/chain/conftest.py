"""Review-chain tests (issue 7): one filed application and the staff of every node.

`org` is the cheap part (units, staff, plan, quota); `world` adds an applicant with a complete application filled
through the pages (several seconds: use it only where the applicant's own path matters)."""

import datetime
from types import SimpleNamespace

import pytest

from accounts.models import Role
from applications import services
from orgs.models import PostQuota, Unit

# The application tests' environment (a throw-away media folder, the base catalogue) applies here too.
from tests.applications.conftest import _applications_environment  # noqa: E402,F401
from tests.applications.support import dossier, fill_everything, login, plan_for
from tests.factories import PersonFactory, UnitFactory, bureau_staff, unit_admin

from .support import last_weekday_before, staff


@pytest.fixture
def org(db, regions, client):
    """A public hospital under a competent department, its two clerks, the department reviewer, the HR bureau's
    staff, the committee office, an open 工程技术 plan through all four nodes and a confirmed quota of one 副高
    vacancy."""
    department = UnitFactory(kind=Unit.Kind.DEPARTMENT, nature=Unit.Nature.GOVERNMENT, name="福州市卫生健康委员会")
    unit = UnitFactory(name="福州市第一医院", department=department)
    plan = plan_for("工程技术")
    quota = PostQuota.objects.create(unit=unit, year=plan.year, associate=1,
                                     confirmed_at=datetime.datetime.now(datetime.UTC))
    return SimpleNamespace(
        unit=unit, department=department, plan=plan, quota=quota, client=client,
        clerk=unit_admin(unit, name="经办人甲"), clerk2=unit_admin(unit, name="经办人乙"),
        reviewer=staff(Role.DEPARTMENT_REVIEWER, department, name="主管部门黄敏"),
        bureau=bureau_staff(name="人社厅郑强"),
        committee=staff(Role.COMMITTEE_STAFF, plan.committee.bureau, name="评委会吴昊"),
        publicity=(last_weekday_before(14), last_weekday_before(1)),
    )


@pytest.fixture
def world(org, client):
    """`org` and an applicant with a complete application ready to file."""
    person = PersonFactory(unit=org.unit, name="陈静", series="工程技术")
    records = dossier(person, org.clerk, series="工程技术")
    application = services.application_start(actor=person, plan=org.plan, series="工程技术", level="副高")
    login(client, person)
    fill_everything(client, application, records, series="工程技术")
    client.logout()
    org.person, org.application, org.records = person, application, records
    return org
