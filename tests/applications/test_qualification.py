"""资历信息 (seed 004 §4) and the 外语/计算机 entries of 个人基本信息 (§2): the three 年限 computed from their dates
when left empty and kept when typed, separate 职称证书 and 聘任文件 slots, 外语情况 and 计算机情况 as free text with
suggestions, and the migration of the old choices."""

import datetime
import importlib

import pytest
from django.apps import apps

from applications import services
from applications.models import ApplicationFile
from applications.precheck import years_between
from applications.sections import sections

from .support import (
    basic_values,
    login,
    plan_for,
    qualification_values,
    save_section,
    scan_upload,
    section_url,
    values_of,
)

pytestmark = pytest.mark.django_db
MIGRATION = importlib.import_module("applications.migrations.0010_language_computer_text_qualification_slots")


@pytest.fixture
def draft(client, person):
    plan = plan_for("工程技术")
    application = services.application_start(actor=person, plan=plan, series="工程技术", level="副高")
    login(client, person)
    return application


def test_the_three_years_are_computed_from_their_dates_when_left_empty(client, draft):
    save_section(client, draft, "basic", basic_values("工程技术"))
    closes = draft.plan.closes_on
    values = {**qualification_values("工程技术", obtained=f"{closes.year - 7}-01-01"),
              "appointed_on": f"{closes.year - 6}-01-01"}
    response = save_section(client, draft, "qualification", values)
    assert response.status_code == 302
    stored = values_of(draft, "qualification")
    assert stored["years_since_title"] == 7
    assert stored["years_in_post"] == 6
    work_start = basic_values("工程技术")["work_start"]
    assert stored["years_in_profession"] == years_between(
        datetime.date.fromisoformat(work_start), closes)


def test_typed_years_are_kept_and_checked(client, draft):
    values = {**qualification_values("工程技术"), "years_since_title": "3", "years_in_post": "2",
              "years_in_profession": "12"}
    save_section(client, draft, "qualification", values)
    stored = values_of(draft, "qualification")
    assert (stored["years_since_title"], stored["years_in_post"], stored["years_in_profession"]) == (3, 2, 12)
    response = save_section(client, draft, "qualification", {**values, "years_in_post": "61"})
    assert response.status_code == 200
    assert "任现专业技术职务年限不能大于60。" in response.content.decode()
    assert values_of(draft, "qualification")["years_in_post"] == 2


def test_certificate_and_appointment_are_separate_slots(client, draft):
    section = sections().get("qualification")
    assert [(s.key, s.label) for s in section.attachments] == [("title_certificate", "职称证书"),
                                                               ("appointment", "聘任文件（聘书）")]
    page = client.get(section_url(draft, "qualification")).content.decode()
    assert 'name="slot_title_certificate"' in page and 'name="slot_appointment"' in page
    save_section(client, draft, "qualification", qualification_values("工程技术"),
                 title_certificate=[scan_upload("职称证书.jpg")], appointment=[scan_upload("聘书.jpg")])
    slots = dict(ApplicationFile.objects.filter(application=draft).values_list("name", "slot"))
    assert slots == {"职称证书.jpg": "title_certificate", "聘书.jpg": "appointment"}


def test_language_and_computer_are_free_text_with_suggestions(client, draft):
    basic = {f.key: f for f in sections().get("basic").fields}
    assert basic["language"].type == basic["computer"].type == "text"
    assert "language_grade" not in basic
    page = client.get(section_url(draft, "basic")).content.decode()
    assert 'list="id_language-suggestions"' in page and '<option value="英语理工A合格"></option>' in page
    assert '<option value="三个模块合格"></option>' in page
    save_section(client, draft, "basic", {**basic_values("工程技术"), "language": "俄语合格", "computer": "免试"})
    stored = values_of(draft, "basic")
    assert (stored["language"], stored["computer"]) == ("俄语合格", "免试")


@pytest.mark.parametrize(("old", "new"), [
    ({"language": "英语", "language_grade": "B级", "computer": "合格"}, ("英语B级合格", "合格")),
    ({"language": "日语", "language_grade": "免试", "computer": "免试"}, ("免试", "免试")),
    ({"language": "免试", "language_grade": "A级", "computer": "未参加"}, ("免试", "无")),
    ({"language": "英语", "language_grade": "未参加", "computer": "合格"}, ("无", "合格")),
    ({"language": "其他", "language_grade": "C级", "computer": "合格"}, ("其他语种C级合格", "合格")),
])
def test_the_migration_writes_the_old_choices_as_text(draft, old, new):
    draft.data = {"basic": {"values": {"ethnicity": "汉族", **old}}}
    draft.save(update_fields=["data"])
    ApplicationFile.objects.create(application=draft, section="qualification", slot="certificates", name="证.jpg",
                                   size=1, content_type="image/jpeg", file="x/证.jpg")
    MIGRATION.forwards(apps, None)
    draft.refresh_from_db()
    values = draft.data["basic"]["values"]
    assert (values["language"], values["computer"]) == new
    assert "language_grade" not in values and values["ethnicity"] == "汉族"
    assert ApplicationFile.objects.get(application=draft).slot == "title_certificate"


def test_ethnicity_is_a_searchable_list_that_takes_only_its_entries(client, draft):
    page = client.get(section_url(draft, "basic")).content.decode()
    assert 'list="id_ethnicity-suggestions"' in page and '<option value="维吾尔族"></option>' in page
    refused = save_section(client, draft, "basic", {**basic_values("工程技术"), "ethnicity": "火星族"})
    assert refused.status_code == 200 and "请从列表中选择民族。" in refused.content.decode()
    save_section(client, draft, "basic", {**basic_values("工程技术"), "ethnicity": "回族"})
    assert values_of(draft, "basic")["ethnicity"] == "回族"
