"""Unit registration (the unit account logs in with its credit code and administers the unit) and built-in
units created by HR-bureau staff within their region."""

import pytest
from django.core.exceptions import PermissionDenied

from accounts.models import Role, RoleAssignment, User
from accounts.services import builtin_unit_create
from core.models import AuditEvent
from orgs.models import PostQuota, Region, Unit
from orgs.services import post_quota_confirm, post_quota_save, unit_info_update
from tests.factories import PersonFactory, UnitFactory, bureau_staff, system_admin, unit_admin
from tests.helpers import assert_field_error, form_inputs, log_in, request_sms, sign_in, sms_code, wrong_code
from zhicheng.demo.ids import make_credit_code

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("regions", "captcha_off")]

REGISTER_URL = "/units/register/"
BUILTIN_URL = "/units/builtin/new/"
CREDIT_CODE = make_credit_code("350102", "MA0000009")
CONTACT_PHONE = "13812345678"
UNIT_PASSWORD = "Danwei2026"


@pytest.fixture
def unit_data():
    return {
        "name": "福建闽江科技有限公司",
        "credit_code": CREDIT_CODE,
        "legal_rep_name": "王建国",
        "legal_rep_phone": "0591-88888888",
        "address": "福州市鼓楼区五四路1号",
        "contact_name": "李娜",
        "contact_phone": CONTACT_PHONE,
        "nature": Unit.Nature.ENTERPRISE,
        "email": "hr@minjiang.example.cn",
        "region": "350102",
        "password1": UNIT_PASSWORD,
        "password2": UNIT_PASSWORD,
    }


@pytest.fixture
def register_unit(client, unit_data):
    def post(**changes):
        data = {**unit_data, **changes}
        if "sms_code" not in changes:
            request_sms(client, data["contact_phone"], purpose="unit_register")
            data["sms_code"] = sms_code(data["contact_phone"])
        return client.post(REGISTER_URL, data), data

    return post


def assert_unit_refused(response, data, field, message):
    assert_field_error(response, field, message)
    inputs = form_inputs(response)
    for name in ("name", "credit_code", "address", "contact_name", "contact_phone", "email"):
        assert inputs[name].get("value", "") == data[name], name
    assert "value" not in inputs["password1"]
    assert not Unit.objects.filter(name=data["name"]).exists()


def test_unit_registration_creates_the_unit_and_its_admin_account(register_unit):
    response, _ = register_unit()

    assert response.status_code == 302
    assert response.url == "/accounts/login/"
    unit = Unit.objects.get(credit_code=CREDIT_CODE)
    assert (unit.name, unit.region_id, unit.nature, unit.kind, unit.builtin) == (
        "福建闽江科技有限公司", "350102", Unit.Nature.ENTERPRISE, Unit.Kind.UNIT, False)
    account = User.objects.get(username=CREDIT_CODE)
    assert (account.kind, account.unit, account.must_change_password) == (User.Kind.UNIT, unit, False)
    assert account.check_password(UNIT_PASSWORD)
    assert RoleAssignment.objects.filter(user=account, role=Role.UNIT_ADMIN, unit=unit).exists()
    assert AuditEvent.objects.filter(event="unit_register", user=account).exists()


def test_unit_account_logs_in_with_its_credit_code_and_reviews_its_staff(register_unit, client):
    register_unit()
    unit = Unit.objects.get(credit_code=CREDIT_CODE)
    staff = PersonFactory(unit=unit, registration=User.Registration.PENDING)

    assert log_in(client, CREDIT_CODE.lower(), UNIT_PASSWORD).status_code == 302

    assert staff in list(client.get("/accounts/staff/").context["page"])


def test_lowercase_credit_code_is_stored_upper_case(register_unit):
    register_unit(credit_code=CREDIT_CODE.lower())

    assert Unit.objects.filter(credit_code=CREDIT_CODE).exists()


def test_provincial_unit_picks_the_province(register_unit):
    response, _ = register_unit(region="350000")

    assert response.status_code == 302
    assert Unit.objects.get(credit_code=CREDIT_CODE).region_id == "350000"


def test_credit_code_check_character_must_match(register_unit):
    bad = CREDIT_CODE[:-1] + ("0" if CREDIT_CODE[-1] != "0" else "1")
    response, data = register_unit(credit_code=bad)

    assert_unit_refused(response, data, "credit_code", "统一社会信用代码校验位不正确。")


def test_credit_code_has_18_characters(register_unit):
    response, data = register_unit(credit_code=CREDIT_CODE[:17])

    assert_unit_refused(response, data, "credit_code", "统一社会信用代码应为18位。")


def test_registered_credit_code_cannot_register_again(register_unit):
    UnitFactory(credit_code=CREDIT_CODE, name="已注册单位")
    response, data = register_unit()

    assert_unit_refused(response, data, "credit_code", "该统一社会信用代码已注册，请直接登录。")


def test_region_is_required(register_unit):
    response, data = register_unit(region="")

    assert_unit_refused(response, data, "region", "请选择属地。")


def test_region_must_exist(register_unit):
    response, data = register_unit(region="999999")

    assert_unit_refused(response, data, "region", "请选择有效的属地。")


@pytest.mark.parametrize(("field", "message"), [
    ("contact_name", "请填写单位联系人。"),
    ("address", "请填写单位通讯地址。"),
    ("legal_rep_phone", "请填写法定代表人电话。"),
    ("email", "请填写电子邮箱。"),
])
def test_starred_fields_are_required(register_unit, field, message):
    response, data = register_unit(**{field: ""})

    assert_unit_refused(response, data, field, message)


def test_unit_password_follows_the_password_rules(register_unit):
    response, data = register_unit(password1="danwei", password2="danwei")

    assert_unit_refused(response, data, "password1", "密码长度应为8到20位。")


def test_wrong_sms_code_is_refused(register_unit, client):
    request_sms(client, CONTACT_PHONE, purpose="unit_register")
    response, data = register_unit(sms_code=wrong_code(sms_code(CONTACT_PHONE)))

    assert_unit_refused(response, data, "sms_code", "短信验证码不正确，还可尝试4次。")


def test_personal_registration_code_does_not_register_a_unit(register_unit, client):
    request_sms(client, CONTACT_PHONE, purpose="register")
    response, data = register_unit(sms_code=sms_code(CONTACT_PHONE))

    assert_unit_refused(response, data, "sms_code", "请先获取短信验证码。")


def test_sms_code_registers_one_unit_only(register_unit):
    response, data = register_unit()
    assert response.status_code == 302

    response, data = register_unit(
        name="另一家公司", credit_code=make_credit_code("350102", "MA0000010"), sms_code=data["sms_code"]
    )

    assert_unit_refused(response, data, "sms_code", "请先获取短信验证码。")


# ---------------------------------------------------------------------------------------------------------------
# Built-in units (内置单位): created by HR-bureau staff for units without a credit code of their own.


@pytest.fixture
def builtin_data():
    return {
        "name": "鼓楼区某社区卫生服务中心",
        "nature": Unit.Nature.PUBLIC_INSTITUTION,
        "address": "福州市鼓楼区某路2号",
        "contact_name": "陈静",
        "contact_phone": CONTACT_PHONE,
        "email": "",
        "region": "350102",
        "department": "",
    }


def logged_in(client, user):
    sign_in(client, user)
    return client


def test_bureau_staff_create_a_builtin_unit_and_see_its_account_and_password_once(client, builtin_data):
    logged_in(client, bureau_staff("350000"))

    response = client.post(BUILTIN_URL, builtin_data)

    assert response.status_code == 200
    account, password = response.context["account"], response.context["password"]
    html = response.content.decode()
    assert account.username in html
    assert password in html
    assert account.check_password(password)
    assert account.must_change_password
    unit = account.unit
    assert (unit.name, unit.builtin, unit.credit_code, unit.region_id) == (
        "鼓楼区某社区卫生服务中心", True, None, "350102")
    assert account.username.startswith("NZ350102")
    assert RoleAssignment.objects.filter(user=account, role=Role.UNIT_ADMIN, unit=unit).exists()
    assert password not in client.get(BUILTIN_URL).content.decode()
    assert not AuditEvent.objects.filter(object__contains=password).exists()


def test_builtin_unit_account_must_change_password_at_first_login(client, builtin_data):
    logged_in(client, bureau_staff("350000"))
    created = client.post(BUILTIN_URL, builtin_data)
    account, password = created.context["account"], created.context["password"]
    client.post("/accounts/logout/")

    response = log_in(client, account.username, password)

    assert response.url == "/accounts/password/change/"
    assert client.get("/accounts/staff/").url == "/accounts/password/change/"
    client.post("/accounts/password/change/", {"old_password": password, "password1": "Danwei2026",
                                                "password2": "Danwei2026"})
    assert client.get("/accounts/staff/").status_code == 200


def test_bureau_staff_of_another_province_cannot_create_a_builtin_unit_here(client, builtin_data):
    logged_in(client, bureau_staff("340000"))

    response = client.post(BUILTIN_URL, builtin_data)

    assert_field_error(response, "region", "只能在本部门管辖的属地内创建内置单位。")
    assert not Unit.objects.filter(name=builtin_data["name"]).exists()


def test_city_bureau_staff_create_builtin_units_in_their_city_only(client, builtin_data):
    logged_in(client, bureau_staff("350100"))

    in_city = client.post(BUILTIN_URL, builtin_data)
    elsewhere = client.post(BUILTIN_URL, {**builtin_data, "name": "厦门某单位", "region": "350203"})

    assert in_city.status_code == 200 and in_city.context["account"].unit.region_id == "350102"
    assert_field_error(elsewhere, "region", "只能在本部门管辖的属地内创建内置单位。")


def test_system_admin_may_create_a_builtin_unit_anywhere(client, builtin_data):
    logged_in(client, system_admin())

    response = client.post(BUILTIN_URL, {**builtin_data, "region": "340102"})

    assert response.context["account"].unit.region_id == "340102"


def test_applicant_gets_403_on_builtin_units(client, builtin_data):
    logged_in(client, PersonFactory())

    assert client.get(BUILTIN_URL).status_code == 403
    assert client.post(BUILTIN_URL, builtin_data).status_code == 403
    assert not Unit.objects.filter(name=builtin_data["name"]).exists()


def test_builtin_unit_service_refuses_a_region_outside_the_actors_scope():
    actor = bureau_staff("340000")

    with pytest.raises(PermissionDenied):
        builtin_unit_create(actor=actor, fields={
            "name": "越权单位", "nature": Unit.Nature.ENTERPRISE, "contact_name": "某人",
            "contact_phone": CONTACT_PHONE, "region": Region.objects.get(code="350102"),
        })
    assert not Unit.objects.filter(name="越权单位").exists()


def test_builtin_unit_fields_are_required(client, builtin_data):
    logged_in(client, bureau_staff("350000"))

    response = client.post(BUILTIN_URL, {**builtin_data, "name": "", "region": ""})

    assert_field_error(response, "name", "请填写单位名称。")
    assert_field_error(response, "region", "请选择属地。")



# ---------------------------------------------------------------------------------------------------------------
# A unit's own settings: orgs asks for `orgs.administer_unit`, which accounts/rules.py grants to its admins only.


def test_only_a_units_admin_may_change_its_information_and_quotas():
    unit, other = UnitFactory(nature=Unit.Nature.PUBLIC_INSTITUTION), UnitFactory()
    admin, stranger = unit_admin(unit), unit_admin(other)
    staff = PersonFactory(unit=unit)

    for outsider in (stranger, staff):
        assert not outsider.has_perm("orgs.administer_unit", unit)
        with pytest.raises(PermissionError):
            unit_info_update(actor=outsider, unit=unit, fields={"address": "他人改的地址"})
        with pytest.raises(PermissionError):
            post_quota_save(actor=outsider, unit=unit, year=2026, vacancies={"senior": 9})
    quota = post_quota_save(actor=admin, unit=unit, year=2026, vacancies={"senior": 1})
    with pytest.raises(PermissionError):
        post_quota_confirm(actor=stranger, quota=quota)
    unit_info_update(actor=admin, unit=unit, fields={"address": "福州市鼓楼区五四路2号"})

    assert Unit.objects.get(pk=unit.pk).address == "福州市鼓楼区五四路2号"
    assert list(PostQuota.objects.filter(unit=unit).values_list("year", "senior", "confirmed_at")) == [(2026, 1, None)]
