"""Several admins per unit, and the competent department (主管部门): read-only statistics of the units under it."""

import pytest
from django.urls import reverse

from dossier.models import Record, Status
from tests.factories import PersonFactory, UnitFactory, unit_admin

from .support import department, department_reviewer, login, make_record

pytestmark = pytest.mark.django_db

STATS = reverse("dossier:department_stats")


def test_every_admin_of_a_unit_sees_its_records_and_either_may_decide(client, unit_a, owner_a, admin_a):
    second = unit_admin(unit_a, name="第二位管理员")
    first_record, second_record = make_record(owner_a, title="项目甲"), make_record(owner_a, title="项目乙")
    records = reverse("review:records", args=["research_project"])

    for admin in (admin_a, second):
        html = login(client, admin).get(records).content.decode()
        assert "项目甲" in html and "项目乙" in html
    login(client, admin_a).post(reverse("review:record", args=[first_record.pk]), {"decision": "approve"})
    login(client, second).post(reverse("review:record", args=[second_record.pk]),
                               {"decision": "return", "opinion": "请补充立项书"})

    assert Record.objects.get(pk=first_record.pk).status == Status.APPROVED
    assert Record.objects.get(pk=second_record.pk).status == Status.RETURNED
    flow = login(client, admin_a).get(reverse("review:record", args=[second_record.pk])).content.decode()
    assert "第二位管理员（单位管理员）" in flow


@pytest.fixture
def tree(unit_a, unit_b, owner_a, admin_a, owner_b, admin_b):
    """A health commission over units A and B; a unit C under another department; records in A and B."""
    dept = department("福州市卫生健康委员会")
    other = department("福州市教育局")
    unit_a.department = unit_b.department = dept
    unit_a.save()
    unit_b.save()
    unit_c = UnitFactory(name="福州第三中学", department=other)
    PersonFactory(unit=unit_c)
    make_record(owner_a)
    make_record(owner_a)
    make_record(owner_a, status=Status.APPROVED, admin=admin_a)
    make_record(owner_b, status=Status.RETURNED, admin=admin_b)
    return {"dept": dept, "reviewer": department_reviewer(dept, name="卫健委审核员"), "unit_c": unit_c}


def test_the_department_sees_the_units_under_it_only(client, unit_a, unit_b, tree):
    login(client, tree["reviewer"])

    response = client.get(STATS)

    html = response.content.decode()
    assert response.status_code == 200 and "所属单位统计" in html and "（只读）" in html
    assert unit_a.name in html and unit_b.name in html and "福州第三中学" not in html
    rows = {row["unit"].name: (row["staff"], row["pending"], row["approved"], row["returned"])
            for row in response.context["rows"]}
    # staff: the applicant and the unit admin of each unit
    assert rows == {unit_a.name: (2, 2, 1, 0), unit_b.name: (2, 0, 0, 1)}


def test_the_department_reviewer_decides_nothing(client, owner_a, tree):
    record = Record.objects.filter(owner=owner_a, status=Status.PENDING).first()
    login(client, tree["reviewer"])

    assert client.get(reverse("review:record", args=[record.pk])).status_code in (403, 404)
    assert client.post(reverse("review:record", args=[record.pk]), {"decision": "approve"}).status_code in (403, 404)
    assert client.post(reverse("review:records_batch"), {"ids": [record.pk]}).status_code in (403, 404)
    assert Record.objects.get(pk=record.pk).status == Status.PENDING
    assert client.get(STATS).status_code == 200  # what they may do: read the statistics


def test_a_department_reviewer_of_two_departments_sees_both(client, unit_a, tree):
    from accounts.models import Role, RoleAssignment

    RoleAssignment.objects.create(user=tree["reviewer"], role=Role.DEPARTMENT_REVIEWER,
                                  unit=tree["unit_c"].department)
    login(client, tree["reviewer"])

    html = client.get(STATS).content.decode()

    assert unit_a.name in html and "福州第三中学" in html


@pytest.mark.parametrize("who", ["unit_admin", "applicant"])
def test_unit_admins_and_applicants_may_not_open_the_department_statistics(client, admin_a, owner_a, tree, who):
    login(client, admin_a if who == "unit_admin" else owner_a)

    assert client.get(STATS).status_code == 403


def test_the_menu_offers_the_statistics_to_the_department_only(client, admin_a, tree):
    assert STATS in login(client, tree["reviewer"]).get("/").content.decode()
    assert STATS not in login(client, admin_a).get("/").content.decode()
