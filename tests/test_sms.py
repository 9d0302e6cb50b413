"""One-time SMS codes: 6 digits, 3 minutes, single use, bound to phone and purpose, 5 wrong tries, one send per
60 s and 10 a day per phone, and never shown in a response."""

import datetime
import re

import pytest
import time_machine

from accounts.models import SmsCode, SmsMessage, User
from accounts.sms import SmsError, sms_code_check, sms_code_send
from tests.factories import PersonFactory, UnitFactory
from tests.helpers import request_sms, sms_code, wrong_code

pytestmark = pytest.mark.django_db

PHONE = "13812345678"
REGISTER = SmsCode.Purpose.REGISTER
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def check(code, *, phone=PHONE, purpose=REGISTER, consume=False):
    sms_code_check(phone=phone, purpose=purpose, code=code, consume=consume)


def test_code_is_six_digits_sent_to_the_phone():
    sms_code_send(phone=PHONE, purpose=REGISTER)

    message = SmsMessage.objects.get(phone=PHONE)
    assert re.search(r"验证码\d{6}，3分钟内有效", message.text)


def test_right_code_passes():
    sms_code_send(phone=PHONE, purpose=REGISTER)

    check(sms_code(PHONE))


def test_only_a_hash_of_the_code_is_stored():
    sms_code_send(phone=PHONE, purpose=REGISTER)
    code = sms_code(PHONE)

    stored = SmsCode.objects.get(phone=PHONE)
    assert code not in stored.code_hash
    assert len(stored.code_hash) == 64


def test_wrong_code_says_how_many_tries_are_left():
    sms_code_send(phone=PHONE, purpose=REGISTER)

    with pytest.raises(SmsError, match="短信验证码不正确，还可尝试4次。"):
        check(wrong_code(sms_code(PHONE)))


def test_after_five_wrong_tries_even_the_right_code_fails():
    sms_code_send(phone=PHONE, purpose=REGISTER)
    code = sms_code(PHONE)
    for _ in range(4):
        with pytest.raises(SmsError, match="还可尝试"):
            check(wrong_code(code))
    with pytest.raises(SmsError, match="验证码错误次数过多，请重新获取。"):
        check(wrong_code(code))

    with pytest.raises(SmsError, match="验证码错误次数过多，请重新获取。"):
        check(code)


def test_a_new_code_after_too_many_tries_works(clock):
    sms_code_send(phone=PHONE, purpose=REGISTER)
    for _ in range(5):
        with pytest.raises(SmsError):
            check("000000" if sms_code(PHONE) != "000000" else "111111")
    clock.shift(datetime.timedelta(seconds=61))

    sms_code_send(phone=PHONE, purpose=REGISTER)

    check(sms_code(PHONE))


def test_registration_form_refuses_the_right_code_after_five_wrong_tries(client, regions, captcha_off):
    unit = UnitFactory()
    request_sms(client, PHONE)
    code = sms_code(PHONE)
    data = {
        "name": "张伟", "id_number": PersonFactory.build().id_number, "email": "zw@example.cn",
        "password1": "Qiming2026", "password2": "Qiming2026", "phone": PHONE, "unit": unit.pk, "agreement": "on",
    }
    for _ in range(5):
        client.post("/accounts/register/", {**data, "sms_code": wrong_code(code)})

    response = client.post("/accounts/register/", {**data, "sms_code": code})

    assert response.context["form"].errors["sms_code"] == ["验证码错误次数过多，请重新获取。"]
    assert not User.objects.filter(phone=PHONE).exists()


def test_code_expires_after_3_minutes(clock):
    sms_code_send(phone=PHONE, purpose=REGISTER)
    code = sms_code(PHONE)
    clock.shift(datetime.timedelta(minutes=3, seconds=1))

    with pytest.raises(SmsError, match="短信验证码已过期，请重新获取。"):
        check(code)


def test_code_is_valid_for_the_whole_3_minutes(clock):
    sms_code_send(phone=PHONE, purpose=REGISTER)
    clock.shift(datetime.timedelta(minutes=3))

    check(sms_code(PHONE))


def test_code_is_single_use():
    sms_code_send(phone=PHONE, purpose=REGISTER)
    code = sms_code(PHONE)
    check(code, consume=True)

    with pytest.raises(SmsError, match="请先获取短信验证码。"):
        check(code)


def test_code_is_bound_to_its_purpose():
    sms_code_send(phone=PHONE, purpose=REGISTER)

    with pytest.raises(SmsError):
        check(sms_code(PHONE), purpose=SmsCode.Purpose.UNIT_REGISTER)
    with pytest.raises(SmsError):
        check(sms_code(PHONE), purpose=SmsCode.Purpose.RESET_PASSWORD)


def test_code_is_bound_to_its_phone():
    sms_code_send(phone=PHONE, purpose=REGISTER)

    with pytest.raises(SmsError, match="请先获取短信验证码。"):
        check(sms_code(PHONE), phone="13912345678")


def test_only_the_latest_code_counts(clock):
    sms_code_send(phone=PHONE, purpose=REGISTER)
    first = sms_code(PHONE)
    clock.shift(datetime.timedelta(seconds=61))
    sms_code_send(phone=PHONE, purpose=REGISTER)
    latest = sms_code(PHONE)

    with pytest.raises(SmsError, match="短信验证码不正确"):
        check(first)
    check(latest)


class TestSendView:
    def test_send_answers_with_a_status_line(self, client):
        response = request_sms(client, PHONE)

        assert response.status_code == 200
        assert "验证码已发送，3分钟内有效。" in response.content.decode()
        assert SmsMessage.objects.filter(phone=PHONE).count() == 1

    def test_code_never_appears_in_a_response(self, client, clock):
        responses = []
        for _ in range(3):
            responses.append(request_sms(client, PHONE))
            responses.append(request_sms(client, PHONE))  # refused: too soon
            clock.shift(datetime.timedelta(seconds=61))
        codes = [re.search(r"验证码(\d{6})", m.text).group(1) for m in SmsMessage.objects.filter(phone=PHONE)]

        assert len(codes) == 3
        for response in responses:
            body = response.content.decode() + "".join(f"{k}: {v}" for k, v in response.items())
            for code in codes:
                assert code not in body

    def test_resend_within_60_seconds_is_refused(self, client, clock):
        request_sms(client, PHONE)
        clock.shift(datetime.timedelta(seconds=59))

        response = request_sms(client, PHONE)

        assert "验证码发送过于频繁，请2秒后再试。" in response.content.decode()
        assert "data-sms-ok" not in response.content.decode()
        assert SmsMessage.objects.filter(phone=PHONE).count() == 1

    def test_resend_after_60_seconds_is_allowed(self, client, clock):
        request_sms(client, PHONE)
        clock.shift(datetime.timedelta(seconds=61))

        request_sms(client, PHONE)

        assert SmsMessage.objects.filter(phone=PHONE).count() == 2

    def test_eleventh_send_in_a_day_is_refused(self, client, clock):
        for _ in range(10):
            assert "验证码已发送" in request_sms(client, PHONE).content.decode()
            clock.shift(datetime.timedelta(seconds=61))

        response = request_sms(client, PHONE)

        assert "该手机号今日获取验证码次数已达上限，请明天再试。" in response.content.decode()
        assert SmsMessage.objects.filter(phone=PHONE).count() == 10

    def test_daily_limit_frees_up_after_24_hours(self, client, clock):
        for _ in range(10):
            request_sms(client, PHONE)
            clock.shift(datetime.timedelta(seconds=61))
        clock.shift(datetime.timedelta(days=1))

        assert "验证码已发送" in request_sms(client, PHONE).content.decode()

    def test_limits_are_per_phone(self, client):
        request_sms(client, PHONE)

        assert "验证码已发送" in request_sms(client, "13912345678").content.decode()

    def test_invalid_phone_is_refused(self, client):
        response = request_sms(client, "12345")

        assert "请先输入正确的11位手机号。" in response.content.decode()
        assert not SmsMessage.objects.exists()

    def test_unknown_purpose_is_refused(self, client):
        response = request_sms(client, PHONE, purpose="reset")

        assert "请先输入正确的11位手机号。" in response.content.decode()
        assert not SmsMessage.objects.exists()

    def test_no_registration_code_for_a_phone_already_registered(self, client, regions):
        PersonFactory(phone=PHONE)

        response = request_sms(client, PHONE)

        assert "该手机号已绑定其他账号，一个手机号只能注册一个账号。" in response.content.decode()
        assert not SmsMessage.objects.exists()

    def test_send_needs_post(self, client):
        assert client.get("/accounts/sms/send/", {"phone": PHONE, "purpose": "register"}).status_code == 405
        assert not SmsMessage.objects.exists()
