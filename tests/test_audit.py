"""The authentication audit log is append-only and readable by system administrators only."""

import datetime

import pytest
from django.utils import timezone

from accounts.audit import audit
from accounts.models import AuthEvent
from tests.factories import PersonFactory, UnitFactory, bureau_staff, system_admin, unit_admin
from tests.helpers import sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("regions")]

AUDIT_URL = "/accounts/audit/"


@pytest.fixture
def event():
    return AuthEvent.objects.create(event="login", username="350102198001010022", ip="10.0.0.1")


def test_audit_row_cannot_be_changed(event):
    event.outcome = "failure"

    with pytest.raises(PermissionError):
        event.save()
    event.refresh_from_db()
    assert event.outcome == "success"


def test_audit_rows_cannot_be_bulk_updated(event):
    with pytest.raises(PermissionError):
        AuthEvent.objects.filter(pk=event.pk).update(outcome="failure")
    with pytest.raises(PermissionError):
        AuthEvent.objects.update(outcome="failure")
    event.refresh_from_db()
    assert event.outcome == "success"


def test_audit_row_cannot_be_deleted(event):
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuthEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(PermissionError):
        AuthEvent.objects.all().delete()
    assert AuthEvent.objects.filter(pk=event.pk).exists()


def test_audit_row_records_role_and_object():
    admin = unit_admin(UnitFactory())

    audit(event="registration_approved", user=admin, ip="10.0.0.2", obj="user:7", outcome="approved")

    row = AuthEvent.objects.get()
    assert (row.user, row.username, row.role, row.ip, row.object, row.outcome) == (
        admin, admin.username, "单位管理员", "10.0.0.2", "user:7", "approved")


def logged_in(client, user):
    sign_in(client, user)
    return client


def test_system_admin_sees_the_audit_log(client, event):
    response = logged_in(client, system_admin()).get(AUDIT_URL)

    assert response.status_code == 200
    assert event in list(response.context["page"])
    assert "350102198001010022" in response.content.decode()


def test_superuser_sees_the_audit_log(client, event):
    root = PersonFactory(is_superuser=True)

    assert logged_in(client, root).get(AUDIT_URL).status_code == 200


@pytest.mark.parametrize("make_user", [
    pytest.param(lambda: PersonFactory(), id="applicant"),
    pytest.param(lambda: unit_admin(UnitFactory()), id="unit_admin"),
    pytest.param(lambda: bureau_staff("350000"), id="bureau_staff"),
])
def test_others_get_403_on_the_audit_log(client, event, make_user):
    response = logged_in(client, make_user()).get(AUDIT_URL)

    assert response.status_code == 403
    assert "350102198001010022" not in response.content.decode()


def test_anonymous_is_sent_to_login_from_the_audit_log(client):
    assert client.get(AUDIT_URL).url == f"/accounts/login/?next={AUDIT_URL}"


def test_audit_log_is_newest_first(client):
    admin = system_admin()
    earlier = timezone.now() - datetime.timedelta(hours=1)
    AuthEvent.objects.create(event="login", username="first", at=earlier)
    AuthEvent.objects.create(event="logout", username="second", at=earlier + datetime.timedelta(minutes=1))

    rows = list(logged_in(client, admin).get(AUDIT_URL).context["page"])

    assert [r.username for r in rows if r.username in {"first", "second"}] == ["second", "first"]
