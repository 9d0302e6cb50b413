"""全省检索: two- to four-character Chinese queries, a full ID number, the scope of each role, masked numbers,
keyset pages of constant cost, and the documents kept as records and applications change."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import Application
from dossier.models import Status
from lookup import grams
from lookup.models import Document
from lookup.services import documents_rebuild
from tests.factories import PersonFactory
from tests.helpers import committed

from .conftest import approved_record, filed_application, sign_in

pytestmark = pytest.mark.django_db
URL = reverse("lookup:search")


def found(client, query: str, **params) -> list[Document]:
    response = client.get(URL, {"q": query, **params})
    assert response.status_code == 200
    return list(response.context["rows"])


def names(rows) -> list[tuple[str, str]]:
    return sorted((d.name, d.title) for d in rows)


def test_bigrams_cut_each_term_and_fold_width_and_case():
    assert grams.bigrams("张晓明") == ["张晓", "晓明"]
    assert grams.bigrams("ＡＢ 医院，平台") == ["ab", "医院", "平台"]
    assert grams.bigrams("王") == []
    assert grams.id_number_query(" 35010219800101123x ") == "35010219800101123X"
    assert grams.id_number_query("3501021980") == ""


def test_two_three_and_four_characters_find_names_titles_and_keywords(client, world):
    sign_in(client, world.province_bureau)
    assert names(found(client, "晓明")) == [("张晓明", "工程技术副高"), ("张晓明", "智慧医院信息平台建设"),
                                           ("王晓明", "医院信息平台升级")]
    assert names(found(client, "张晓明")) == [("张晓明", "工程技术副高"), ("张晓明", "智慧医院信息平台建设")]
    assert names(found(client, "信息平台")) == [("张晓明", "智慧医院信息平台建设"), ("王晓明", "医院信息平台升级")]
    assert names(found(client, "副高")) == [("张晓明", "工程技术副高")]
    assert names(found(client, "厦门")) == [("王晓明", "医院信息平台升级")]  # the unit's name is a keyword


def test_all_bigrams_present_is_not_enough_the_text_must_hold_the_query(client, world):
    """明张 is in no name although 明 and 张 are; 平台信息 has the bigrams 平台 and 信息 of both titles but in the
    other order."""
    sign_in(client, world.province_bureau)
    assert found(client, "平台信息") == []
    assert found(client, "智慧平台") == []


def test_a_full_id_number_finds_its_person_exactly(client, world):
    sign_in(client, world.province_bureau)
    number = world.wang.id_number
    rows = found(client, f" {number[:6]} {number[6:].lower()} ")
    assert names(rows) == [("王晓明", "医院信息平台升级")]
    assert found(client, number[:-1] + ("0" if number[-1] != "0" else "1")) == []


def test_results_show_masked_numbers_and_open_in_scope(client, world):
    sign_in(client, world.province_bureau)
    response = client.get(URL, {"q": "王晓明"})
    page = response.content.decode()
    number = world.wang.id_number
    assert number not in page
    assert f"{number[:4]}{'*' * 10}{number[-4:]}" in page
    doc = response.context["rows"][0]
    detail = client.get(reverse("lookup:document", args=[doc.pk]))
    assert detail.status_code == 200
    assert "医院信息平台升级" in detail.content.decode() and number not in detail.content.decode()


def test_short_or_missing_queries_are_refused_by_the_field(client, world):
    sign_in(client, world.province_bureau)
    response = client.get(URL, {"q": "王"})
    assert response.status_code == 200
    assert response.context["form"].errors["q"] == ["请输入至少2个字的姓名、身份证号、职称或关键词。"]
    assert "请输入至少2个字" in response.content.decode()
    assert client.get(URL, {"q": "，。"}).context["form"].errors["q"]
    assert client.get(URL, {"q": "王晓明", "after": "abc"}).status_code == 200  # a bad cursor is no 500
    assert client.get(URL).status_code == 200


@pytest.mark.parametrize("who, expected", [
    ("clerk", {"张晓明"}),  # the unit admin: their unit only
    ("reviewer", {"张晓明"}),  # the department: the units under it
    ("city_bureau", {"张晓明"}),  # Fuzhou's bureau: Fuzhou's units
    ("province_bureau", {"张晓明", "王晓明"}),
])
def test_each_role_finds_only_within_its_scope(client, world, who, expected):
    sign_in(client, getattr(world, who))
    assert {d.name for d in found(client, "晓明")} == expected
    assert {d.name for d in found(client, world.wang.id_number)} == expected & {"王晓明"}


def test_another_units_result_is_a_404(client, world):
    xiamen_doc = Document.objects.get(kind=Document.Kind.RECORD, object_id=world.wang_record.pk)
    sign_in(client, world.clerk)
    assert client.get(reverse("lookup:document", args=[xiamen_doc.pk])).status_code == 404
    sign_in(client, world.city_bureau)
    assert client.get(reverse("lookup:document", args=[xiamen_doc.pk])).status_code == 404
    sign_in(client, world.province_bureau)
    assert client.get(reverse("lookup:document", args=[xiamen_doc.pk])).status_code == 200


def test_an_applicant_cannot_reach_the_page_nor_sees_it_in_the_menu(client, world):
    sign_in(client, world.zhang)
    assert client.get(URL, {"q": "晓明"}).status_code == 404
    doc = Document.objects.filter(name="张晓明").first()
    assert client.get(reverse("lookup:document", args=[doc.pk])).status_code == 404
    assert URL not in client.get("/").content.decode()
    sign_in(client, world.city_bureau)
    assert URL in client.get("/").content.decode()


def test_documents_follow_the_records_and_applications(client, world):
    """A record no longer approved leaves the index, a draft application is not in it, a renamed title is found
    under its new name."""
    sign_in(client, world.province_bureau)
    record = world.zhang_record
    with committed():
        record.title = "远程会诊系统"
        record.save()
    assert names(found(client, "会诊")) == [("张晓明", "远程会诊系统")]
    with committed():
        record.status = Status.RETURNED
        record.save()
    assert found(client, "会诊") == []
    draft = filed_application(PersonFactory(unit=world.fuzhou, name="李草稿"), world.plan,
                              status=Application.Status.DRAFT)
    assert found(client, "草稿") == []
    with committed():
        draft.status = Application.Status.SUBMITTED
        draft.save()
    assert names(found(client, "草稿")) == [("李草稿", "工程技术副高")]


def test_the_rebuild_writes_what_the_signals_wrote(world):
    before = sorted(Document.objects.values_list("kind", "object_id", "grams", "unit_id", "region_id"))
    assert documents_rebuild(batch=1) == len(before) == 3
    assert sorted(Document.objects.values_list("kind", "object_id", "grams", "unit_id", "region_id")) == before


def test_keyset_pages_cost_the_same_queries_whatever_the_rows(client, world, django_assert_num_queries):
    for i in range(45):
        approved_record(world.zhang, f"课题研究第{i}项")
    sign_in(client, world.province_bureau)
    first = client.get(URL, {"q": "课题"})
    rows, following = first.context["rows"], first.context["following"]
    assert len(rows) == 20 and following == rows[-1].pk
    second = client.get(URL, {"q": "课题", "after": following})
    third = client.get(URL, {"q": "课题", "after": second.context["following"]})
    seen = [d.pk for d in [*rows, *second.context["rows"], *third.context["rows"]]]
    assert len(seen) == len(set(seen)) == 45 and seen == sorted(seen, reverse=True)
    assert third.context["following"] is None
    assert 'after=' in first.content.decode() and "回到第一页" in second.content.decode()

    def count(query):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL, {"q": query}).status_code == 200
        return len(captured)

    # 20 rows, 2 rows, 1 row: a page the newest ids do not fill is completed through the bigram index in the same
    # windows of ids (lookup.selectors.WINDOW, WIDEN) whatever it finds; a full one may stop early
    assert count("课题") <= count("张晓明") == count("智慧医院")

