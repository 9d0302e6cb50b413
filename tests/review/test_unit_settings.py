"""管理设置 › 单位信息 and 完善单位信息: the unit's basic and detailed data, edited by its admins only."""

import datetime

import pytest
from django.urls import reverse

from orgs.models import Unit
from tests.factories import unit_admin

from .support import login, page_messages

pytestmark = pytest.mark.django_db

INFO = reverse("orgs:unit_info")
EDIT = reverse("orgs:unit_info_edit")


def _complete(**changes) -> dict:
    data = {
        "name": "福州市第一医院", "legal_rep_name": "陈建国", "legal_rep_phone": "0591-87654321",
        "address": "福州市鼓楼区杨桥东路18号", "contact_name": "林美华", "contact_phone": "13805910001",
        "nature": Unit.Nature.PUBLIC_INSTITUTION, "email": "renshi@fzsy.example.cn", "industry_code": "Q8411",
        "status": "active", "economic_type": "国有经济", "tax_number": "", "licence_type": "事业单位法人证书",
        "licence_number": "事证第135010000123号", "licence_issued_on": "2019-06-01",
        "licence_valid_until": "2029-05-31", "approval_number": "闽编办〔2019〕12号", "approved_on": "2019-05-20",
        "approved_by": "福州市机构编制委员会办公室",
    }
    data.update(changes)
    return data


def test_unit_information_shows_the_basic_and_detailed_data(client, unit_a, admin_a):
    Unit.objects.filter(pk=unit_a.pk).update(
        industry_code="Q8411", economic_type="国有经济", licence_type="事业单位法人证书",
        licence_number="事证第135010000123号", licence_issued_on=datetime.date(2019, 6, 1),
        approval_number="闽编办〔2019〕12号", approved_by="福州市机构编制委员会办公室",
    )
    login(client, admin_a)

    html = client.get(INFO).content.decode()

    for text in ("基本信息", "详细信息", unit_a.name, unit_a.credit_code, "事业单位", "福建省 › 福州市 › 鼓楼区",
                 "行业代码", "Q8411", "单位状态", "正常", "国有经济", "事业单位法人证书", "事证第135010000123号",
                 "2019-06-01", "有效期限", "长期", "闽编办〔2019〕12号", "福州市机构编制委员会办公室", "完善单位信息"):
        assert text in html, text


def test_completing_the_unit_information_saves_every_field(client, unit_a, admin_a):
    login(client, admin_a)

    response = client.post(EDIT, _complete())

    assert response.status_code == 302 and response.url == INFO
    assert page_messages(client.get(INFO)) == ["单位信息已保存。"]
    unit_a.refresh_from_db()
    assert (unit_a.legal_rep_name, unit_a.address, unit_a.industry_code) == ("陈建国", "福州市鼓楼区杨桥东路18号", "Q8411")
    assert unit_a.licence_issued_on == datetime.date(2019, 6, 1)
    assert unit_a.licence_valid_until == datetime.date(2029, 5, 31)
    assert unit_a.approved_by == "福州市机构编制委员会办公室"


def test_the_credit_code_is_the_login_and_cannot_be_changed(client, unit_a, admin_a):
    code = unit_a.credit_code
    login(client, admin_a)

    client.post(EDIT, _complete(credit_code="91350100MA2XXXXXXX"))

    unit_a.refresh_from_db()
    assert unit_a.credit_code == code


@pytest.mark.parametrize("phone", ["1380591000", "23805910001", "1380591000a", "138 0591 0001"])
def test_the_contact_mobile_number_must_be_a_mobile_number(client, unit_a, admin_a, phone):
    login(client, admin_a)

    response = client.post(EDIT, _complete(contact_phone=phone))

    assert response.status_code == 200
    assert response.context["form"].errors["contact_phone"] == ["请输入11位手机号码。"]
    assert Unit.objects.get(pk=unit_a.pk).contact_phone == "13900000000"


def test_the_licence_cannot_expire_before_it_was_issued_and_typed_values_stay(client, unit_a, admin_a):
    login(client, admin_a)

    response = client.post(EDIT, _complete(licence_issued_on="2020-01-10", licence_valid_until="2019-12-31"))

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["form"].errors["licence_valid_until"] == ["有效期限不能早于发照日期。"]
    assert "有效期限不能早于发照日期。" in html and "已填写的内容已保留" in html
    for typed in ('value="2020-01-10"', 'value="2019-12-31"', 'value="陈建国"', 'value="事证第135010000123号"',
                  'value="福州市机构编制委员会办公室"'):
        assert typed in html, typed
    assert Unit.objects.get(pk=unit_a.pk).licence_issued_on is None


def test_a_required_field_left_empty_is_named_in_chinese(client, unit_a, admin_a):
    login(client, admin_a)

    response = client.post(EDIT, _complete(address=""))

    assert response.context["form"].errors["address"] == ["请填写单位通讯地址。"]


def test_an_admin_of_two_units_edits_the_one_asked_for_and_no_other(client, unit_a, unit_b, admin_a):
    from accounts.models import Role, RoleAssignment

    RoleAssignment.objects.create(user=admin_a, role=Role.UNIT_ADMIN, unit=unit_b)
    login(client, admin_a)

    assert unit_b.name in client.get(INFO, {"unit": unit_b.pk}).content.decode()
    client.post(f"{EDIT}?unit={unit_b.pk}", _complete(name="厦门市第二医院（新名称）"))

    assert Unit.objects.get(pk=unit_b.pk).name == "厦门市第二医院（新名称）"
    assert Unit.objects.get(pk=unit_a.pk).name == "福州市第一医院"


def test_another_units_information_is_not_found(client, unit_b, admin_a):
    login(client, admin_a)

    assert client.get(INFO, {"unit": unit_b.pk}).status_code == 404
    assert client.post(f"{EDIT}?unit={unit_b.pk}", _complete(name="篡改")).status_code == 404
    assert Unit.objects.get(pk=unit_b.pk).name == "厦门市第二医院"


def test_two_admins_of_a_unit_both_manage_its_settings(client, unit_a, admin_a):
    second = unit_admin(unit_a, name="第二位管理员")

    for admin, address in ((admin_a, "地址一"), (second, "地址二")):
        login(client, admin).post(EDIT, _complete(address=address))
        assert Unit.objects.get(pk=unit_a.pk).address == address


def test_a_value_too_long_is_refused_in_the_fields_own_words(client, unit_a, admin_a):
    login(client, admin_a)

    response = client.post(EDIT, _complete(industry_code="Q" * 21))

    assert response.context["form"].errors["industry_code"] == ["行业代码不能超过20个字。"]


LEGAL_REP_ID = "350102197003051111"


def test_the_fax_and_the_legal_representatives_id_number_are_kept_and_shown(client, unit_a, admin_a):
    login(client, admin_a)
    response = client.post(EDIT, _complete(fax="0591-87654322", legal_rep_id_number=LEGAL_REP_ID.lower()))
    assert response.status_code == 302
    unit_a.refresh_from_db()
    assert (unit_a.fax, unit_a.legal_rep_id_number) == ("0591-87654322", LEGAL_REP_ID.upper())
    page = client.get(INFO).content.decode()
    assert "传真号码" in page and "0591-87654322" in page and LEGAL_REP_ID.upper() in page


@pytest.mark.parametrize(("field", "value", "message"), [
    ("legal_rep_id_number", "35010219700305111", "身份证号应为18位。"),
    ("legal_rep_id_number", "350102197003051110", "身份证号校验位不正确，请核对后重新输入。"),
    ("fax", "87654321", "传真号码格式应为区号加号码，如 0591-87654321。"),
])
def test_a_wrong_fax_or_id_number_is_refused_by_the_field(client, unit_a, admin_a, field, value, message):
    login(client, admin_a)
    response = client.post(EDIT, _complete(**{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["form"][field].value() == value
    unit_a.refresh_from_db()
    assert getattr(unit_a, field) == ""
