"""ID numbers in the employer portal: masked (3501**********123X) in every list the employer sees, in full only on
the review page of one record (SPEC §5: the review page shows 身份证号)."""

import re

import pytest
from django.urls import reverse

from core.masking import mask_id_number
from dossier.catalogue import catalogue
from dossier.models import Status
from dossier.services import withdrawal_request
from tests.factories import PersonFactory, id_number_ending_in_x

from .support import department, department_reviewer, login, make_record

pytestmark = pytest.mark.django_db

ID_PATTERN = re.compile(r"(?<![0-9A-Za-z*])\d{17}[\dX](?![0-9A-Za-z])")


@pytest.fixture
def person(unit_a):
    """A member of unit A whose ID number ends in X, with a pending record of every type and a pending
    withdrawal."""
    return PersonFactory(unit=unit_a, name="林晓", id_number=id_number_ending_in_x())


@pytest.fixture
def records(person, admin_a):
    made = {kind.key: make_record(person, kind.key, any_kind=True) for kind in catalogue().kinds()}
    approved = make_record(person, "paper", status=Status.APPROVED, admin=admin_a, title="待撤回的论文")
    withdrawal_request(actor=person, record=approved, reason="需要修改")
    return made


def _employer_lists(kind_keys) -> dict[str, str]:
    pages = {
        "人员注册审核": reverse("accounts:staff_registrations"),
        "任务中心": reverse("review:tasks"),
        "撤回申请": reverse("review:withdrawals") + "?state=all",
    }
    for key in kind_keys:
        pages[f"业绩档案 {key}"] = reverse("review:records", args=[key])
        pages[f"业绩档案 {key} 审核中"] = reverse("review:records", args=[key]) + "?status=pending"
    return pages


def test_the_fixture_id_number_is_masked_in_the_documented_format(person):
    masked = mask_id_number(person.id_number)

    assert re.fullmatch(r"\d{4}\*{10}\d{3}X", masked)
    assert masked[:4] == person.id_number[:4] and masked[-4:] == person.id_number[-4:]


def test_every_employer_list_hides_the_full_id_number(client, person, records, admin_a):
    login(client, admin_a)
    masked = mask_id_number(person.id_number)

    for name, url in _employer_lists(records).items():
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200, name
        assert person.name in html, f"{name} does not list the person at all"
        assert person.id_number not in html, f"{name} shows the full ID number"
        assert not ID_PATTERN.search(html), f"{name} shows an ID number: {ID_PATTERN.search(html).group()}"
        if name == "人员注册审核":
            assert masked in html, f"{name} does not show the masked ID number"


def test_a_search_by_id_number_finds_the_person_without_showing_other_numbers(client, person, admin_a):
    """Searching the staff list by the full number is allowed (the clerk typed it); the table still masks."""
    other = PersonFactory(unit=person.unit, name="陈静")
    login(client, admin_a)

    html = client.get(reverse("accounts:staff_registrations"), {"q": person.id_number}).content.decode()

    assert mask_id_number(person.id_number) in html and other.name not in html
    assert other.id_number not in html


def test_the_department_statistics_show_no_id_numbers(client, unit_a, person, records):
    dept = department()
    unit_a.department = dept
    unit_a.save()
    login(client, department_reviewer(dept))

    html = client.get(reverse("dossier:department_stats")).content.decode()

    assert unit_a.name in html
    assert person.id_number not in html and not ID_PATTERN.search(html)


def test_only_the_review_page_of_one_record_shows_the_full_id_number(client, person, records, admin_a):
    record = records["research_project"]
    login(client, admin_a)

    html = client.get(reverse("review:record", args=[record.pk])).content.decode()

    assert f'data-testid="full-id">{person.id_number}</dd>' in html
