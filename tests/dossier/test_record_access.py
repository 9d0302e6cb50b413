"""Who may open a record: its owner; the admin of its unit once it is submitted; nobody else (404, saying
nothing about whether it exists). Anonymous visitors go to the login page."""

import pytest
from django.urls import reverse

from dossier import services
from dossier.models import Record, Status, Withdrawal
from review import services as review_services

from .support import login, make_record

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


def _record_urls(record):
    evidence = record.evidence.get()
    return {
        "detail": ("get", f"/dossier/r/{record.pk}/"),
        "edit": ("get", f"/dossier/r/{record.pk}/edit/"),
        "edit_post": ("post", f"/dossier/r/{record.pk}/edit/"),
        "submit": ("post", f"/dossier/r/{record.pk}/submit/"),
        "delete": ("post", f"/dossier/r/{record.pk}/delete/"),
        "withdraw": ("post", f"/dossier/r/{record.pk}/withdraw/"),
        "evidence": ("get", f"/dossier/evidence/{evidence.pk}/"),
        "evidence_delete": ("post", f"/dossier/evidence/{evidence.pk}/delete/"),
    }


@pytest.mark.parametrize("status", [Status.DRAFT, Status.APPROVED])
def test_another_applicants_record_is_not_found(client, owner, admin, stranger, status):
    record = make_record(owner, "honour", status=status, admin=admin)
    login(client, stranger)
    for name, (method, url) in _record_urls(record).items():
        assert getattr(client, method)(url).status_code == 404, name
    after = Record.objects.get(pk=record.pk)
    assert after.status == status and after.evidence.count() == 1 and not Withdrawal.objects.exists()


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, owner):
    record = make_record(owner, "honour")
    urls = list(_record_urls(record).values()) + [
        ("get", "/dossier/"), ("get", "/dossier/k/honour/"), ("get", "/dossier/k/honour/new/"),
        ("get", "/dossier/withdrawals/"), ("post", "/dossier/ce/extract/"),
    ]
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{LOGIN}?next="), url
    assert Record.objects.get(pk=record.pk).status == Status.DRAFT


@pytest.mark.parametrize("status", [Status.PENDING, Status.APPROVED, Status.RETURNED, Status.TERMINATED])
def test_the_admin_of_the_records_unit_sees_a_submitted_record_and_its_evidence(client, owner, admin, status):
    record = make_record(owner, "honour", status=status, admin=admin)
    evidence = record.evidence.get()
    login(client, admin)
    response = client.get(f"/dossier/r/{record.pk}/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and record.title in response.content.decode()
    response = client.get(f"/dossier/evidence/{evidence.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    # Viewing is all: the owner's actions stay the owner's.
    for name in ("edit", "edit_post", "submit", "delete", "withdraw", "evidence_delete"):
        method, url = _record_urls(record)[name]
        assert getattr(client, method)(url).status_code == 404, name


def test_the_admin_of_another_unit_gets_not_found(client, owner, admin, other_admin):
    record = make_record(owner, "honour", status=Status.PENDING)
    login(client, other_admin)
    assert client.get(f"/dossier/r/{record.pk}/").status_code == 404
    assert client.get(f"/dossier/evidence/{record.evidence.get().pk}/").status_code == 404


def test_a_draft_is_not_visible_to_the_unit_admin(client, owner, admin):
    record = make_record(owner, "honour")
    login(client, admin)
    assert client.get(f"/dossier/r/{record.pk}/").status_code == 404
    assert client.get(f"/dossier/evidence/{record.evidence.get().pk}/").status_code == 404


def test_a_record_reopened_by_withdrawal_is_hidden_from_the_unit_again(client, owner, admin):
    record = make_record(owner, "honour", status=Status.APPROVED, admin=admin)
    review_services.withdrawal_decide(actor=admin, withdrawal=services.withdrawal_request(actor=owner, record=record),
                               grant=True)
    login(client, admin)
    assert client.get(f"/dossier/r/{record.pk}/").status_code == 404


def test_an_unknown_kind_is_not_found(client, owner):
    login(client, owner)
    assert client.get("/dossier/k/no_such_kind/").status_code == 404
    assert client.get("/dossier/k/no_such_kind/new/").status_code == 404
