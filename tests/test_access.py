"""Who may open what: the URLconf × roles matrix, unit scoping of staff registrations (人员注册审核), the
approval that opens `accounts.submit`, and masking of personal numbers in the staff list."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from core.models import AuditEvent
from tests.factories import (
    PASSWORD,
    PersonFactory,
    UnitFactory,
    bureau_staff,
    id_number_ending_in_x,
    system_admin,
    unit_admin,
)
from tests.helpers import LOGIN_URL, log_in, sign_in
from tests.helpers import url_routes as _routes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("regions", "captcha_off")]

STAFF_URL = "/accounts/staff/"


@pytest.fixture
def unit_a():
    return UnitFactory(name="甲单位")


@pytest.fixture
def unit_b():
    return UnitFactory(name="乙单位")


@pytest.fixture
def admin_a(unit_a):
    return unit_admin(unit_a)


@pytest.fixture
def staff_a(unit_a):
    return PersonFactory(unit=unit_a, registration=User.Registration.PENDING, name="甲单位职工")


@pytest.fixture
def staff_b(unit_b):
    return PersonFactory(unit=unit_b, registration=User.Registration.PENDING, name="乙单位职工")


def logged_in(client, user):
    sign_in(client, user)
    return client


# ---------------------------------------------------------------------------------------------------------------
# The URLconf × roles. Every route of the whole URLconf needs a login unless it is declared public here, so a
# new route is covered the day it is added; the routes of accounts, orgs and core that this matrix lists are
# also checked role by role.

ROLES = ["anonymous", "applicant", "unit_admin", "bureau_staff", "system_admin"]
LOGIN = "login"  # redirected to the login page
HOME = "home"  # a logged-in user sent to the home page
ALL_OK = dict.fromkeys(ROLES, 200)
LOGGED_IN_OK = {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 200)}
PUBLIC_FOR_ANONYMOUS = {"anonymous": 200, **dict.fromkeys(ROLES[1:], 200)}

PUBLIC = {
    "core:captcha", "sms_outbox", "accounts:login", "accounts:logout", "accounts:register", "accounts:agreement",
    "accounts:sms_send", "accounts:password_forgot", "accounts:password_reset", "accounts:session_state",
    "orgs:unit_search", "orgs:regions", "orgs:unit_register",
    "healthz", "readyz",
    "metrics",  # its own check: the scraper's token or address (tests/test_observability.py)
    "gs:public", "gs:object", "gs:receipt",  # 结果公示: the public list, its objection form, the objector's receipt
    "verify:verify", "verify:verify_token",
    # government sign-in: the way in itself (404 while no identity provider is configured, tests/test_oidc.py)
    "accounts:oidc_start", "accounts:oidc_callback", "accounts:oidc_failed",
}
OWN_AUTH_NAMESPACES = {"admin", "api"}  # Django admin and the token-authenticated JSON API

ACCESS = {
    "home": ("/", LOGGED_IN_OK),
    "core:captcha": ("/captcha.png", ALL_OK),
    "sms_outbox": ("/dev/sms/", dict.fromkeys(ROLES, 404)),  # the test runner's DEBUG is off
    "accounts:login": ("/accounts/login/", {"anonymous": 200, **dict.fromkeys(ROLES[1:], HOME)}),
    "accounts:logout": ("/accounts/logout/", dict.fromkeys(ROLES, 405)),
    "accounts:register": ("/accounts/register/", PUBLIC_FOR_ANONYMOUS),
    "accounts:agreement": ("/accounts/register/agreement/", ALL_OK),  # the registration agreement, read by anyone
    "accounts:sms_send": ("/accounts/sms/send/", dict.fromkeys(ROLES, 405)),
    "accounts:password_forgot": ("/accounts/password/forgot/", PUBLIC_FOR_ANONYMOUS),
    "accounts:password_change": ("/accounts/password/change/", LOGGED_IN_OK),
    "accounts:session_state": ("/accounts/session-state/", ALL_OK),  # {"signed_in": false} for no one signed in
    "accounts:staff_registrations": (
        STAFF_URL, {"anonymous": LOGIN, "applicant": 403, "unit_admin": 200, "bureau_staff": 403,
                    "system_admin": 403},
    ),
    "accounts:staff_registration_detail": (
        "/accounts/staff/{staff}/", {"anonymous": LOGIN, "applicant": 403, "unit_admin": 200,
                                     "bureau_staff": 403, "system_admin": 403},
    ),
    "accounts:audit_log": (
        "/accounts/audit/", {"anonymous": LOGIN, "applicant": 403, "unit_admin": 403, "bureau_staff": 403,
                             "system_admin": 200},
    ),
    "orgs:unit_search": ("/units/search/?q=单位", ALL_OK),
    "orgs:regions": ("/units/regions/", ALL_OK),
    "orgs:unit_register": ("/units/register/", PUBLIC_FOR_ANONYMOUS),
    "orgs:builtin_unit_new": (
        "/units/builtin/new/", {"anonymous": LOGIN, "applicant": 403, "unit_admin": 403, "bureau_staff": 200,
                                "system_admin": 200},
    ),
    # experts (issue 21): the committee office's and the expert's pages are 404 for every other role
    # (tests/experts/ enumerates the office, the expert, a reserve, a recused expert and the closed meeting).
    "experts:pool": ("/experts/pool/", {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 404)}),
    "experts:draws": ("/experts/draws/", {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 404)}),
    "experts:console": ("/experts/console/", {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 404)}),
    "experts:service": ("/experts/service/", {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 404)}),
    "experts:feedback": ("/experts/feedback/", LOGGED_IN_OK),
    "chain:stats": ("/chain/stats/", {"anonymous": LOGIN, "applicant": 404, "unit_admin": 200, "bureau_staff": 200,
                                      "system_admin": 404}),
    "experts:relations": ("/experts/relations/", LOGGED_IN_OK),  # every person; a unit account gets 404
    "verify:verify": ("/verify/", ALL_OK),
    "verify:verify_token": ("/verify/unknown-token/", ALL_OK),
    "lookup:search": ("/lookup/?q=测试", {"anonymous": LOGIN, "applicant": 404, "unit_admin": 200,
                                          "bureau_staff": 200, "system_admin": 404}),
    "certificates:bureau": (
        "/certificates/", {"anonymous": LOGIN, "applicant": 404, "unit_admin": 404, "bureau_staff": 200,
                           "system_admin": 404},
    ),
}

def _sends_to_login(response) -> bool:
    return response.status_code == 302 and response.url.startswith(f"{LOGIN_URL}?next=")


def test_every_route_needs_a_login_unless_declared_public(client):
    open_routes = []
    for name, path in _routes():
        if name in PUBLIC or name.split(":")[0] in OWN_AUTH_NAMESPACES:
            continue
        answers = [client.get(path), client.post(path)]
        if not (all(_sends_to_login(r) or r.status_code == 405 for r in answers)
                and any(_sends_to_login(r) for r in answers)):
            open_routes.append(f"{name} {path}: {[r.status_code for r in answers]}")

    assert not open_routes, "routes open to anonymous users:\n" + "\n".join(open_routes)


def test_declared_routes_exist():
    names = {name for name, _ in _routes()}

    assert PUBLIC <= names
    assert set(ACCESS) <= names


@pytest.fixture
def role_users(unit_a):
    admin = unit_admin(unit_a)
    return {
        "applicant": PersonFactory(),
        "unit_admin": admin,
        "bureau_staff": bureau_staff("350000"),
        "system_admin": system_admin(),
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", sorted(ACCESS))
def test_route_answers_each_role_as_declared(client, role_users, staff_a, route, role):
    path, answers = ACCESS[route]
    path, expected = path.format(staff=staff_a.pk), answers[role]
    if role != "anonymous":
        logged_in(client, role_users[role])

    response = client.get(path)

    if expected == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(f"{LOGIN_URL}?next=")
    elif expected == HOME:
        assert response.status_code == 302
        assert response.url == "/"
    else:
        assert response.status_code == expected


def test_healthz_is_public(client):
    response = client.get("/healthz")

    assert (response.status_code, response.content) == (200, b"ok")


# ---------------------------------------------------------------------------------------------------------------
# 人员注册审核: a unit admin sees and decides only their own unit's staff.


def test_unit_admin_gets_404_for_another_units_staff(client, admin_a, staff_b):
    logged_in(client, admin_a)

    assert client.get(f"/accounts/staff/{staff_b.pk}/").status_code == 404


def test_unit_admin_cannot_decide_another_units_staff(client, admin_a, staff_b):
    logged_in(client, admin_a)

    response = client.post(f"/accounts/staff/{staff_b.pk}/", {"decision": "approve"})

    assert response.status_code == 404
    staff_b.refresh_from_db()
    assert staff_b.registration == User.Registration.PENDING


def test_unknown_staff_gets_the_same_404(client, admin_a):
    logged_in(client, admin_a)

    assert client.get("/accounts/staff/99999999/").status_code == 404


def test_staff_list_shows_only_own_units_staff(client, admin_a, staff_a, staff_b):
    logged_in(client, admin_a)

    page = client.get(STAFF_URL)

    shown = list(page.context["page"])
    assert staff_a in shown
    assert staff_b not in shown
    assert "乙单位职工" not in page.content.decode()


def test_staff_list_can_be_searched_by_name_and_id_number(client, admin_a, staff_a, unit_a):
    other = PersonFactory(unit=unit_a, name="王五")
    logged_in(client, admin_a)

    by_name = list(client.get(STAFF_URL, {"q": "王五"}).context["page"])
    by_id = list(client.get(STAFF_URL, {"q": staff_a.id_number}).context["page"])

    assert by_name == [other]
    assert by_id == [staff_a]


def test_staff_list_can_be_filtered_by_status(client, admin_a, staff_a, unit_a):
    approved = PersonFactory(unit=unit_a, registration=User.Registration.APPROVED)
    logged_in(client, admin_a)

    pending = list(client.get(STAFF_URL, {"status": "pending"}).context["page"])

    assert staff_a in pending
    assert approved not in pending


def test_applicant_without_admin_role_gets_403_on_staff_pages(client, staff_a, unit_a):
    colleague = PersonFactory(unit=unit_a)
    logged_in(client, colleague)

    assert client.get(STAFF_URL).status_code == 403
    assert client.get(f"/accounts/staff/{staff_a.pk}/").status_code == 403
    assert client.post(f"/accounts/staff/{staff_a.pk}/", {"decision": "approve"}).status_code == 403
    staff_a.refresh_from_db()
    assert staff_a.registration == User.Registration.PENDING


def test_unit_admin_approves_a_registration(client, admin_a, staff_a):
    logged_in(client, admin_a)

    response = client.post(f"/accounts/staff/{staff_a.pk}/", {"decision": "approve"}, follow=True)

    staff_a.refresh_from_db()
    assert staff_a.registration == User.Registration.APPROVED
    assert staff_a.registration_decided_at is not None
    assert f"已通过 {staff_a.name} 的注册申请。" in response.content.decode()
    event = AuditEvent.objects.get(event="registration_approved")
    assert (event.user, event.object, event.outcome) == (admin_a, f"user:{staff_a.pk}", "approved")


def test_reject_requires_a_reason(client, admin_a, staff_a):
    logged_in(client, admin_a)

    response = client.post(f"/accounts/staff/{staff_a.pk}/", {"decision": "reject", "reason": "  "})

    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["请填写不通过的原因。"]
    assert "请填写不通过的原因。" in response.content.decode()
    staff_a.refresh_from_db()
    assert staff_a.registration == User.Registration.PENDING


def test_reject_with_a_reason_records_it_and_shows_it_to_the_person(client, admin_a, staff_a):
    logged_in(client, admin_a)

    client.post(f"/accounts/staff/{staff_a.pk}/", {"decision": "reject", "reason": "非本单位职工"})

    staff_a.refresh_from_db()
    assert (staff_a.registration, staff_a.registration_note) == (User.Registration.REJECTED, "非本单位职工")
    assert AuditEvent.objects.filter(event="registration_rejected", outcome="rejected").exists()
    logged_in(client, staff_a)
    assert "非本单位职工" in client.get("/").content.decode()


def test_pending_person_can_log_in_but_may_not_submit_until_approved(client, admin_a, staff_a):
    assert log_in(client, staff_a.id_number, PASSWORD).status_code == 302
    assert "等待" in client.get("/").content.decode()
    assert not User.objects.get(pk=staff_a.pk).has_perm("accounts.submit")
    client.post("/accounts/logout/")

    logged_in(client, admin_a)
    client.post(f"/accounts/staff/{staff_a.pk}/", {"decision": "approve"})

    assert User.objects.get(pk=staff_a.pk).has_perm("accounts.submit")


def test_rejected_person_may_not_submit(staff_a):
    staff_a.registration = User.Registration.REJECTED
    staff_a.save()

    assert not User.objects.get(pk=staff_a.pk).has_perm("accounts.submit")


def test_unit_account_may_not_submit(unit_a):
    account = User.objects.create_user(
        "UNITACCOUNT1", "Unit2026pass", kind=User.Kind.UNIT, name="甲单位", unit=unit_a,
        registration=User.Registration.APPROVED,
    )

    assert not account.has_perm("accounts.submit")


def test_home_counts_pending_registrations_of_own_unit_only(client, admin_a, staff_a, staff_b):
    logged_in(client, admin_a)

    assert client.get("/").context["pending_staff"] == 1


# ---------------------------------------------------------------------------------------------------------------
# Masking: 3501**********123X and 138****5678 in lists, the full values on the detail page.


@pytest.fixture
def staff_with_x(unit_a):
    number = id_number_ending_in_x("350102")
    return PersonFactory(unit=unit_a, id_number=number, username=number, phone="13812345678")


def test_staff_list_masks_id_number_and_phone(client, admin_a, staff_with_x):
    logged_in(client, admin_a)

    html = client.get(STAFF_URL).content.decode()

    number = staff_with_x.id_number
    assert f"{number[:4]}**********{number[-4:]}" in html
    assert "138****5678" in html
    assert number not in html
    assert "13812345678" not in html


def test_staff_detail_shows_the_full_id_number_and_phone(client, admin_a, staff_with_x):
    logged_in(client, admin_a)

    html = client.get(f"/accounts/staff/{staff_with_x.pk}/").content.decode()

    assert staff_with_x.id_number in html
    assert "13812345678" in html


# ---------------------------------------------------------------------------------------------------------------
# Query count: the staff list costs the same number of queries for 3 rows as for a full page.


def staff_list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(STAFF_URL).status_code == 200
    return len(queries)


def test_staff_list_query_count_does_not_grow_with_rows(client, admin_a, unit_a):
    PersonFactory.create_batch(3, unit=unit_a)
    logged_in(client, admin_a)
    client.get(STAFF_URL)  # the first request after login stores the session's last-seen time
    few = staff_list_queries(client)

    PersonFactory.create_batch(22, unit=unit_a)
    many = staff_list_queries(client)

    assert few == many
