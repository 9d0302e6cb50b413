"""The unit admin's menu is a cached fragment keyed by what decides its markup (review.views._menu): a unit's own
counts and pending badges, and a change on the next request."""

import pytest

from accounts.models import Role, RoleAssignment
from accounts.roles import forget_roles
from dossier.models import Status
from review import selectors
from review import services as review_services

from .support import login, make_record

pytestmark = pytest.mark.django_db


def test_each_unit_sees_its_own_counts_and_badges(client, owner_a, owner_b, admin_a, admin_b):
    make_record(owner_a, "research_project")
    make_record(owner_a, "research_project", status=Status.APPROVED, admin=admin_a)
    make_record(owner_b, "research_project", status=Status.APPROVED, admin=admin_b)
    page = "/unit/records/k/honour/"
    a = login(client, admin_a).get(page).content.decode()
    b = login(client, admin_b).get(page).content.decode()

    assert "(2/1)" in a and a.count('title="待审核">1</span>') == 1
    assert "(1/1)" in b and 'title="待审核"' not in b


def test_a_decision_shows_in_the_menu_on_the_next_request(client, owner_a, admin_a):
    record = make_record(owner_a, "research_project")
    login(client, admin_a)
    before = client.get("/unit/records/k/research_project/").content.decode()
    make_record(owner_a, "research_project", status=Status.APPROVED, admin=admin_a)
    review_services.record_decide(actor=admin_a, record=record, decision="approve", opinion="")
    after = client.get("/unit/records/k/research_project/").content.decode()

    assert 'title="待审核">1</span>' in before and "(1/0)" in before
    assert 'title="待审核"' not in after and "(2/2)" in after


def _by_kind(counts) -> dict[str, tuple[int, dict]]:
    return {kind: (entry.total, dict(entry.by_status)) for kind, entry in counts.items()}


def test_unit_counts_are_the_submitted_records_of_the_admins_units(owner_a, owner_b, admin_a, unit_b):
    for status in (Status.APPROVED, Status.APPROVED, Status.PENDING, Status.RETURNED, Status.TERMINATED):
        make_record(owner_a, "research_project", status=status, admin=admin_a)
    make_record(owner_a, "paper", status=Status.DRAFT)  # a draft never reaches the unit
    make_record(owner_b, "honour", status=Status.PENDING)
    record = make_record(owner_a, "honour", status=Status.PENDING)
    review_services.record_decide(actor=admin_a, record=record, decision="approve", opinion="")  # its pending row: 0
    one_unit = {
        "research_project": (5, {Status.APPROVED: 2, Status.PENDING: 1, Status.RETURNED: 1, Status.TERMINATED: 1}),
        "honour": (1, {Status.APPROVED: 1}),
    }

    assert _by_kind(selectors.unit_counts(admin_a)) == one_unit
    RoleAssignment.objects.create(user=admin_a, role=Role.UNIT_ADMIN, unit=unit_b)
    forget_roles(admin_a)
    assert _by_kind(selectors.unit_counts(admin_a)) == {
        **one_unit, "honour": (2, {Status.APPROVED: 1, Status.PENDING: 1}),
    }
