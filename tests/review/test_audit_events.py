"""What matters lands in the audit log: review decisions (a pointer to the Decision), downloads, full ID numbers
shown, role grants, committee and plan changes; and the system administrator decides nothing."""

import pytest

from accounts.models import Role
from accounts.roles import role_grant
from applications.services import plan_close
from core.audit import verify
from core.models import AuditEvent
from dossier.models import Status
from review import services as review_services
from review.models import Decision
from tests.factories import PASSWORD, PersonFactory, PlanFactory, system_admin
from tests.helpers import log_in

from .support import make_record

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("captcha_off")]


def signed_in(client, user):
    log_in(client, user.username, PASSWORD)
    return client


def test_a_decision_is_audited_as_a_pointer_to_its_decision_row(admin_a, owner_a):
    record = make_record(owner_a, status=Status.PENDING)

    review_services.record_decide(actor=admin_a, record=record, decision="approve", opinion="同意")

    decision = Decision.objects.get(subject_type="record", subject_id=record.pk, decision="approve")
    row = AuditEvent.objects.get(event="decision")
    assert (row.user, row.role, row.outcome) == (admin_a, "单位管理员", "approve")
    assert row.object == f"decision:{decision.pk} record:{record.pk} record_unit"
    assert "同意" not in row.object  # the opinion stays in the Decision row, not duplicated
    assert verify() is None


@pytest.mark.parametrize("make_admin", [
    pytest.param(lambda unit: PersonFactory(is_superuser=True, unit=unit), id="superuser"),
    pytest.param(lambda unit: system_admin(unit=unit), id="system_admin"),
])
def test_the_system_administrator_decides_nothing(owner_a, unit_a, make_admin):
    record = make_record(owner_a, status=Status.PENDING)
    admin = make_admin(unit_a)

    with pytest.raises(Exception, match="系统管理员不能作出审核决定"):
        review_services.record_decide(actor=admin, record=record, decision="approve")

    record.refresh_from_db()
    assert record.status == Status.PENDING
    assert not AuditEvent.objects.filter(event="decision").exists()


def test_downloading_evidence_is_audited_with_the_ip(client, owner_a, admin_a):
    record = make_record(owner_a, status=Status.PENDING)
    evidence = record.evidence.get()

    response = signed_in(client, admin_a).get(f"/dossier/evidence/{evidence.pk}/?download=1")

    assert response.status_code == 200
    row = AuditEvent.objects.get(event="download")
    assert (row.user, row.ip, row.object) == (admin_a, "127.0.0.1", f"/dossier/evidence/{evidence.pk}/?download=1")


def test_a_refused_download_is_not_a_download(client, owner_a, admin_b):
    evidence = make_record(owner_a, status=Status.PENDING).evidence.get()

    assert signed_in(client, admin_b).get(f"/dossier/evidence/{evidence.pk}/").status_code == 404
    assert not AuditEvent.objects.filter(event="download").exists()


def test_the_review_page_showing_the_full_id_number_is_audited(client, owner_a, admin_a):
    record = make_record(owner_a, status=Status.PENDING)

    response = signed_in(client, admin_a).get(f"/unit/records/r/{record.pk}/")

    assert owner_a.id_number in response.content.decode()
    row = AuditEvent.objects.get(event="id_number_viewed")
    assert (row.user, row.object) == (admin_a, f"record:{record.pk} owner:{owner_a.pk}")


def test_another_units_record_is_a_404_and_nothing_viewed(client, owner_a, admin_b):
    record = make_record(owner_a, status=Status.PENDING)

    assert signed_in(client, admin_b).get(f"/unit/records/r/{record.pk}/").status_code == 404
    assert not AuditEvent.objects.filter(event="id_number_viewed").exists()


def test_a_new_role_grant_is_audited_once_with_who_granted_it(admin_a):
    person = PersonFactory()

    role_grant(user=person, role=Role.EXPERT, actor=admin_a)
    role_grant(user=person, role=Role.EXPERT, actor=admin_a)

    row = AuditEvent.objects.get(event="role_granted", object__startswith=f"user:{person.pk} ")
    assert (row.user, row.role) == (admin_a, "单位管理员")


def test_a_plan_change_is_a_configuration_change():
    plan = PlanFactory()

    plan_close(actor=PersonFactory(is_superuser=True), plan=plan)

    rows = AuditEvent.objects.filter(event="config_changed", object__startswith=f"plan:{plan.pk} ")
    assert [r.outcome for r in rows.order_by("pk")] == ["created", "changed"]
    assert "提前截止" in rows.order_by("pk").last().object
