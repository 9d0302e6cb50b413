"""A province adjusts the catalogue with TOML override files (docs/catalogue.md), without touching code."""

import re

import pytest
from django.core.exceptions import ImproperlyConfigured

from dossier.catalogue import catalogue
from dossier.models import Record, Status

from .support import field_block, login, make_record, menu_counts, page_messages, png_upload, row_ids, valid_data

pytestmark = pytest.mark.django_db


def test_a_disabled_kind_has_no_pages_and_no_menu_entry(client, owner, catalogue_override):
    kept = make_record(owner, "comprehensive")
    catalogue_override("""
        [kinds.comprehensive]
        enabled = false
    """)
    assert "comprehensive" not in [k.key for k in catalogue().kinds()]
    login(client, owner)
    for url in ("/dossier/k/comprehensive/", "/dossier/k/comprehensive/new/", f"/dossier/r/{kept.pk}/",
                f"/dossier/r/{kept.pk}/edit/"):
        assert client.get(url).status_code == 404, url
    home = client.get("/dossier/").content.decode()
    assert "comprehensive" not in menu_counts(home) and "综合业绩能力" not in home
    assert "honour" in menu_counts(home)
    assert Record.objects.filter(pk=kept.pk).exists()  # its records stay in the database


def test_a_renamed_kind_and_field_show_their_new_labels(client, owner, catalogue_override):
    catalogue_override("""
        [kinds.paper]
        label = "论文"
        [kinds.paper.field_overrides.published_on]
        label = "发表年度"
    """)
    login(client, owner)
    page = client.get("/dossier/k/paper/").content.decode()
    assert "<title>论文 · 个人业绩库" in page and "论文发表情况" not in page
    assert "<th>发表年度</th>" in page and "<th>发表日期</th>" not in page
    form = client.get("/dossier/k/paper/new/").content.decode()
    assert "新增论文" in form and ">发表年度</label>" in form


def test_an_added_field_is_on_the_form_and_stored(client, owner, catalogue_override):
    kind = catalogue_override("""
        [kinds.paper]
        add_fields = [
          { key = "plagiarism_rate", label = "查重率(%)", type = "decimal", min = 0, max = 100 },
        ]
    """).kind("paper")
    login(client, owner)
    assert ">查重率(%)</label>" in client.get("/dossier/k/paper/new/").content.decode()
    response = client.post("/dossier/k/paper/new/", {**valid_data(kind), "plagiarism_rate": "12.30", "action": "save"})
    assert response.status_code == 302
    record = Record.objects.get(owner=owner, kind="paper")
    assert record.data["plagiarism_rate"] == "12.3"
    assert ">查重率(%)</dt>" in client.get(f"/dossier/r/{record.pk}/").content.decode()
    # Its limits are enforced like those of declared fields.
    response = client.post("/dossier/k/paper/new/", {**valid_data(kind), "plagiarism_rate": "120", "action": "save"})
    assert "查重率(%)不能大于100" in field_block(response.content.decode(), "plagiarism_rate")
    response = client.post("/dossier/k/paper/new/", {**valid_data(kind), "plagiarism_rate": "abc", "action": "save"})
    assert "查重率(%)格式不正确。" in field_block(response.content.decode(), "plagiarism_rate")
    assert Record.objects.count() == 1


def test_an_added_choice_is_accepted(client, owner, catalogue_override):
    kind = catalogue_override("""
        [kinds.paper.field_overrides.journal_level]
        choices_add = ["省级以上"]
        [choices_add]
        award_level = ["国际级"]
    """).kind("paper")
    assert catalogue().kind("honour").field("level").choices[-1] == "国际级"
    login(client, owner)
    response = client.post("/dossier/k/paper/new/", {**valid_data(kind), "journal_level": "省级以上", "action": "save"})
    assert response.status_code == 302
    assert Record.objects.get(kind="paper").data["journal_level"] == "省级以上"
    honour = catalogue().kind("honour")
    response = client.post("/dossier/k/honour/new/", {**valid_data(honour), "level": "国际级", "action": "save"})
    assert response.status_code == 302
    assert Record.objects.get(kind="honour").data["level"] == "国际级"


def test_the_base_catalogue_refuses_a_choice_it_does_not_declare(client, owner):
    kind = catalogue().kind("paper")
    login(client, owner)
    response = client.post("/dossier/k/paper/new/", {**valid_data(kind), "journal_level": "省级以上", "action": "save"})
    assert response.status_code == 200
    assert "请从列表中选择发表级别。" in field_block(response.content.decode(), "journal_level")
    assert not Record.objects.exists()


def test_a_field_made_optional_can_be_left_empty(client, owner, catalogue_override):
    base = catalogue().kind("honour")
    login(client, owner)
    without_grantor = {k: v for k, v in valid_data(base).items() if k != "grantor"}
    response = client.post("/dossier/k/honour/new/", {**without_grantor, "action": "save"})
    assert "请填写授予单位。" in field_block(response.content.decode(), "grantor")
    assert not Record.objects.exists()

    catalogue_override("""
        [kinds.honour.field_overrides.grantor]
        required = false
    """)
    response = client.post("/dossier/k/honour/new/", {**without_grantor, "action": "save"})
    assert response.status_code == 302
    assert Record.objects.get(kind="honour").data["grantor"] is None


def test_a_new_kind_declared_in_an_override_has_working_pages(client, owner, admin, catalogue_override):
    kind = catalogue_override("""
        [kinds.teaching_case]
        category = "performance"
        label = "教学案例"
        title = "name"
        search = ["name"]
        columns = ["name", "year"]
        evidence = { required = false }
        fields = [
          { key = "name", label = "案例名称", type = "text", required = true, max_length = 100 },
          { key = "year", label = "年度", type = "year", required = true },
        ]
    """).kind("teaching_case")
    login(client, owner)
    home = client.get("/dossier/").content.decode()
    assert menu_counts(home)["teaching_case"] == "(0/0)"

    list_page = client.get("/dossier/k/teaching_case/")
    assert list_page.status_code == 200
    assert "<th>案例名称</th>" in list_page.content.decode() and 'placeholder="请输入案例名称"' in list_page.content.decode()
    assert ">案例名称</label>" in client.get("/dossier/k/teaching_case/new/").content.decode()

    response = client.post("/dossier/k/teaching_case/new/",
                           {**valid_data(kind), "name": "临床带教案例", "action": "submit"}, follow=True)
    assert "教学案例已提交，等待单位审核。" in page_messages(response)
    record = Record.objects.get(kind="teaching_case")
    assert record.data == {"name": "临床带教案例", "year": 2023} and record.status == Status.PENDING
    assert row_ids(client.get("/dossier/k/teaching_case/").content.decode()) == [record.pk]
    detail = client.get(f"/dossier/r/{record.pk}/").content.decode()
    assert ">案例名称</dt>" in detail and "临床带教案例" in detail
    assert menu_counts(client.get("/dossier/").content.decode())["teaching_case"] == "(1/0)"


def test_evidence_rules_are_adjusted_per_kind(client, owner, catalogue_override):
    catalogue_override("""
        [kinds.honour]
        evidence = { required = false, max_count = 1 }
    """)
    honour = catalogue().kind("honour")
    assert (honour.evidence.required, honour.evidence.max_count) == (False, 1)
    assert honour.evidence.types == ("jpg", "jpeg", "png", "pdf")  # the rest still from [evidence]
    login(client, owner)
    response = client.post("/dossier/k/honour/new/", {**valid_data(honour), "action": "submit"})
    assert response.status_code == 302
    assert Record.objects.get(kind="honour").status == Status.PENDING
    response = client.post("/dossier/k/honour/new/", {**valid_data(honour), "action": "save",
                                                      "evidence": [png_upload("a.png"), png_upload("b.png")]})
    assert "最多上传1个文件" in response.content.decode()


@pytest.mark.parametrize(("override", "complaint"), [
    ("""
     [kinds.honour]
     add_fields = [ { key = "rate", label = "比率", type = "percent" } ]
     """, "unknown type 'percent'"),
    ("""
     [kinds.teaching_case]
     category = "teaching"
     label = "教学案例"
     fields = [ { key = "name", label = "案例名称", type = "text" } ]
     """, "unknown category 'teaching'"),
    ("""
     [kinds.honour]
     columns = ["name", "venue"]
     """, "column 'venue' is not a field"),
    ("""
     [kinds.honour.field_overrides.venue]
     label = "地点"
     """, "unknown fields ['venue']"),
    ("""
     [kinds.honour]
     search = ["venue"]
     """, "search fields and title must be fields"),
    ("""
     [kinds.honour]
     add_fields = [ { key = "kind2", label = "类型", type = "choice" } ]
     """, "needs choices"),
    ("""
     [kinds.honour]
     add_fields = [ { key = "name", label = "重复", type = "text" } ]
     """, "duplicate field keys"),
])
def test_a_malformed_override_stops_the_start(catalogue_override, override, complaint):
    with pytest.raises(ImproperlyConfigured, match=re.escape(complaint)):
        catalogue_override(override)
