"""Province presets (presets/<name>.toml, chosen with PROVINCE_PRESET): each one boots and its differences show in
the dossier and the application; the application's sections take override files merged like the catalogue's."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from applications import sections as sections_module
from applications import services
from applications.sections import sections
from core.presets import available
from dossier import catalogue as catalogue_module
from dossier.catalogue import catalogue
from dossier.forms import record_form
from tests.applications.support import approved, login, pick, plan_for, rows_of
from tests.factories import PersonFactory, UnitFactory, unit_admin

pytestmark = pytest.mark.django_db
PAPER = {"title": "皖南山区桥梁抗震加固研究", "journal": "土木工程学报", "journal_level": "核心期刊"}


@pytest.fixture
def preset(settings, tmp_media):
    def choose(name: str, *, section_overrides=()):
        settings.PROVINCE_PRESET = name
        settings.APPLICATION_SECTION_OVERRIDES = list(section_overrides)
        catalogue_module.reset()
        sections_module.reset()
        return catalogue(), sections()
    yield choose
    settings.PROVINCE_PRESET = ""
    settings.APPLICATION_SECTION_OVERRIDES = []
    catalogue_module.reset()
    sections_module.reset()


@pytest.fixture
def tmp_media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_three_presets_ship():
    assert available() == ["anhui", "fujian", "tianjin"]


def test_fujian_keeps_withdrawal_and_the_comprehensive_type(preset, client):
    cat, secs = preset("fujian")
    assert cat.withdrawal and cat.kind("comprehensive").label == "综合业绩能力"
    assert cat.kind("paper").field("published_on").type == "date"
    assert secs.get("papers").field("published_on").type == "date"


def test_anhui_has_no_withdrawal_no_comprehensive_and_a_publication_year(preset):
    cat, secs = preset("anhui")
    assert not cat.withdrawal
    assert "comprehensive" not in {k.key for k in cat.kinds()}
    with pytest.raises(KeyError):
        cat.kind("comprehensive")
    field = cat.kind("paper").field("published_on")
    assert (field.label, field.type) == ("发表年度", "year")
    assert record_form(cat.kind("paper"), data={**PAPER, "published_on": "2023"}).is_valid()
    refused = record_form(cat.kind("paper"), data={**PAPER, "published_on": "2023-06-15"})
    assert refused.errors["published_on"] == ["发表年度格式不正确。"]
    row_field = secs.get("papers").field("published_on")
    assert (row_field.label, row_field.type) == ("发表年度", "year")


def test_anhui_walks_a_paper_from_the_dossier_into_the_application(preset, regions):
    preset("anhui")
    unit = UnitFactory()
    person, admin = PersonFactory(unit=unit, series="工程技术"), unit_admin(unit)
    paper = approved(person, admin, "paper", {**PAPER, "published_on": "2023", "issn": "2095-882X"})
    assert paper.data["published_on"] == 2023
    client = login(Client(), person)
    assert client.get("/dossier/k/comprehensive/").status_code == 404
    list_page = client.get("/dossier/k/paper/").content.decode()
    assert "发表年度" in list_page and f'action="/dossier/r/{paper.pk}/withdraw/"' not in list_page
    application = services.application_start(actor=person, plan=plan_for("工程技术"), series="工程技术", level="副高")
    pick(client, application, "papers", [paper])
    values = rows_of(application, "papers")[0]["values"]
    assert (values["published_on"], values["issn"]) == (2023, "ISSN 2095-882X")
    page = client.get(f"/apply/{application.pk}/s/papers/").content.decode()
    assert "发表年度" in page


def test_tianjin_names_the_archive_upload_as_its_manual_does(preset):
    cat, secs = preset("tianjin")
    assert cat.withdrawal
    archive = next(a for a in secs.get("basic").attachments if a.key == "archive")
    assert archive.label == "档案机构证明" and not archive.required


def test_an_unknown_preset_stops_the_start(preset):
    with pytest.raises(ImproperlyConfigured, match="no such preset"):
        preset("shanghai")


def test_section_override_files_apply_after_the_preset(preset, tmp_path):
    override = tmp_path / "sections.toml"
    override.write_text("""
[choices_add]
institution_nature = ["军队医疗机构"]
[sections.papers.field_overrides.published_on]
label = "刊出年份"
[sections.accounting]
enabled = false
[sections.health]
remove_fields = ["results_bureau"]
add_attachments = [{ key = "ethics", label = "医德医风考评表", types = ["pdf"], max_mb = 10, max_count = 1, required = true }]
""", encoding="utf-8")
    _cat, secs = preset("anhui", section_overrides=[str(override)])
    assert secs.get("papers").field("published_on").label == "刊出年份"
    assert secs.get("papers").field("published_on").type == "year"  # the preset's change kept
    assert "accounting" not in [s.key for s in secs.all]
    health = secs.get("health")
    assert "results_bureau" not in [f.key for f in health.fields]
    assert health.attachments[-1].label == "医德医风考评表"
    assert "军队医疗机构" in health.field("institution_nature").choices


def test_a_malformed_section_override_is_refused(preset, tmp_path):
    override = tmp_path / "bad.toml"
    override.write_text('[sections.papers.field_overrides.nonexistent]\nlabel = "x"\n', encoding="utf-8")
    with pytest.raises(ImproperlyConfigured, match="unknown fields"):
        preset("", section_overrides=[str(override)])
    override.write_text('[sections.nowhere]\nlabel = "x"\n', encoding="utf-8")
    with pytest.raises(ImproperlyConfigured, match="unknown section"):
        preset("", section_overrides=[str(override)])


def test_a_preset_and_an_override_file_replace_the_title_names_of_a_level(preset, tmp_path, regions):
    override = tmp_path / "titles.toml"
    override.write_text('[title_names."工程技术"]\n"副高" = ["高级工程师", "高级工程师（教授级以下）"]\n',
                        encoding="utf-8")
    _cat, secs = preset("anhui", section_overrides=[str(override)])
    basic = secs.get("basic")
    assert secs.title_choices(basic, "title_name", {}, "工程技术", "副高") == ["高级工程师", "高级工程师（教授级以下）",
                                                                              "其他"]
    assert secs.titles("工程技术", "正高") == ["正高级工程师"]  # the other levels as the base file has them
    assert secs.titles("卫生技术", "副高")[0] == "副主任医师"

    person = PersonFactory(unit=UnitFactory(), series="工程技术")
    application = services.application_start(actor=person, plan=plan_for("工程技术"), series="工程技术", level="副高")
    client = login(Client(), person)
    page = client.get(f"/apply/{application.pk}/s/basic/").content.decode()
    assert '<option value="高级工程师（教授级以下）">' in page
    saved = client.post(f"/apply/{application.pk}/s/basic/", {"action": "save", "title_name": "高级工程师（教授级以下）"})
    assert saved.status_code == 302
    application.refresh_from_db()
    assert application.data["basic"]["values"]["title_name"] == "高级工程师（教授级以下）"
