"""Fields that apply only sometimes (show_if) keep no value when hidden; dates and ranks keep their order."""

import pytest

from dossier.catalogue import catalogue
from dossier.models import Record

from .support import field_block, login, valid_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("degree", ["无", ""])
def test_education_without_a_degree_drops_the_degree_date(client, owner, degree):
    kind = catalogue().kind("education")
    login(client, owner)
    post = {**valid_data(kind), "degree": degree, "degree_date": "2022-07-01", "action": "save"}
    assert client.post("/dossier/k/education/new/", post).status_code == 302
    record = Record.objects.get()
    assert record.data["degree_date"] is None
    assert record.data["degree"] == (degree or None)
    assert ">学位获得日期</dt>" not in client.get(f"/dossier/r/{record.pk}/").content.decode()


def test_education_with_a_degree_keeps_the_degree_date(client, owner):
    kind = catalogue().kind("education")
    login(client, owner)
    post = {**valid_data(kind), "degree": "硕士", "degree_date": "2022-07-01", "action": "save"}
    assert client.post("/dossier/k/education/new/", post).status_code == 302
    assert Record.objects.get().data["degree_date"] == "2022-07-01"


def test_the_degree_date_field_tells_the_page_what_controls_it(client, owner):
    login(client, owner)
    block = field_block(client.get("/dossier/k/education/new/").content.decode(), "degree_date")
    for attribute in ('data-show-if="degree"', 'data-show-not-equals="无"', 'data-show-filled="true"'):
        assert attribute in block


def test_a_permanent_certificate_drops_its_validity_date(client, owner):
    kind = catalogue().kind("certificate")
    login(client, owner)
    post = {**valid_data(kind), "permanent": "on", "valid_until": "2030-01-01", "action": "save"}
    assert client.post("/dossier/k/certificate/new/", post).status_code == 302
    record = Record.objects.get()
    assert record.data["permanent"] is True and record.data["valid_until"] is None
    detail = client.get(f"/dossier/r/{record.pk}/").content.decode()
    assert ">有效日期</dt>" not in detail and ">是否长期有效</dt>" in detail


def test_a_certificate_that_expires_keeps_its_validity_date(client, owner):
    kind = catalogue().kind("certificate")
    login(client, owner)
    post = {**{k: v for k, v in valid_data(kind).items() if k != "permanent"}, "valid_until": "2030-01-01",
            "action": "save"}
    assert client.post("/dossier/k/certificate/new/", post).status_code == 302
    assert Record.objects.get().data["valid_until"] == "2030-01-01"


def test_a_hidden_date_is_not_checked_against_its_order(client, owner):
    kind = catalogue().kind("certificate")
    login(client, owner)
    post = {**valid_data(kind), "permanent": "on", "valid_until": "1990-01-01", "action": "save"}
    assert client.post("/dossier/k/certificate/new/", post).status_code == 302


def test_a_graduation_before_enrolment_is_refused(client, owner):
    kind = catalogue().kind("education")
    login(client, owner)
    post = {**valid_data(kind), "start_date": "2015-09-01", "end_date": "2012-07-01", "action": "save"}
    response = client.post("/dossier/k/education/new/", post)
    assert "毕业日期不能早于入学日期。" in field_block(response.content.decode(), "end_date")
    assert not Record.objects.exists()
    post["end_date"] = "2015-09-01"  # the same day is allowed
    assert client.post("/dossier/k/education/new/", post).status_code == 302


@pytest.mark.parametrize(("kind_key", "rank_label", "participants_label"), [
    ("project_award", "个人排名", "参与人数"),
    ("research_project", "本人排名", "参与人数"),
    ("book", "作者排名", "参与人数"),
])
def test_a_rank_above_the_number_of_participants_is_refused(client, owner, kind_key, rank_label, participants_label):
    kind = catalogue().kind(kind_key)
    login(client, owner)
    post = {**valid_data(kind), "participants": "3", "rank": "4", "action": "save"}
    response = client.post(f"/dossier/k/{kind_key}/new/", post)
    assert f"{rank_label}不能大于{participants_label}。" in field_block(response.content.decode(), "rank")
    assert not Record.objects.exists()
    post["rank"] = "3"
    assert client.post(f"/dossier/k/{kind_key}/new/", post).status_code == 302
