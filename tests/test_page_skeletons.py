"""The list pages served from skeletons (core.skeleton.render_page) are byte for byte the pages that rendering
their templates gives, in every state whose markup differs: tab, empty or not, page links, type, roles, and
with values that need escaping."""

import re
from urllib.parse import parse_qsl

import pytest
from django.shortcuts import render

from dossier.models import Status
from tests.dossier.support import login, make_record
from tests.factories import PersonFactory, UnitFactory, unit_admin

pytestmark = pytest.mark.django_db

HOSTILE = '<i>"张&三\'</i>'
TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=|"X-CSRFToken": )"[^"]+"')


def rendered_plainly(request, template_name, context, **_skeleton):
    return render(request, template_name, context)


def both(client, monkeypatch, url, params=None, *, view_module) -> tuple[str, str]:
    """The page as served (from its skeleton) and as rendering its template gives it; the CSRF token is
    masked afresh for every response, so it is compared as present, not by value."""
    served = client.get(url, params or {})
    assert served.status_code == 200
    with monkeypatch.context() as patch:
        patch.setattr(f"{view_module}.render_page", rendered_plainly)
        plain = client.get(url, params or {})
    assert plain.status_code == 200
    served, plain = served.content.decode(), plain.content.decode()
    assert len(TOKEN.findall(served)) == len(TOKEN.findall(plain)) > 0
    return TOKEN.sub(r"\1TOKEN", served), TOKEN.sub(r"\1TOKEN", plain)


@pytest.fixture
def unit(regions, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return UnitFactory(name="福州市第一医院")


@pytest.fixture
def admin(unit):
    return unit_admin(unit, name="单位管理员")


@pytest.fixture
def owner(unit):
    return PersonFactory(unit=unit, name=HOSTILE)


def test_the_applicants_list_in_every_state(client, monkeypatch, owner, admin, settings):
    for status in (Status.APPROVED, Status.PENDING, Status.RETURNED, Status.DRAFT):
        make_record(owner, "honour", status=status, admin=admin, seed=HOSTILE)
    for seed in "甲乙丙丁戊己庚辛壬癸子丑":  # two pages and a bit of 病案 (batch submit, import)
        make_record(owner, "health_case", seed=seed, evidence=False)
    login(client, owner)
    pages = [
        ("/dossier/k/honour/", {}), ("/dossier/k/honour/", {"status": "approved"}),
        ("/dossier/k/honour/", {"status": "returned"}), ("/dossier/k/paper/", {}),  # empty
        ("/dossier/k/health_case/", {}), ("/dossier/k/health_case/", {"page": "2"}),
        ("/dossier/k/continuing_education/", {}),
    ]
    for url, params in pages:
        served, plain = both(client, monkeypatch, url, params, view_module="dossier.views")
        assert served == plain, (url, params)
    served, _ = both(client, monkeypatch, "/dossier/k/health_case/", {"page": "2"}, view_module="dossier.views")
    assert "2 / 2" in served and "上一页" in served and "下一页" not in served
    assert "&lt;i&gt;&quot;张&amp;三&#x27;&lt;/i&gt;" in served and HOSTILE not in served


def test_the_applicants_list_for_someone_who_is_also_an_admin(client, monkeypatch, owner, admin, unit):
    both_roles = unit_admin(unit, name="李四")
    make_record(both_roles, "honour", evidence=False)
    login(client, both_roles)
    served, plain = both(client, monkeypatch, "/dossier/k/honour/", view_module="dossier.views")
    assert served == plain
    login(client, owner)
    other, _ = both(client, monkeypatch, "/dossier/k/honour/", view_module="dossier.views")
    assert other.count('class="nav-link') != served.count('class="nav-link')  # another menu, another skeleton


def test_a_page_with_messages_shows_them(client, owner):
    draft = make_record(owner, "honour", evidence=False)
    login(client, owner)
    response = client.post(f"/dossier/r/{draft.pk}/delete/", follow=True)
    html = response.content.decode()
    assert 'role="alert"' in html and "删除" in html
    assert 'role="alert"' not in client.get("/dossier/k/honour/").content.decode()  # shown once


def _link(html: str, label: str) -> dict:
    href = re.search(rf'href="\?([^"]*)">{label}', html).group(1).replace("&amp;", "&")
    return dict(parse_qsl(href))


def test_the_units_review_queue_in_every_state(client, monkeypatch, owner, admin):
    for status in (Status.APPROVED, Status.PENDING, Status.RETURNED, Status.TERMINATED):
        make_record(owner, "honour", status=status, admin=admin, seed=HOSTILE)
    for seed in "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥天":  # three pages of 病案
        make_record(owner, "health_case", status=Status.PENDING, seed=seed, evidence=False)
    login(client, admin)
    pages = [
        ("/unit/records/k/honour/", {}), ("/unit/records/k/honour/", {"status": "pending"}),
        ("/unit/records/k/honour/", {"status": "returned"}), ("/unit/records/k/paper/", {}),  # empty
        ("/unit/records/k/health_case/", {}), ("/unit/records/k/health_case/", {"status": "pending"}),
    ]
    for url, params in pages:
        served, plain = both(client, monkeypatch, url, params, view_module="review.views")
        assert served == plain, (url, params)
    first, _ = both(client, monkeypatch, "/unit/records/k/health_case/", view_module="review.views")
    second, plain = both(client, monkeypatch, "/unit/records/k/health_case/", _link(first, "下一页"),
                         view_module="review.views")
    assert second == plain and "上一页" in second and "下一页" in second
    third, plain = both(client, monkeypatch, "/unit/records/k/health_case/", _link(second, "下一页"),
                        view_module="review.views")
    assert third == plain and "下一页" not in third
    assert re.findall(r'<tr data-record="\d+">\s*<td>.*?</td>\s*<td>(\d+)</td>', third, re.S)[0] == "21"
    assert "&lt;i&gt;&quot;张&amp;三&#x27;&lt;/i&gt;" in first and HOSTILE not in first
    assert "共 23 条，10条/页" in first
