"""Accounts policy: staff passwords expire, unused staff accounts are disabled, and the system administrator sees
no personal numbers on the admin site."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from core.audit import verify
from core.models import AuditEvent
from tests.factories import PASSWORD, PersonFactory, UnitFactory, bureau_staff, unit_admin
from tests.helpers import form_inputs, log_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("regions", "captcha_off")]

NEW_PASSWORD = "Neues2026pass"


def aged(user, days):
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - datetime.timedelta(days=days))
    return user


def test_an_expired_staff_password_forces_the_change_at_sign_in(client):
    staff = aged(bureau_staff("350000"), 91)

    response = log_in(client, staff.username, PASSWORD)

    assert response.url == "/accounts/password/change/"
    staff.refresh_from_db()
    assert staff.must_change_password
    page = client.get("/")
    assert page.url == "/accounts/password/change/"
    assert "您的密码已使用超过90天" in client.get("/accounts/password/change/").content.decode()
    row = AuditEvent.objects.get(event="password_expired")
    assert (row.user, row.outcome) == (staff, "forced_change")

    client.post("/accounts/password/change/", {"old_password": PASSWORD, "password1": NEW_PASSWORD,
                                               "password2": NEW_PASSWORD})

    staff.refresh_from_db()
    assert not staff.must_change_password
    assert staff.password_changed_at > timezone.now() - datetime.timedelta(minutes=1)
    assert client.get("/").status_code == 200


def test_a_staff_password_younger_than_90_days_is_kept(client):
    staff = aged(unit_admin(UnitFactory()), 89)

    response = log_in(client, staff.username, PASSWORD)

    assert response.url == "/"
    assert not AuditEvent.objects.filter(event="password_expired").exists()


def test_an_applicants_old_password_does_not_expire(client):
    person = aged(PersonFactory(), 400)

    assert log_in(client, person.username, PASSWORD).url == "/"
    person.refresh_from_db()
    assert not person.must_change_password


def used(user, days_ago):
    User.objects.filter(pk=user.pk).update(last_login=timezone.now() - datetime.timedelta(days=days_ago))
    return user


def test_unused_staff_accounts_are_disabled_once_and_audited():
    idle = used(bureau_staff("350000"), 91)
    recent = used(unit_admin(UnitFactory()), 10)
    applicant = used(PersonFactory(), 300)
    never = unit_admin(UnitFactory())
    User.objects.filter(pk=never.pk).update(date_joined=timezone.now() - datetime.timedelta(days=100))

    call_command("disable_inactive_staff")
    call_command("disable_inactive_staff")

    active = dict(User.objects.filter(pk__in=[idle.pk, recent.pk, applicant.pk, never.pk])
                  .values_list("pk", "is_active"))
    assert active == {idle.pk: False, recent.pk: True, applicant.pk: True, never.pk: False}
    rows = AuditEvent.objects.filter(event="account_disabled").order_by("pk")
    assert [r.object for r in rows] == [f"user:{idle.pk}", f"user:{never.pk}"]
    assert verify() is None


def test_a_disabled_staff_account_cannot_sign_in(client):
    idle = used(bureau_staff("350000"), 120)
    call_command("disable_inactive_staff")

    response = log_in(client, idle.username, PASSWORD)

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_admin_site_shows_the_system_administrator_no_personal_numbers(client):
    root = PersonFactory(is_superuser=True, is_staff=True)
    person = PersonFactory(phone="13812345678")
    log_in(client, root.username, PASSWORD)

    listing = client.get("/admin/accounts/user/").content.decode()
    detail = client.get(f"/admin/accounts/user/{person.pk}/change/").content.decode()

    for page in (listing, detail):
        assert person.id_number not in page
        assert "13812345678" not in page
    assert f"{person.id_number[:4]}**********{person.id_number[-4:]}" in listing
    assert "138****5678" in detail


def test_the_admin_site_finds_an_account_by_its_full_id_number_or_phone(client):
    root = PersonFactory(is_superuser=True, is_staff=True)
    person, other = PersonFactory(phone="13812345678"), PersonFactory()
    log_in(client, root.username, PASSWORD)

    for term in (person.id_number.lower(), "13812345678"):
        listing = client.get("/admin/accounts/user/", {"q": term}).content.decode()
        assert f"/admin/accounts/user/{person.pk}/change/" in listing, term
        assert f"/admin/accounts/user/{other.pk}/change/" not in listing, term
        assert f"{person.id_number[:4]}**********{person.id_number[-4:]}" in listing, term


def test_the_admin_site_audit_log_is_read_only_and_its_reading_recorded(client):
    root = PersonFactory(is_superuser=True, is_staff=True)
    log_in(client, root.username, PASSWORD)

    response = client.get("/admin/core/auditevent/")

    assert response.status_code == 200
    assert AuditEvent.objects.filter(event="audit_viewed", user=root, object="admin:auditevent").exists()
    assert client.get("/admin/core/auditevent/add/").status_code == 403


def test_a_role_revoked_on_the_admin_site_is_audited(client):
    root = PersonFactory(is_superuser=True, is_staff=True)
    staff = bureau_staff("350000")
    assignment = staff.roles.get()
    log_in(client, root.username, PASSWORD)
    url = f"/admin/accounts/user/{staff.pk}/change/"
    page = client.get(url)
    inputs = form_inputs(page)
    data = {name: attrs.get("value", "") for name, attrs in inputs.items()
            if attrs.get("type") not in {"checkbox", "submit"}}
    data.update({"kind": staff.kind, "registration": staff.registration, "is_active": "on",
                 "roles-0-id": str(assignment.pk), "roles-0-user": str(staff.pk), "roles-0-role": assignment.role,
                 "roles-0-region": assignment.region_id, "roles-0-DELETE": "on"})

    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert not staff.roles.exists()
    row = AuditEvent.objects.get(event="role_revoked")
    assert (row.user, row.object) == (root, f"user:{staff.pk} {assignment}")
