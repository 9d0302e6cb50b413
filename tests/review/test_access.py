"""Who may open the employer portal, enumerated from the URLconf × roles so that a new URL is covered the day it
is added: every route of review:, the unit-admin routes of orgs: and the evidence routes of dossier:.

The URL arguments are built from real objects of unit B; unit A's admin must get 404 for every one of them, an
applicant (even the owner of the records) never gets a page, and an anonymous visitor is sent to the login page.
"""

from types import SimpleNamespace

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from dossier.models import Evidence, Record, Status, Withdrawal
from dossier.services import withdrawal_request
from orgs.models import PostQuota
from orgs.services import post_quota_save
from tests.factories import PersonFactory

from .support import department, department_reviewer, login, make_record, pdf_bytes, upload

pytestmark = pytest.mark.django_db

EMPLOYER_NAMESPACES = {"review", "orgs"}
# orgs: routes that are not unit-admin pages: public directory and registration pages, the HR bureau's pages and
# title news (open to every signed-in user). tests/test_access.py covers them. Every other orgs: route is taken
# to be a unit-admin page. (The competent department's statistics are dossier:department_stats, test_department.py.)
ORGS_NOT_FOR_UNIT_ADMINS = {
    "orgs:unit_search", "orgs:regions", "orgs:unit_register", "orgs:builtin_unit_new",
    "orgs:announcements", "orgs:announcement", "orgs:announcement_new",
}

# How to build each route's arguments from unit B's objects. A new route with arguments must be declared here
# (test_every_route_with_arguments_declares_them fails until it is).
ARGUMENTS = {
    "review:records": lambda b: {"kind_key": b.record.kind},
    "review:record": lambda b: {"pk": b.record.pk},
    "review:withdrawal_decide": lambda b: {"pk": b.withdrawal.pk},
    "orgs:quota_edit": lambda b: {"pk": b.quota.pk},
    "orgs:quota_confirm": lambda b: {"pk": b.quota.pk},
    "orgs:quota_attachment": lambda b: {"pk": b.quota.pk},
    "dossier:evidence": lambda b: {"pk": b.evidence.pk},
    "dossier:evidence_delete": lambda b: {"pk": b.evidence.pk},
}

# What a POST carries: enough that a missing scope check would change something (and the test would see it).
POST_DATA = {"decision": "approve", "opinion": "越权操作", "year": "2031", "senior": "9", "ids": []}


def _walk(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(part for part in (namespace, entry.namespace) if part)
            yield from _walk(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}:{entry.name}" if namespace else entry.name, entry


def _routes() -> dict[str, URLPattern]:
    return dict(_walk(get_resolver().url_patterns))


def _employer_routes() -> list[str]:
    """Every review: route and every unit-admin orgs: route."""
    return sorted(
        name for name in _routes()
        if name.split(":")[0] in EMPLOYER_NAMESPACES and name not in ORGS_NOT_FOR_UNIT_ADMINS
    )


def _evidence_routes() -> list[str]:
    return sorted(name for name in _routes() if name.startswith("dossier:evidence"))


def _has_arguments(name: str) -> bool:
    return bool(_routes()[name].pattern.converters)


def _object_routes() -> list[str]:
    """Routes that name one object (a record, withdrawal, quota or attachment) by its primary key."""
    return [name for name in _employer_routes() + _evidence_routes() if "pk" in _routes()[name].pattern.converters]


EMPLOYER_ROUTES = _employer_routes()
EVIDENCE_ROUTES = _evidence_routes()
OBJECT_ROUTES = _object_routes()


def _url(name: str, b) -> str:
    return reverse(name, kwargs=ARGUMENTS[name](b) if _has_arguments(name) else None)


@pytest.fixture
def b(unit_b, owner_b, admin_b):
    """Unit B's objects: a pending record with evidence, an approved record with a pending withdrawal, a quota
    with its attachment."""
    record = make_record(owner_b, "research_project", title="乙单位待审核项目")
    approved = make_record(owner_b, "paper", status=Status.APPROVED, admin=admin_b, title="乙单位已通过论文")
    withdrawal = withdrawal_request(actor=owner_b, record=approved, reason="需要修改")
    quota = post_quota_save(actor=admin_b, unit=unit_b, year=2026, vacancies={"senior": 1},
                            attachment=upload("核准表.pdf", pdf_bytes(), "application/pdf"))
    return SimpleNamespace(record=record, approved=approved, withdrawal=withdrawal, quota=quota,
                           evidence=record.evidence.get())


def _unchanged(b) -> None:
    """Nothing of unit B moved."""
    assert Record.objects.get(pk=b.record.pk).status == Status.PENDING
    assert Record.objects.get(pk=b.approved.pk).status == Status.APPROVED
    assert Withdrawal.objects.get(pk=b.withdrawal.pk).state == Withdrawal.State.PENDING
    quota = PostQuota.objects.get(pk=b.quota.pk)
    assert (quota.confirmed, quota.year, quota.senior) == (False, 2026, 1)
    assert Evidence.objects.filter(pk=b.evidence.pk).exists()


def test_the_enumeration_finds_the_employer_routes():
    assert {"review:records", "review:record", "review:records_batch", "review:withdrawals",
            "review:withdrawal_decide", "review:tasks", "review:unit_home", "orgs:unit_info",
            "orgs:unit_info_edit", "orgs:quotas", "orgs:quota_new", "orgs:quota_edit", "orgs:quota_confirm",
            "orgs:quota_attachment"} <= set(EMPLOYER_ROUTES)
    assert {"dossier:evidence", "dossier:evidence_delete"} <= set(EVIDENCE_ROUTES)
    assert ORGS_NOT_FOR_UNIT_ADMINS <= set(_routes()), "a declared exception no longer exists"


def test_every_route_with_arguments_declares_them():
    undeclared = [name for name in EMPLOYER_ROUTES + EVIDENCE_ROUTES if _has_arguments(name) and name not in ARGUMENTS]
    assert not undeclared, f"declare how to build these routes' arguments in ARGUMENTS: {undeclared}"


@pytest.mark.parametrize("name", OBJECT_ROUTES)
def test_the_unit_admin_of_unit_b_reaches_unit_b_objects(client, b, admin_b, name):
    """The positive control: the arguments are real (unit A's 404s below are the scope, not a bad URL)."""
    response = login(client, admin_b).get(_url(name, b))

    assert response.status_code in (200, 405), response.status_code


@pytest.mark.parametrize("name", OBJECT_ROUTES)
def test_unit_a_admin_gets_404_for_unit_b_objects(client, b, admin_a, admin_b, name):
    url = _url(name, b)
    # A route that only accepts POST answers every GET with 405, whoever asks and whatever the pk: no oracle.
    post_only = login(client, admin_b).get(url).status_code == 405
    login(client, admin_a)

    get, post = client.get(url), client.post(url, POST_DATA)

    assert get.status_code == (405 if post_only else 404)
    assert post.status_code == 404
    _unchanged(b)


@pytest.mark.parametrize("name", OBJECT_ROUTES)
def test_unit_b_objects_answer_like_objects_that_do_not_exist(client, b, admin_a, name):
    """Nothing tells unit A's admin whether unit B's record exists."""
    missing = reverse(name, kwargs={**ARGUMENTS[name](b), "pk": 987654})
    login(client, admin_a)

    assert client.post(_url(name, b), POST_DATA).status_code == client.post(missing, POST_DATA).status_code == 404


@pytest.fixture
def no_admin_role(b, owner_b, unit_b):
    """People without a unit-admin role: the owner of unit B's records, and a competent department's reviewer
    of unit B."""
    dept = department()
    unit_b.department = dept
    unit_b.save()
    return {"applicant": owner_b, "department_reviewer": department_reviewer(dept, name="主管部门审核员")}


@pytest.mark.parametrize("role", ["applicant", "department_reviewer"])
@pytest.mark.parametrize("name", EMPLOYER_ROUTES)
def test_a_person_without_the_unit_admin_role_never_gets_an_employer_page(client, b, no_admin_role, role, name):
    url = _url(name, b)
    login(client, no_admin_role[role])

    answers = [client.get(url).status_code, client.post(url, POST_DATA).status_code]

    assert set(answers) <= {403, 404}, answers
    _unchanged(b)


@pytest.mark.parametrize("name", EMPLOYER_ROUTES + EVIDENCE_ROUTES)
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, b, name):
    url = _url(name, b)

    for response in (client.get(url), client.post(url, POST_DATA)):
        assert response.status_code == 302
        assert response.url.startswith(f"{reverse('accounts:login')}?next=")
    _unchanged(b)


def test_a_stranger_applicant_cannot_open_unit_b_evidence(client, b):
    """Attachments are visible to the owner and the admins of the record's unit only."""
    login(client, PersonFactory(unit=b.record.unit))

    assert client.get(reverse("dossier:evidence", args=[b.evidence.pk])).status_code == 404
