"""行业专用 shows only to applicants of the 卫生技术 series ([category_series] in the catalogue)."""

import re

import pytest

from tests.factories import PersonFactory

from .support import login, make_case, text

HEALTH_KINDS = ["health_case", "health_topic", "health_paper", "health_review", "health_work"]


def menu_kinds(html: str) -> list[str]:
    return re.findall(r'data-kind="([\w-]+)"', html)


@pytest.mark.parametrize("url", ["/dossier/", "/dossier/k/work_experience/", "/dossier/withdrawals/"])
def test_a_nurse_sees_the_health_category_with_its_five_types(client, nurse, url):
    html = login(client, nurse).get(url).content.decode()

    assert "行业专用" in text(client.get(url))
    assert [k for k in menu_kinds(html) if k.startswith("health_")] == HEALTH_KINDS
    assert 'data-kind="health_case">\n      卫生-病案<span class="text-muted">(0/0)</span>' in html


@pytest.mark.parametrize("url", ["/dossier/", "/dossier/k/work_experience/"])
def test_an_applicant_of_another_series_does_not_see_it(client, teacher, url):
    response = login(client, teacher).get(url)

    assert "行业专用" not in text(response)
    assert not [k for k in menu_kinds(response.content.decode()) if k.startswith("health_")]
    assert "work_experience" in menu_kinds(response.content.decode())


def test_an_applicant_without_a_series_does_not_see_it(client, hospital):
    response = login(client, PersonFactory(unit=hospital, series="")).get("/dossier/")
    assert "行业专用" not in text(response)


def test_the_home_donuts_follow_the_menu(client, nurse, teacher):
    make_case(nurse, 1)
    nurse_home = login(client, nurse).get("/dossier/")
    assert "行业专用" in [c["label"] for c in nurse_home.context["charts"]]
    teacher_home = login(client, teacher).get("/dossier/")
    assert "行业专用" not in [c["label"] for c in teacher_home.context["charts"]]


def test_the_series_limit_is_configurable(client, teacher, catalogue_override):
    catalogue_override("""
        [category_series]
        health = ["卫生技术", "中小学教师"]
    """)
    assert "行业专用" in text(login(client, teacher).get("/dossier/"))


def test_an_override_removing_the_limit_shows_it_to_everyone(client, teacher, hospital, catalogue_override):
    catalogue_override("""
        [category_series]
        health = []
    """)

    for person in (teacher, PersonFactory(unit=hospital, series="")):
        html = login(client, person).get("/dossier/").content.decode()
        assert [k for k in menu_kinds(html) if k.startswith("health_")] == HEALTH_KINDS
