"""The audit log: append-only, chained by SHA-256, verified, purged after the retention period, and readable by
system administrators only (each reading recorded, personal numbers masked)."""

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.audit import audit
from core.audit import purge, record, verify
from core.models import AUDIT_GENESIS, AuditEvent
from tests.factories import PASSWORD, PersonFactory, UnitFactory, bureau_staff, system_admin, unit_admin
from tests.helpers import log_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("regions", "captcha_off")]

AUDIT_URL = "/accounts/audit/"
TABLE = AuditEvent._meta.db_table


@pytest.fixture
def event():
    return record("login", username="350102198001010022", ip="10.0.0.1")


def signed_in(client, user):
    log_in(client, user.username, PASSWORD)
    return client


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql.replace("TABLE", connection.ops.quote_name(TABLE)), params)


def test_audit_row_cannot_be_changed(event):
    event.outcome = "failure"

    with pytest.raises(PermissionError):
        event.save()
    event.refresh_from_db()
    assert event.outcome == "success"


def test_audit_rows_cannot_be_bulk_updated_or_created(event):
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(outcome="failure")
    with pytest.raises(PermissionError):
        AuditEvent.objects.bulk_create([AuditEvent(event="login")])
    with pytest.raises(PermissionError):
        AuditEvent.objects.create(event="login", at=timezone.now())
    event.refresh_from_db()
    assert event.outcome == "success"


def test_audit_row_cannot_be_deleted(event):
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_audit_row_records_role_object_and_ip():
    admin = unit_admin(UnitFactory())

    audit(event="registration_approved", user=admin, ip="10.0.0.2", obj="user:7", outcome="approved")

    row = AuditEvent.objects.get()
    assert (row.user, row.username, row.role, row.ip, row.object, row.outcome) == (
        admin, admin.username, "单位管理员", "10.0.0.2", "user:7", "approved")
    assert row.at.tzinfo is not None


def test_rows_are_chained():
    first = record("login", username="a")
    second = record("logout", username="a")
    third = record("login", username="b")

    assert first.prev_hash == AUDIT_GENESIS
    assert (second.prev_hash, third.prev_hash) == (first.hash, second.hash)
    assert len({first.hash, second.hash, third.hash}) == 3
    assert verify() is None
    call_command("audit_verify")


def test_verify_names_an_altered_row():
    record("login", username="a")
    altered = record("download", username="a", object="/evidence/1/")
    record("logout", username="a")

    raw("UPDATE TABLE SET object = %s WHERE id = %s", ["/evidence/2/", altered.pk])

    assert verify().pk == altered.pk
    with pytest.raises(CommandError, match=f"audit row {altered.pk}: its fields do not match"):
        call_command("audit_verify")


def test_verify_names_the_row_after_a_deleted_one():
    record("login", username="a")
    deleted = record("download", username="a")
    after = record("logout", username="a")

    raw("DELETE FROM TABLE WHERE id = %s", [deleted.pk])

    broken = verify()
    assert broken.pk == after.pk
    assert "deleted" in broken.problem


def test_verify_notices_the_first_rows_deleted():
    record("login", username="a")
    second = record("logout", username="a")

    raw("DELETE FROM TABLE WHERE id < %s", [second.pk])

    assert verify().pk == second.pk


def test_purge_keeps_184_days_and_verification(settings):
    now = timezone.now()
    old = [record("login", username=f"old{i}", at=now - datetime.timedelta(days=200 - i)) for i in range(3)]
    kept = record("login", username="recent", at=now - datetime.timedelta(days=100))
    record("logout", username="recent", at=now - datetime.timedelta(days=1))

    assert purge(now=now) == 3

    assert not AuditEvent.objects.filter(pk__in=[r.pk for r in old]).exists()
    assert AuditEvent.objects.filter(pk=kept.pk).exists()
    purge_row = AuditEvent.objects.get(event="audit_purged")
    assert purge_row.object == f"through:{old[-1].pk} anchor:{kept.prev_hash}"
    assert verify() is None
    assert purge(now=now) == 0


def test_purge_refuses_a_retention_below_184_days(settings):
    settings.AUDIT_RETENTION_DAYS = 183
    record("login", username="a", at=timezone.now() - datetime.timedelta(days=300))

    with pytest.raises(CommandError, match="at least 184"):
        call_command("audit_purge")
    assert AuditEvent.objects.count() == 1


def test_system_admin_sees_the_audit_log_masked_and_the_reading_is_recorded(client, event):
    admin = system_admin()

    response = signed_in(client, admin).get(AUDIT_URL)

    assert response.status_code == 200
    assert event in response.context["page"]
    body = response.content.decode()
    assert "3501**********0022" in body
    assert "350102198001010022" not in body
    reading = AuditEvent.objects.filter(event="audit_viewed").get()
    assert (reading.user, reading.role, reading.ip) == (admin, "系统管理员", "127.0.0.1")
    assert verify() is None


def test_superuser_sees_the_audit_log(client, event):
    root = PersonFactory(is_superuser=True)

    assert signed_in(client, root).get(AUDIT_URL).status_code == 200


@pytest.mark.parametrize("make_user", [
    pytest.param(lambda: PersonFactory(), id="applicant"),
    pytest.param(lambda: unit_admin(UnitFactory()), id="unit_admin"),
    pytest.param(lambda: bureau_staff("350000"), id="bureau_staff"),
])
def test_others_get_403_on_the_audit_log(client, event, make_user):
    response = signed_in(client, make_user()).get(AUDIT_URL)

    assert response.status_code == 403
    assert "3501**********0022" not in response.content.decode()
    assert not AuditEvent.objects.filter(event="audit_viewed").exists()


def test_anonymous_is_sent_to_login_from_the_audit_log(client):
    assert client.get(AUDIT_URL).url == f"/accounts/login/?next={AUDIT_URL}"


def test_audit_log_is_newest_first_by_keyset_pages(client):
    admin = system_admin()
    signed_in(client, admin)
    earlier = timezone.now() - datetime.timedelta(hours=1)
    for i in range(60):
        record("logout", username=f"user{i:02}", at=earlier + datetime.timedelta(seconds=i))

    first = client.get(AUDIT_URL, {"event": "logout"})
    rows = list(first.context["page"])
    assert [r.username for r in rows[:2]] == ["user59", "user58"]
    assert len(rows) == 50
    second = client.get(AUDIT_URL, {"event": "logout", "before": first.context["next_before"]})
    assert [r.username for r in second.context["page"]] == [f"user{i:02}" for i in range(9, -1, -1)]
    assert second.context["next_before"] is None


def test_audit_log_queries_do_not_grow_with_rows(client):
    signed_in(client, system_admin())
    client.get(AUDIT_URL)

    counts = []
    for extra in (1, 40):
        for i in range(extra):
            record("login", username=f"more{i}")
        with CaptureQueriesContext(connection) as captured:
            assert client.get(AUDIT_URL).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_bad_filter_values_show_the_first_page(client, event):
    signed_in(client, system_admin())

    response = client.get(AUDIT_URL, {"before": "x", "event": "nonsense"})

    assert response.status_code == 200
    assert event in response.context["page"]


def test_audit_grants_prints_the_revocation_and_refuses_a_strange_role_name(capsys):
    call_command("audit_grants", "zhicheng_app", "--print")

    printed = capsys.readouterr().out
    assert 'REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON "core_auditevent" FROM "zhicheng_app"' in printed
    assert 'GRANT SELECT, INSERT ON "core_auditevent" TO "zhicheng_app"' in printed
    with pytest.raises(CommandError, match="letters, digits and underscores"):
        call_command("audit_grants", 'app"; DROP TABLE x; --')


def test_the_admin_audit_search_finds_a_person_by_the_id_number_typed(client):
    """The audit log's admin search takes an account name or an ID number (rows hold the account's handle); a
    search never fails."""
    admin_user = system_admin(name="系统管理员乙", is_staff=True, is_superuser=True)
    person = PersonFactory(name="李娜")
    record("download", user=person, object="/dossier/evidence/1/", ip="10.1.2.3")
    log_in(client, admin_user.username, PASSWORD)
    found = client.get("/admin/core/auditevent/", {"q": person.id_number})
    nothing = client.get("/admin/core/auditevent/", {"q": "无此人"})
    assert found.status_code == 200 and nothing.status_code == 200
    assert "/dossier/evidence/1/" in found.content.decode()
    assert "/dossier/evidence/1/" not in nothing.content.decode()
