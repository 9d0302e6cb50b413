"""有效学历 (SPEC §4, 卫生技术): the applicant picks one row of her 学历信息 as the education the application rests
on. The section declares the field (`pick_row`), the page offers the rows as they read, a value that is not one
of them is refused next to the field, and the pre-check names a pick whose row was changed or deleted."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from applications import services
from applications.precheck import precheck
from applications.sections import _build, sections
from dossier.catalogue import _fields
from tests.factories import PersonFactory

from .support import (
    HEALTH,
    dossier,
    fill_everything,
    login,
    page_messages,
    plan_for,
    rows_of,
    save_section,
    section_url,
    values_of,
)

pytestmark = pytest.mark.django_db

STALE = "卫生技术：有效学历所选的一条已不在学历信息中（已修改或删除），请重新选择。"


@pytest.fixture
def nurse_app(unit, admin, client):
    """A complete 卫生技术 application (its 学历信息: a bachelor's and a master's row), its applicant logged in."""
    person = PersonFactory(unit=unit, name="陈静", series="卫生技术")
    records = dossier(person, admin, series="卫生技术")
    application = services.application_start(actor=person, plan=plan_for("卫生技术"), series="卫生技术", level="副高")
    login(client, person)
    fill_everything(client, application, records, series="卫生技术")
    application.refresh_from_db()
    return application


def offered(application) -> list[str]:
    return sections().row_choices(sections().get("health").field("effective_education"), application.data)


def test_the_page_offers_each_education_row_as_it_reads(nurse_app, client):
    rows = rows_of(nurse_app, "education")
    labels = offered(nurse_app)
    assert len(labels) == len(rows) == 2
    first = rows[0]["values"]
    assert labels[0] == f"{first['education']}，{first['school']} {first['major']}（{first['start']} 至 {first['end']}）"

    response = client.get(section_url(nurse_app, "health"))
    select = response.context["form"]["effective_education"]
    assert [value for value, _label in select.field.widget.choices] == ["", *labels]
    html = response.content.decode()
    assert "有效学历" in html and labels[1] in html


def test_a_picked_row_is_saved_and_counts_as_filled(nurse_app, client):
    pick = offered(nurse_app)[1]
    response = save_section(client, nurse_app, "health", {**HEALTH, "effective_education": pick})
    assert response.status_code == 302
    assert values_of(nurse_app, "health")["effective_education"] == pick
    assert precheck(nurse_app) == []
    assert f'<option value="{pick}" selected>' in client.get(section_url(nurse_app, "health")).content.decode()


def test_a_value_that_is_no_row_is_refused_next_to_the_field_and_nothing_is_lost(nurse_app, client):
    before = values_of(nurse_app, "health")
    client.get(section_url(nurse_app, "health"))  # reads the messages of the filling
    response = save_section(client, nurse_app, "health",
                            {**HEALTH, "specialty": "护理学", "effective_education": "博士研究生，某某大学"})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["effective_education"] == ["请从学历信息中重新选择（所选的一条已修改或删除）。"]
    assert form["specialty"].value() == "护理学"  # the rest of the input is still on the page
    assert values_of(nurse_app, "health") == before  # and nothing stored changed
    assert page_messages(response) == []


def test_changing_the_picked_row_is_named_by_the_precheck_and_the_old_pick_stays_visible(nurse_app, client):
    pick = offered(nurse_app)[0]
    assert save_section(client, nurse_app, "health", {**HEALTH, "effective_education": pick}).status_code == 302
    row = rows_of(nurse_app, "education")[0]
    services.row_update(actor=nurse_app.applicant, application=nurse_app, section=sections().get("education"),
                        row_id=row["id"], values={**row["values"], "major": "护理学（本科）"})
    nurse_app.refresh_from_db()
    assert pick not in offered(nurse_app)
    assert [p.message for p in precheck(nurse_app)] == [STALE]

    page = client.get(section_url(nurse_app, "health"))
    choices = [value for value, _label in page.context["form"]["effective_education"].field.widget.choices]
    assert choices[:2] == ["", pick]  # shown as it was kept, not silently replaced by 请选择
    # Saving asks for a new pick; choosing the corrected row clears the problem.
    refused = save_section(client, nurse_app, "health", {**HEALTH, "effective_education": pick})
    assert "effective_education" in refused.context["form"].errors
    fresh = offered(nurse_app)[0]
    assert save_section(client, nurse_app, "health", {**HEALTH, "effective_education": fresh}).status_code == 302
    nurse_app.refresh_from_db()
    assert precheck(nurse_app) == []


def test_with_no_education_rows_the_drop_down_says_what_to_fill_first(unit, client):
    person = PersonFactory(unit=unit, series="卫生技术")
    application = services.application_start(actor=person, plan=plan_for("卫生技术"), series="卫生技术", level="副高")
    login(client, person)
    response = client.get(section_url(application, "health"))
    assert response.context["form"]["effective_education"].field.widget.choices == [("", "请先填写学历信息")]


def _sections(education_extra: dict | None = None, field_extra: dict | None = None) -> dict:
    education = {"key": "education", "label": "学历信息", "kind": "rows",
                 "fields": [{"key": "school", "label": "毕业院校", "type": "text"}], **(education_extra or {})}
    health = {"key": "health", "label": "卫生技术", "kind": "fields",
              "fields": [{"key": "effective", "label": "有效学历", "type": "text", **(field_extra or {})}]}
    return {"sections": [education, health]}


def test_the_declarations_are_checked_at_start_up():
    built = _build(_sections({"row_label": "{school}"}, {"pick_row": "education"}))
    assert built.get("education").label_of_row({"school": "福建医科大学"}) == "福建医科大学"
    with pytest.raises(ImproperlyConfigured, match="picks a row"):  # the section has no row_label
        _build(_sections({}, {"pick_row": "education"}))
    with pytest.raises(ImproperlyConfigured, match="picks a row"):  # no such section
        _build(_sections({"row_label": "{school}"}, {"pick_row": "degrees"}))
    with pytest.raises(ImproperlyConfigured, match="picks a row"):  # only a text field holds a row
        _build(_sections({"row_label": "{school}"}, {"pick_row": "education", "type": "date"}))
    for label in ("{major}", "毕业院校", "{school"):  # an unknown field, no field at all, broken braces
        with pytest.raises(ImproperlyConfigured, match="row_label"):
            _build(_sections({"row_label": label}))
    rows_picking = _sections({"row_label": "{school}"})
    rows_picking["sections"][0]["fields"].append({"key": "other", "label": "其他", "type": "text", "pick_row": "education"})
    with pytest.raises(ImproperlyConfigured, match="only a fields section"):  # a row's form offers no rows
        _build(rows_picking)
    with pytest.raises(ImproperlyConfigured, match="picks a row"):  # the dossier catalogue picks no rows
        _fields([{"key": "x", "label": "x", "type": "text", "pick_row": "education"}], {}, "catalogue kind 'x'")
