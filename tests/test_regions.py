"""Administrative divisions (GB/T 2260) loaded from python-stdnum's maintained table, and the cascader's JSON."""

import pytest

from orgs.models import Region, Unit
from orgs.services import regions_load
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def test_district_sits_under_its_city_under_its_province(regions):
    gulou = Region.objects.get(code="350102")

    assert (gulou.name, gulou.level) == ("鼓楼区", Region.Level.DISTRICT)
    assert (gulou.parent.code, gulou.parent.name, gulou.parent.level) == ("350100", "福州市", Region.Level.CITY)
    fujian = gulou.parent.parent
    assert (fujian.code, fujian.name, fujian.level, fujian.parent) == ("350000", "福建省", Region.Level.PROVINCE,
                                                                       None)
    assert gulou.full_name == "福建省 › 福州市 › 鼓楼区"


def test_the_three_provinces_are_loaded(regions):
    provinces = Region.objects.filter(level=Region.Level.PROVINCE)

    assert {(r.code, r.name) for r in provinces} == {("350000", "福建省"), ("340000", "安徽省"), ("120000", "天津市")}
    assert Region.objects.get(code="340100").name == "合肥市"


def test_retired_codes_are_absent(regions):
    # 长乐市 (350182) became 长乐区 (350112) in 2017.
    assert not Region.objects.filter(code="350182").exists()
    assert Region.objects.get(code="350112").name == "长乐区"


def test_placeholder_districts_are_absent(regions):
    assert not Region.objects.filter(code="350101").exists()  # 市辖区


def test_municipality_city_level_is_named_after_the_municipality(regions):
    heping = Region.objects.get(code="120101")

    assert heping.name == "和平区"
    assert heping.parent.name == "天津市"
    assert heping.full_name == "天津市 › 和平区"


def test_scope_codes_of_a_district_include_its_city_and_province(regions):
    assert Region.objects.get(code="350102").ancestor_codes() == ["350102", "350100", "350000"]
    assert Region.objects.get(code="350100").ancestor_codes() == ["350100", "350000"]
    assert Region.objects.get(code="350000").ancestor_codes() == ["350000"]


def test_loading_again_changes_nothing(regions):
    before = list(Region.objects.values_list("code", "name", "level", "parent_id"))

    created, total = regions_load(provinces={"35", "34", "12"})

    assert created == 0
    assert total == len(before)
    assert list(Region.objects.values_list("code", "name", "level", "parent_id")) == before


def test_loading_another_province_adds_only_it(regions):
    before = Region.objects.count()

    created, total = regions_load(provinces={"11"})

    assert created > 0
    assert total == before + created
    assert Region.objects.get(code="110000").name == "北京市"


def test_regions_json_lists_the_provinces(client, regions):
    data = client.get("/units/regions/").json()

    assert [r["code"] for r in data["regions"]] == ["120000", "340000", "350000"]


def test_regions_json_lists_the_cities_of_a_province(client, regions):
    data = client.get("/units/regions/", {"parent": "350000"}).json()

    cities = {r["code"]: r for r in data["regions"]}
    assert cities["350100"] == {"code": "350100", "name": "福州市", "level": 2}
    assert cities["350200"]["name"] == "厦门市"
    assert all(r["level"] == Region.Level.CITY and r["code"].startswith("35") for r in data["regions"])


def test_regions_json_lists_the_districts_of_a_city(client, regions):
    data = client.get("/units/regions/", {"parent": "350100"}).json()

    names = {r["code"]: r["name"] for r in data["regions"]}
    assert names["350102"] == "鼓楼区"
    assert "350182" not in names


def test_unit_search_finds_units_by_name_fragments(client, regions):
    UnitFactory(name="福州市第一医院")
    UnitFactory(name="厦门大学")

    html = client.get("/units/search/", {"q": "福州 医院"}).content.decode()

    assert "福州市第一医院" in html
    assert "厦门大学" not in html


def test_unit_search_lists_only_employers(client, regions):
    UnitFactory(name="福州市卫生健康委员会", kind=Unit.Kind.DEPARTMENT)

    html = client.get("/units/search/", {"q": "卫生健康"}).content.decode()

    assert "福州市卫生健康委员会" not in html
    assert "没有找到名称包含“卫生健康”的单位" in html
