"""The series sections as the manual has them (seed 004 §14, §15): drop-downs with 其他 and its text, the
attachments of 转岗聘任 / 破格申报 / 支援情况, the teacher's 职称证书, 级别 locked for a 公共卫生机构, 行政职务 echoed
read-only from 个人基本信息, and the migration of text typed before."""

import importlib

import pytest
from django.apps import apps
from django.test import Client

from applications import services
from applications.models import ApplicationFile
from applications.precheck import precheck
from applications.sections import sections
from tests.factories import PersonFactory

from .support import login, plan_for, save_section, scan_upload, section_url, values_of

pytestmark = pytest.mark.django_db
MIGRATION = importlib.import_module("applications.migrations.0011_series_sections_choices")

DROP_DOWNS = [("health", "institution", "所在医疗卫生机构情况", "医院"),
              ("health", "practice_scope", "执业范围", "内科专业"),
              ("health", "specialty", "申报专业", "内科学"),
              ("health", "language_level", "外语能力水平", "职称外语B级合格"),
              ("health", "community_service", "到城乡社区医疗卫生机构服务情况", "已完成（累计满一年）"),
              ("teacher", "subject", "申报学科", "数学")]


# The answers that show a conditional drop-down.
SHOWN_BY = {"practice_scope": {"qualification": "副主任医师"}, "community_service": {"institution_level": "三级甲等"}}


@pytest.fixture
def draft(unit):
    def make(series: str = "卫生技术"):
        person = PersonFactory(unit=unit, series=series)
        application = services.application_start(actor=person, plan=plan_for(series), series=series, level="副高")
        return application, login(Client(), person)
    return make


def _problems(application):
    application.refresh_from_db()
    return [p.message for p in precheck(application)]


@pytest.mark.parametrize(("section_key", "key", "label", "choice"), DROP_DOWNS)
def test_each_drop_down_is_a_choice_with_other_and_its_text(draft, section_key, key, label, choice):
    application, client = draft("卫生技术" if section_key == "health" else "中小学教师")
    section = sections().get(section_key)
    spec = section.field(key)
    assert (spec.type, spec.label) == ("choice", label)
    assert choice in spec.choices and spec.choices[-1] == "其他"
    other = section.field(f"{key}_other")
    assert other.show_if == {"field": key, "equals": "其他"} and other.required

    page = client.get(section_url(application, section_key)).content.decode()
    assert f'<option value="{choice}">{choice}</option>' in page
    shown = SHOWN_BY.get(key, {})
    response = save_section(client, application, section_key, {**shown, key: "随便写的"})
    assert f"请从列表中选择{label}。" in response.content.decode()

    save_section(client, application, section_key, {**shown, key: "其他"})
    assert any(other.label in p for p in _problems(application))
    save_section(client, application, section_key, {**shown, key: "其他", f"{key}_other": "手写的内容"})
    assert values_of(application, section_key)[f"{key}_other"] == "手写的内容"
    assert not any(other.label in p for p in _problems(application))
    save_section(client, application, section_key, {**shown, key: choice, f"{key}_other": "不再需要"})
    assert values_of(application, section_key)[f"{key}_other"] is None


@pytest.mark.parametrize(("controller", "value", "slot", "label"), [
    ("transfer", "是", "transfer_proof", "转岗聘任材料"),
    ("exceptional", "是", "exceptional_proof", "破格申报材料"),
    ("support", "有", "support_proof", "支援情况材料"),
])
def test_transfer_exceptional_and_support_take_their_attachments(draft, controller, value, slot, label):
    application, client = draft()
    spec = next(s for s in sections().get("health").attachments if s.key == slot)
    assert spec.label == label and not spec.required
    assert spec.applies({controller: value}) and not spec.applies({controller: "否" if value == "是" else "无"})
    page = client.get(section_url(application, "health")).content.decode()
    assert f'name="slot_{slot}"' in page
    save_section(client, application, "health", {controller: value}, **{slot: [scan_upload(f"{label}.jpg")]})
    assert ApplicationFile.objects.get(application=application, slot=slot).name == f"{label}.jpg"


def test_the_teacher_uploads_the_title_certificate(draft):
    application, client = draft("中小学教师")
    assert [(s.key, s.label) for s in sections().get("teacher").attachments] == [("title_certificate", "职称证书")]
    save_section(client, application, "teacher", {"stage": "高中"}, title_certificate=[scan_upload("职称证书.jpg")])
    assert ApplicationFile.objects.get(application=application, section="teacher").slot == "title_certificate"


def test_the_level_is_locked_for_public_health_institutions(draft):
    application, client = draft()
    page = client.get(section_url(application, "health")).content.decode()
    assert 'data-lock-if="institution"' in page and 'data-lock-equals="公共卫生机构"' in page
    save_section(client, application, "health", {"institution": "公共卫生机构", "institution_level": "三级甲等"})
    assert values_of(application, "health")["institution_level"] is None
    save_section(client, application, "health", {"institution": "医院", "institution_level": "三级甲等"})
    assert values_of(application, "health")["institution_level"] == "三级甲等"


@pytest.mark.parametrize(("series", "section_key", "post", "other"), [
    ("卫生技术", "health", "护理部副主任", {"transfer": "否"}),
    ("中小学教师", "teacher", "教务处主任", {"stage": "高中"}),  # seed 004 §14 shows it between 优秀班集体 and 提干时间
])
def test_the_admin_post_is_echoed_read_only(draft, series, section_key, post, other):
    application, client = draft(series)
    save_section(client, application, "basic", {"admin_post": post})
    page = client.get(section_url(application, section_key)).content.decode()
    block = page[page.index('name="admin_post"') - 300: page.index('name="admin_post"') + 200]
    assert "disabled" in block and f'value="{post}"' in block
    save_section(client, application, section_key, {"admin_post": "院长", **other})
    assert values_of(application, section_key)["admin_post"] == post


def test_the_migration_keeps_typed_text_as_a_choice_or_as_other(draft):
    health, _ = draft()
    teacher, _ = draft("中小学教师")
    health.data = {"health": {"values": {
        "institution": "福州市疾病预防控制中心", "institution_level": "公共卫生机构", "specialty": "内科学",
        "practice_scope": "心血管内科", "language_level": "英语B级", "community_service": "2022年赴社区坐诊半年。"}}}
    health.save(update_fields=["data"])
    teacher.data = {"teacher": {"values": {"subject": "数学"}}}
    teacher.save(update_fields=["data"])
    ApplicationFile.objects.create(application=health, section="health", slot="grassroots", name="许可证.jpg",
                                   size=1, content_type="image/jpeg", file="x/许可证.jpg")
    MIGRATION.forwards(apps, None)
    health.refresh_from_db()
    teacher.refresh_from_db()
    assert health.data["health"]["values"] == {
        "institution": "公共卫生机构", "institution_other": "福州市疾病预防控制中心", "institution_level": None,
        "specialty": "内科学", "practice_scope": "其他", "practice_scope_other": "心血管内科",
        "language_level": "其他", "language_level_other": "英语B级",
        "community_service": "其他", "community_service_other": "2022年赴社区坐诊半年。"}
    assert teacher.data["teacher"]["values"] == {"subject": "数学"}
    assert ApplicationFile.objects.get(application=health).slot == "grassroots_licence"
