"""申报专业技术资格名称 and 现资格名称 as the manual's drop-downs (seed 004 §2, §4): the national title names of the
series and level from sections.toml's `title_names`, then 其他 with the name typed beside it; a name of another
series or level is refused next to the field; the page narrows 现资格名称 as 现资格系列/级别 change; the migration
keeps the text typed before."""

import datetime
import html
import importlib
import json
import re

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from applications import services
from applications.models import Application
from applications.precheck import precheck
from applications.publicity import roster_row
from applications.sections import OTHER, load, sections, title_name
from tests.factories import PersonFactory

from .support import basic_values, login, plan_for, qualification_values, save_section, section_url, values_of

pytestmark = pytest.mark.django_db
MIGRATION = importlib.import_module("applications.migrations.0015_title_names_as_choices")


@pytest.fixture
def draft(unit):
    """start(series, level) → a draft application of a person of the unit, her client logged in."""
    def start(series: str = "卫生技术", level: str = "副高"):
        person = PersonFactory(unit=unit, name="陈静", series=series)
        application = services.application_start(actor=person, plan=plan_for(series), series=series, level=level)
        return application, login(Client(), person)
    return start


def options(page: str, name: str) -> list[str]:
    select = page[page.index(f'name="{name}"'):]
    select = select[: select.index("</select>")]
    return [html.unescape(value) for value in re.findall(r'<option value="([^"]*)"', select) if value]


@pytest.mark.parametrize(("series", "level", "names"), [
    ("卫生技术", "初级", ["医士", "医师", "护士", "护师", "药士", "药师", "技士", "技师"]),
    ("卫生技术", "中级", ["主治医师", "主管护师", "主管药师", "主管技师"]),
    ("卫生技术", "副高", ["副主任医师", "副主任护师", "副主任药师", "副主任技师"]),
    ("卫生技术", "正高", ["主任医师", "主任护师", "主任药师", "主任技师"]),
    ("中小学教师", "初级", ["三级教师", "二级教师"]),
    ("中小学教师", "中级", ["一级教师"]),
    ("中小学教师", "副高", ["高级教师"]),
    ("中小学教师", "正高", ["正高级教师"]),
    ("工程技术", "初级", ["技术员", "助理工程师"]),
    ("工程技术", "中级", ["工程师"]),
    ("工程技术", "副高", ["高级工程师"]),
    ("工程技术", "正高", ["正高级工程师"]),
    ("会计", "中级", ["会计师"]),
    ("经济", "正高", ["正高级经济师"]),
])
def test_each_series_and_level_offers_its_national_title_names_then_other(series, level, names):
    basic = sections().get("basic")
    assert sections().title_choices(basic, "title_name", {}, series, level) == [*names, OTHER]
    qualification = sections().get("qualification")
    assert sections().title_choices(qualification, "title_name", {"title_series": series, "title_level": level},
                                    "会计", "初级") == [*names, OTHER]


def test_every_series_of_the_catalogue_has_names_for_every_level():
    for series in sections().choices["series"]:
        for level in sections().choices["level"]:
            assert sections().titles(series, level), (series, level)


def test_the_basic_page_offers_the_names_of_the_applications_series_and_level_and_other(draft):
    application, client = draft("卫生技术", "中级")
    page = client.get(section_url(application, "basic")).content.decode()
    assert options(page, "title_name") == ["主治医师", "主管护师", "主管药师", "主管技师", "其他"]
    assert 'data-show-if="title_name" data-show-equals="其他"' in page  # the name field shows with 其他


def test_a_listed_name_is_kept_and_the_text_beside_it_dropped(draft):
    application, client = draft("卫生技术", "副高")
    response = save_section(client, application, "basic", {**basic_values("卫生技术"), "title_name": "副主任护师",
                                                           "title_name_other": "不会留下"})
    assert response.status_code == 302
    stored = values_of(application, "basic")
    assert (stored["title_name"], stored["title_name_other"]) == ("副主任护师", None)


def test_a_name_of_another_series_or_level_is_refused_next_to_the_field_and_nothing_is_lost(draft):
    application, client = draft("卫生技术", "副高")
    response = save_section(client, application, "basic", {**basic_values("卫生技术"), "title_name": "高级教师"})
    assert response.status_code == 200
    assert response.context["form"].errors["title_name"] == [
        "申报专业技术资格名称不在所选系列和级别的名称中，请重新选择；列表中没有的请选择“其他”并填写名称。"]
    page = response.content.decode()
    assert 'value="心血管内科"' in page  # what was typed is still there
    assert values_of(application, "basic") == {}


def test_other_asks_for_the_name_and_the_name_is_what_reads_everywhere(draft):
    application, client = draft("卫生技术", "副高")
    assert save_section(client, application, "basic", {**basic_values("卫生技术"), "title_name": OTHER}).status_code == 302
    problems = [p.message for p in precheck(Application.objects.get(pk=application.pk))]
    assert any(m.startswith("个人基本信息：") and "其他资格名称" in m for m in problems)

    assert save_section(client, application, "basic", {**basic_values("卫生技术"), "title_name": OTHER,
                                                       "title_name_other": "副主任康复治疗师"}).status_code == 302
    stored = values_of(application, "basic")
    assert (stored["title_name"], stored["title_name_other"]) == (OTHER, "副主任康复治疗师")
    assert title_name(stored) == "副主任康复治疗师"
    problems = [p.message for p in precheck(Application.objects.get(pk=application.pk))]
    assert not [m for m in problems if "资格名称" in m]


def test_the_current_title_follows_its_series_and_level(draft):
    application, client = draft("卫生技术", "副高")
    current = qualification_values("卫生技术")  # 卫生技术 中级 主治医师
    assert save_section(client, application, "qualification", current).status_code == 302
    page = client.get(section_url(application, "qualification")).content.decode()
    assert options(page, "title_name") == ["主治医师", "主管护师", "主管药师", "主管技师", "其他"]
    select = re.search(r'<select[^>]*name="title_name"[^>]*>', page).group(0)
    assert 'data-titles-series="title_series"' in select and 'data-titles-level="title_level"' in select
    offered = json.loads(html.unescape(re.search(r'data-titles="([^"]*)"', select).group(1)))
    assert offered["中小学教师"]["中级"] == ["一级教师", "其他"]  # what the page narrows to when 系列 changes

    refused = save_section(client, application, "qualification", {**current, "title_name": "一级教师"})
    assert "现资格名称不在所选系列和级别的名称中" in refused.content.decode()
    teacher = {**current, "title_series": "中小学教师", "title_level": "中级", "title_name": "一级教师"}
    assert save_section(client, application, "qualification", teacher).status_code == 302
    assert values_of(application, "qualification")["title_name"] == "一级教师"


def test_the_roster_reads_the_names_typed_beside_other(draft):
    application, _client = draft("卫生技术", "副高")
    application.snapshot = {"account": {"name": "陈静"}, "sections": {
        "basic": {"values": {"title_name": OTHER, "title_name_other": "副主任康复治疗师"}},
        "qualification": {"values": {"title_name": OTHER, "title_name_other": "康复治疗师（中级）"}}}}
    row = roster_row(1, application, datetime.date(2026, 6, 1))
    assert "副主任康复治疗师" in row and "康复治疗师（中级）" in row and OTHER not in row
    assert application.filed_title_name == "副主任康复治疗师"


def test_the_migration_maps_text_to_its_choice_or_keeps_it_as_other(draft):
    matching, _ = draft("卫生技术", "副高")
    matching.data = {"basic": {"values": {"title_name": "副主任护师"}},
                     "qualification": {"values": {"title_series": "卫生技术", "title_level": "中级",
                                                  "title_name": "主管护师"}}}
    matching.save(update_fields=["data"])
    typed, _ = draft("中小学教师", "副高")
    typed.data = {"basic": {"values": {"title_name": "中学高级教师"}},
                  "qualification": {"values": {"title_series": "中小学教师", "title_level": "中级",
                                               "title_name": "中学一级教师"}}}
    typed.save(update_fields=["data"])

    MIGRATION.forwards(apps, None)

    matching.refresh_from_db()
    assert matching.data["basic"]["values"] == {"title_name": "副主任护师"}
    assert matching.data["qualification"]["values"]["title_name"] == "主管护师"
    assert "title_name_other" not in matching.data["qualification"]["values"]
    typed.refresh_from_db()
    assert typed.data["basic"]["values"] == {"title_name": OTHER, "title_name_other": "中学高级教师"}
    qualification = typed.data["qualification"]["values"]
    assert (qualification["title_name"], qualification["title_name_other"]) == (OTHER, "中学一级教师")
    assert title_name(typed.data["basic"]["values"]) == "中学高级教师"


def test_a_title_list_without_its_other_field_is_refused_at_start(tmp_path):
    override = tmp_path / "titles.toml"
    override.write_text('[sections.basic.field_overrides.language]\ntype = "choice"\ntitles = "application"\n',
                        encoding="utf-8")
    with pytest.raises(ImproperlyConfigured, match="language_other text field"):
        load([override])
