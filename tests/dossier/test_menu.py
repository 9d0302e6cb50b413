"""The applicant's menu is a cached fragment keyed by what decides its markup (dossier.views._menu): each person
sees their own counts, a change shows on the next request, and a person whose counts equal another's gets the
same markup only because it is the same."""

import pytest

from dossier import services
from tests.factories import PersonFactory

from .support import login, make_record, menu_counts

pytestmark = pytest.mark.django_db


def test_each_person_sees_their_own_counts_and_a_change_at_once(client, owner, admin):
    other = PersonFactory(unit=owner.unit, name="李四")
    make_record(owner, "honour")
    make_record(other, "honour")
    make_record(other, "honour")
    login(client, owner)
    assert menu_counts(client.get("/dossier/k/honour/").content.decode())["honour"] == "(1/0)"
    login(client, other)
    assert menu_counts(client.get("/dossier/k/honour/").content.decode())["honour"] == "(2/0)"

    record = make_record(owner, "honour")
    login(client, owner)
    assert menu_counts(client.get("/dossier/k/honour/").content.decode())["honour"] == "(2/0)"
    services.record_delete(actor=owner, record=record)
    assert menu_counts(client.get("/dossier/k/honour/").content.decode())["honour"] == "(1/0)"


def test_the_active_type_is_marked_on_its_own_page_only(client, owner):
    login(client, owner)
    html = client.get("/dossier/k/honour/").content.decode()
    assert 'active" href="/dossier/k/honour/" data-kind="honour"' in html
    html = client.get("/dossier/k/paper/").content.decode()
    assert 'active" href="/dossier/k/paper/" data-kind="paper"' in html
    assert 'active" href="/dossier/k/honour/"' not in html
