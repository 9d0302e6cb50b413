"""Personal registration (SPEC §2) through the real view: the happy path, then one test per rule, each proving
the Chinese message sits by its field and that everything the user typed, passwords excepted, comes back."""

import datetime

import pytest
import time_machine

from accounts.models import SmsCode, User, person_username
from core.models import AuditEvent
from orgs.models import Unit
from tests.factories import PersonFactory, UnitFactory, id_number_ending_in_x
from tests.helpers import (
    assert_field_error,
    captcha_answer,
    committed,
    form_inputs,
    request_sms,
    sms_code,
    wrong_code,
)
from zhicheng.demo.ids import make_id_number

REGISTER_URL = "/accounts/register/"
PHONE = "13812345678"
PASSWORD = "Qiming2026"
ID_NUMBER = make_id_number("350102", datetime.date(1985, 5, 5), 3, "M")

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit(regions):
    return UnitFactory(name="福州市第一医院")


@pytest.fixture
def form_data(unit):
    return {
        "name": "张伟",
        "id_number": ID_NUMBER,
        "email": "zw1985@example.cn",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "phone": PHONE,
        "sms_code": "",
        "unit": str(unit.pk),
        "unit_name": unit.name,
        "agreement": "on",
    }


@pytest.fixture
def register(client, form_data, captcha_off):
    """POST the registration form; unless the test gives a code, first fetch one by SMS as a user would."""

    def post(**changes):
        data = {**form_data, **changes}
        if "sms_code" not in changes:
            assert request_sms(client, data["phone"]).status_code == 200
            data["sms_code"] = sms_code(data["phone"])
        return client.post(REGISTER_URL, data), data

    return post


def assert_refused_keeping_input(response, data, field, message):
    assert_field_error(response, field, message)
    inputs = form_inputs(response)
    for name in ("name", "id_number", "email", "phone", "sms_code", "unit", "unit_name"):
        assert inputs[name].get("value", "") == data[name], name
    assert "checked" in inputs["agreement"] or not data.get("agreement")
    for name in ("password1", "password2"):
        assert "value" not in inputs[name]
    typed_passwords = {data["password1"], data["password2"]} - {""}
    assert not [name for name, attrs in inputs.items() if attrs.get("value") in typed_passwords]
    assert not User.objects.by_phone(data["phone"]).filter(name=data["name"]).exists()


def test_registration_creates_pending_account_with_gender_and_birth_date_from_id_number(register, client, unit):
    response, _ = register()

    assert response.status_code == 302
    assert response.url == "/accounts/login/"
    user = User.objects.by_id_number(ID_NUMBER).get()
    assert user.id_number == ID_NUMBER and user.username == person_username(ID_NUMBER) != ID_NUMBER
    assert user.gender == User.Gender.MALE
    assert user.birth_date == datetime.date(1985, 5, 5)
    assert user.registration == User.Registration.PENDING
    assert (user.name, user.email, user.phone, user.unit) == ("张伟", "zw1985@example.cn", PHONE, unit)
    assert user.kind == User.Kind.PERSON
    assert user.check_password(PASSWORD)
    assert AuditEvent.objects.filter(event="register", user=user).exists()
    page = client.get("/accounts/login/")
    assert "注册成功" in page.content.decode()


def test_female_gender_comes_from_an_even_17th_digit(register):
    number = make_id_number("350102", datetime.date(1990, 12, 31), 4, "F")
    register(id_number=number)

    user = User.objects.by_id_number(number).get()
    assert (user.gender, user.birth_date) == (User.Gender.FEMALE, datetime.date(1990, 12, 31))


def test_gender_and_birth_date_cannot_be_chosen_by_the_form(register):
    register(gender="F", birth_date="2000-01-01")

    user = User.objects.by_id_number(ID_NUMBER).get()
    assert (user.gender, user.birth_date) == (User.Gender.MALE, datetime.date(1985, 5, 5))


def test_lowercase_x_in_id_number_is_accepted_and_stored_upper_case(register):
    number = id_number_ending_in_x()
    response, _ = register(id_number=number.lower())

    assert response.status_code == 302
    user = User.objects.by_phone(PHONE).get()
    assert user.id_number == number
    assert user.username == person_username(number)


def test_unknown_area_code_is_only_a_warning(register):
    number = make_id_number("999999", datetime.date(1985, 5, 5), 3, "M")
    response, _ = register(id_number=number)

    assert response.status_code == 302
    assert User.objects.by_id_number(number).exists()


def with_wrong_check_digit(number: str) -> str:
    return number[:-1] + next(c for c in "0123456789X" if c != number[-1])


BAD_INPUT = [
    pytest.param("id_number", {"id_number": with_wrong_check_digit(ID_NUMBER)},
                 "身份证号校验位不正确，请核对后重新输入。", id="id_number_check_digit_must_match"),
    pytest.param("id_number", {"id_number": ID_NUMBER[:17]}, "身份证号应为18位。", id="id_number_has_18_characters"),
    pytest.param("id_number", {"id_number": make_id_number("350102", datetime.date(2999, 1, 1), 3)},
                 "身份证号中的出生日期无效。", id="id_number_birth_date_not_in_future"),
    pytest.param("password1", {"password1": "Ab12345", "password2": "Ab12345"}, "密码长度应为8到20位。",
                 id="password_at_least_8"),
    pytest.param("password1", {"password1": "Ab1" + "c" * 18, "password2": "Ab1" + "c" * 18},
                 "密码长度应为8到20位。", id="password_at_most_20"),
    pytest.param("password1", {"password1": "1Qiming2026", "password2": "1Qiming2026"}, "密码必须以字母开头。",
                 id="password_starts_with_letter"),
    pytest.param("password1", {"password1": "Qimingabcd", "password2": "Qimingabcd"},
                 "密码必须同时包含字母和数字。", id="password_needs_digit"),
    pytest.param("password1", {"password1": "Qiming_2026", "password2": "Qiming_2026"},
                 "密码只能包含字母和数字。", id="password_letters_and_digits_only"),
    pytest.param("password1", {"password1": "password1", "password2": "password1"}, "这个密码太常见了。",
                 id="password_not_common"),
    pytest.param("password1", {"password1": "a" + ID_NUMBER, "password2": "a" + ID_NUMBER}, "密码跟 账号 太相似了。",
                 id="password_not_like_id_number"),
    pytest.param("password1", {"password1": "zw1985example", "password2": "zw1985example"},
                 "密码跟 邮箱 太相似了。", id="password_not_like_email"),
    pytest.param("password2", {"password2": PASSWORD + "x"}, "两次输入的密码不一致。", id="passwords_must_match"),
    pytest.param("unit", {"unit": "99999999", "unit_name": "不存在的单位"}, "请从列表中选择已注册的工作单位。",
                 id="unit_must_exist"),
    pytest.param("unit", {"unit": "", "unit_name": "随手输入的单位"}, "请从列表中选择工作单位。",
                 id="unit_must_be_chosen_not_typed"),
    pytest.param("agreement", {"agreement": ""}, "请阅读并同意网上申报协议。", id="agreement_must_be_accepted"),
    pytest.param("email", {"email": "not-an-email"}, "请输入有效的邮箱地址。", id="email_must_be_valid"),
    pytest.param("name", {"name": ""}, "请输入姓名。", id="name_required"),
]


@pytest.mark.parametrize(("field", "changes", "message"), BAD_INPUT)
def test_bad_input_is_refused_by_its_field_keeping_what_was_typed(register, field, changes, message):
    response, data = register(**changes)

    assert_refused_keeping_input(response, data, field, message)


def test_a_department_is_not_a_unit_an_applicant_may_choose(register, regions):
    department = UnitFactory(kind=Unit.Kind.DEPARTMENT, name="福州市卫生健康委员会")
    response, data = register(unit=str(department.pk), unit_name=department.name)

    assert_refused_keeping_input(response, data, "unit", "请从列表中选择已注册的工作单位。")


def test_phone_must_be_a_mobile_number(register):
    response, data = register(phone="1381234567", sms_code="123456")

    assert_refused_keeping_input(response, data, "phone", "请输入11位手机号码。")


def test_registered_id_number_cannot_register_again(register):
    PersonFactory(id_number=ID_NUMBER, username=ID_NUMBER)
    response, data = register()

    assert_refused_keeping_input(response, data, "id_number", "该身份证号已注册，请直接登录或找回密码。")


def test_registered_id_number_is_found_whatever_the_case_of_x(register):
    number = id_number_ending_in_x()
    PersonFactory(id_number=number, username=number)
    response, data = register(id_number=number.lower())

    assert_refused_keeping_input(response, data, "id_number", "该身份证号已注册，请直接登录或找回密码。")


def test_one_phone_registers_one_account(register, client):
    """A phone with an account is sent no registration code (the SMS answer does not say so), so the form has no
    code to accept."""
    PersonFactory(phone=PHONE)
    assert "data-sms-ok" in request_sms(client, PHONE).content.decode()
    response, data = register(sms_code="123456")

    assert_refused_keeping_input(response, data, "sms_code", "请先获取短信验证码。")
    assert User.objects.by_phone(PHONE).count() == 1


def test_a_phone_registered_after_its_code_was_sent_is_refused_by_the_phone(register, client):
    request_sms(client, PHONE)
    PersonFactory(phone=PHONE)

    response, data = register(sms_code=sms_code(PHONE))

    assert_refused_keeping_input(response, data, "phone", "该手机号已绑定其他账号，一个手机号只能注册一个账号。")
    assert User.objects.by_phone(PHONE).count() == 1


# Whether an ID number is registered is said only to whoever passed the captcha and holds a live code sent to an
# unregistered phone, and saying it uses the code up.


def test_a_registered_id_number_is_not_revealed_by_a_wrong_sms_code(register, client):
    PersonFactory(id_number=ID_NUMBER, username=ID_NUMBER)
    request_sms(client, PHONE)

    response, data = register(sms_code=wrong_code(sms_code(PHONE)))

    assert "该身份证号已注册" not in response.content.decode()
    assert response.context["form"].errors["sms_code"] == ["短信验证码不正确，还可尝试4次。"]
    assert "id_number" not in response.context["form"].errors


def test_saying_an_id_number_is_registered_uses_the_code_up(register):
    PersonFactory(id_number=ID_NUMBER, username=ID_NUMBER)
    response, data = register()
    assert_field_error(response, "id_number", "该身份证号已注册，请直接登录或找回密码。")

    response, _ = register(sms_code=data["sms_code"])

    assert_refused_keeping_input(response, data, "sms_code", "请先获取短信验证码。")
    assert "该身份证号已注册" not in response.content.decode()


def test_wrong_sms_code_is_refused(register, client):
    request_sms(client, PHONE)
    response, data = register(sms_code=wrong_code(sms_code(PHONE)))

    assert_refused_keeping_input(response, data, "sms_code", "短信验证码不正确，还可尝试4次。")


def test_sms_code_never_requested_is_refused(register):
    response, data = register(sms_code="123456")

    assert_refused_keeping_input(response, data, "sms_code", "请先获取短信验证码。")


def test_sms_code_expires_after_3_minutes(register, client):
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=False) as traveller:
        request_sms(client, PHONE)
        code = sms_code(PHONE)
        traveller.shift(datetime.timedelta(minutes=3, seconds=1))
        response, data = register(sms_code=code)

    assert_refused_keeping_input(response, data, "sms_code", "短信验证码已过期，请重新获取。")


def test_sms_code_still_valid_just_before_3_minutes(register, client):
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=False) as traveller:
        request_sms(client, PHONE)
        code = sms_code(PHONE)
        traveller.shift(datetime.timedelta(minutes=2, seconds=59))
        response, _ = register(sms_code=code)

    assert response.status_code == 302


def test_sms_code_is_used_up_by_a_registration(register, client):
    response, data = register()
    assert response.status_code == 302
    code = data["sms_code"]
    assert SmsCode.objects.by_phone(PHONE).get().used_at is not None
    # Even with the phone free again (the first account moved to another number), the code is spent.
    User.objects.by_phone(PHONE).update(phone="13900000099")
    other = make_id_number("350102", datetime.date(1988, 8, 8), 5, "F")

    response, data = register(id_number=other, name="李娜", sms_code=code)

    assert_refused_keeping_input(response, data, "sms_code", "请先获取短信验证码。")


def test_a_second_registration_with_the_same_phone_and_code_is_refused(register):
    response, data = register()
    assert response.status_code == 302
    other = make_id_number("350102", datetime.date(1988, 8, 8), 5, "F")

    response, data = register(id_number=other, name="李娜", sms_code=data["sms_code"])

    assert response.status_code == 200
    assert User.objects.by_phone(PHONE).count() == 1
    assert not User.objects.by_id_number(other).exists()


def test_other_errors_do_not_spend_an_sms_try(register, client):
    request_sms(client, PHONE)
    code = sms_code(PHONE)
    register(sms_code=code, agreement="")

    response, _ = register(sms_code=code)

    assert response.status_code == 302
    assert SmsCode.objects.by_phone(PHONE).get().failed_tries == 0


class TestCaptcha:
    """The page's image captcha is answered twice: by 获取验证码 (which uses it up: the page shows a new image) and
    by 注册."""

    @pytest.fixture
    def captcha_on(self, settings):
        settings.CAPTCHA_DISABLED = False

    def post(self, client, form_data, captcha):
        request_sms(client, form_data["phone"])
        client.get("/captcha.png")  # the new image
        return client.post(REGISTER_URL, {**form_data, "sms_code": sms_code(form_data["phone"]),
                                          "captcha": captcha(client) if callable(captcha) else captcha})

    def test_wrong_captcha_is_refused_by_its_field(self, client, form_data, captcha_on):
        def wrong(client):
            return "".join("A" if c != "A" else "B" for c in client.session["captcha_answer"])

        response = self.post(client, form_data, wrong)

        assert_field_error(response, "captcha", "图形验证码不正确，请看清图片后重新输入。")
        assert form_inputs(response)["id_number"]["value"] == ID_NUMBER
        assert not User.objects.by_id_number(ID_NUMBER).exists()

    def test_missing_captcha_is_refused(self, client, form_data, captcha_on):
        response = self.post(client, form_data, "")

        assert_field_error(response, "captcha", "请输入图形验证码。")

    def test_right_captcha_passes_in_any_case(self, client, form_data, captcha_on):
        image = client.get("/captcha.png")
        assert image["Content-Type"] == "image/png"
        assert image.content.startswith(b"\x89PNG")

        response = self.post(client, form_data, lambda client: client.session["captcha_answer"].lower())

        assert response.status_code == 302
        assert User.objects.by_id_number(ID_NUMBER).exists()

    def test_captcha_answer_is_single_use(self, client, form_data, captcha_on):
        request_sms(client, form_data["phone"])
        answer = captcha_answer(client)
        client.post(REGISTER_URL, {**form_data, "agreement": "", "sms_code": sms_code(PHONE), "captcha": answer})

        response = client.post(REGISTER_URL, {**form_data, "sms_code": sms_code(PHONE), "captcha": answer})

        assert_field_error(response, "captcha", "图形验证码不正确，请看清图片后重新输入。")

    def test_the_captcha_answered_for_the_sms_does_not_also_register(self, client, form_data, captcha_on):
        answer = captcha_answer(client)
        with committed():
            client.post("/accounts/sms/send/", {"phone": PHONE, "purpose": "register", "captcha": answer})

        response = client.post(REGISTER_URL, {**form_data, "sms_code": sms_code(PHONE), "captcha": answer})

        assert_field_error(response, "captcha", "图形验证码不正确，请看清图片后重新输入。")

    def test_captcha_without_an_image_shown_is_refused(self, client, form_data, captcha_on):
        request_sms(client, PHONE)  # the one image shown was answered, and used up, by 获取验证码
        assert "captcha_answer" not in client.session

        response = client.post(REGISTER_URL, {**form_data, "sms_code": sms_code(PHONE), "captcha": "ABCD"})

        assert_field_error(response, "captcha", "图形验证码不正确，请看清图片后重新输入。")

    def test_a_wrong_captcha_does_not_reveal_a_registered_id_number(self, client, form_data, captcha_on):
        PersonFactory(id_number=ID_NUMBER, username=ID_NUMBER)
        request_sms(client, PHONE)
        wrong = "".join("A" if c != "A" else "B" for c in captcha_answer(client))

        response = client.post(REGISTER_URL, {**form_data, "sms_code": sms_code(PHONE), "captcha": wrong})

        assert_field_error(response, "captcha", "图形验证码不正确，请看清图片后重新输入。")
        assert "该身份证号已注册" not in response.content.decode()
        assert set(response.context["form"].errors) == {"captcha"}

    def test_a_wrong_captcha_reveals_nothing_even_before_an_sms(self, client, form_data, captcha_on):
        PersonFactory(id_number=ID_NUMBER, username=ID_NUMBER, phone=PHONE)

        response = client.post(REGISTER_URL, {**form_data, "sms_code": "123456", "captcha": "ZZZZ"})

        body = response.content.decode()
        assert "该身份证号已注册" not in body and "该手机号已绑定" not in body
        assert set(response.context["form"].errors) == {"captcha"}
