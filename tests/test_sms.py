"""One-time SMS codes: 6 digits, 3 minutes, single use, bound to phone and purpose, 5 wrong tries, one send per
60 s and 10 a day per phone, and never shown in a response."""

import datetime
import re

import pytest
import time_machine

from accounts.models import SmsCode, SmsMessage, User
from accounts.sms import SmsError, sms_code_check, sms_code_send
from tests.factories import PersonFactory, UnitFactory
from tests.helpers import captcha_answer, committed, request_sms, sms_code, wrong_code

pytestmark = pytest.mark.django_db

PHONE = "13812345678"
REGISTER = SmsCode.Purpose.REGISTER
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def send_code(phone=PHONE, purpose=REGISTER):
    """A code sent, and delivered: its delivery task runs once the sending transaction commits."""
    with committed():
        return sms_code_send(phone=phone, purpose=purpose)


def check(code, *, phone=PHONE, purpose=REGISTER, consume=False):
    sms_code_check(phone=phone, purpose=purpose, code=code, consume=consume)


def test_code_is_six_digits_sent_to_the_phone():
    send_code()

    message = SmsMessage.objects.by_phone(PHONE).get()
    assert re.search(r"验证码\d{6}，3分钟内有效", message.text)


def test_right_code_passes():
    send_code()

    check(sms_code(PHONE))


def test_only_a_hash_of_the_code_is_stored():
    send_code()
    code = sms_code(PHONE)

    stored = SmsCode.objects.by_phone(PHONE).get()
    assert code not in stored.code_hash
    assert len(stored.code_hash) == 64


def test_wrong_code_says_how_many_tries_are_left():
    send_code()

    with pytest.raises(SmsError, match="短信验证码不正确，还可尝试4次。"):
        check(wrong_code(sms_code(PHONE)))


def test_after_five_wrong_tries_even_the_right_code_fails():
    send_code()
    code = sms_code(PHONE)
    for _ in range(4):
        with pytest.raises(SmsError, match="还可尝试"):
            check(wrong_code(code))
    with pytest.raises(SmsError, match="验证码错误次数过多，请重新获取。"):
        check(wrong_code(code))

    with pytest.raises(SmsError, match="验证码错误次数过多，请重新获取。"):
        check(code)


def test_a_new_code_after_too_many_tries_works(clock):
    send_code()
    for _ in range(5):
        with pytest.raises(SmsError):
            check("000000" if sms_code(PHONE) != "000000" else "111111")
    clock.shift(datetime.timedelta(seconds=61))

    send_code()

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
    assert not User.objects.by_phone(PHONE).exists()


def test_code_expires_after_3_minutes(clock):
    send_code()
    code = sms_code(PHONE)
    clock.shift(datetime.timedelta(minutes=3, seconds=1))

    with pytest.raises(SmsError, match="短信验证码已过期，请重新获取。"):
        check(code)


def test_code_is_valid_for_the_whole_3_minutes(clock):
    send_code()
    clock.shift(datetime.timedelta(minutes=3))

    check(sms_code(PHONE))


def test_code_is_single_use():
    send_code()
    code = sms_code(PHONE)
    check(code, consume=True)

    with pytest.raises(SmsError, match="请先获取短信验证码。"):
        check(code)


def test_code_is_bound_to_its_purpose():
    send_code()

    with pytest.raises(SmsError):
        check(sms_code(PHONE), purpose=SmsCode.Purpose.UNIT_REGISTER)
    with pytest.raises(SmsError):
        check(sms_code(PHONE), purpose=SmsCode.Purpose.RESET_PASSWORD)


def test_code_is_bound_to_its_phone():
    send_code()

    with pytest.raises(SmsError, match="请先获取短信验证码。"):
        check(sms_code(PHONE), phone="13912345678")


def test_only_the_latest_code_counts(clock):
    send_code()
    first = sms_code(PHONE)
    clock.shift(datetime.timedelta(seconds=61))
    send_code()
    latest = sms_code(PHONE)

    with pytest.raises(SmsError, match="短信验证码不正确"):
        check(first)
    check(latest)


SENT = "如该手机号未注册过账号，验证码已发送，3分钟内有效。"


class TestSendView:
    def test_send_answers_with_a_status_line(self, client):
        response = request_sms(client, PHONE)

        assert response.status_code == 200
        assert SENT in response.content.decode()
        assert SmsMessage.objects.by_phone(PHONE).count() == 1

    def test_code_never_appears_in_a_response(self, client, clock):
        responses = []
        for _ in range(3):
            responses.append(request_sms(client, PHONE))
            responses.append(request_sms(client, PHONE))  # refused: too soon
            clock.shift(datetime.timedelta(seconds=61))
        codes = [re.search(r"验证码(\d{6})", m.text).group(1) for m in SmsMessage.objects.by_phone(PHONE)]

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
        assert SmsMessage.objects.by_phone(PHONE).count() == 1

    def test_resend_after_60_seconds_is_allowed(self, client, clock):
        request_sms(client, PHONE)
        clock.shift(datetime.timedelta(seconds=61))

        request_sms(client, PHONE)

        assert SmsMessage.objects.by_phone(PHONE).count() == 2

    def test_eleventh_send_in_a_day_is_refused(self, client, clock, settings):
        settings.SMS_IP_HOURLY_LIMIT = 100  # the phone's own limit, not its network's
        for _ in range(10):
            assert SENT in request_sms(client, PHONE).content.decode()
            clock.shift(datetime.timedelta(seconds=61))

        response = request_sms(client, PHONE)

        assert "该手机号今日获取验证码次数已达上限，请明天再试。" in response.content.decode()
        assert SmsMessage.objects.by_phone(PHONE).count() == 10

    def test_daily_limit_frees_up_after_24_hours(self, client, clock, settings):
        settings.SMS_IP_HOURLY_LIMIT = 100
        for _ in range(10):
            request_sms(client, PHONE)
            clock.shift(datetime.timedelta(seconds=61))
        clock.shift(datetime.timedelta(days=1))

        assert SENT in request_sms(client, PHONE).content.decode()

    def test_limits_are_per_phone(self, client):
        request_sms(client, PHONE)

        assert SENT in request_sms(client, "13912345678").content.decode()

    def test_invalid_phone_is_refused(self, client):
        response = request_sms(client, "12345")

        assert "请先输入正确的11位手机号。" in response.content.decode()
        assert not SmsMessage.objects.exists()

    def test_unknown_purpose_is_refused(self, client):
        response = request_sms(client, PHONE, purpose="reset")

        assert "请先输入正确的11位手机号。" in response.content.decode()
        assert not SmsMessage.objects.exists()

    def test_send_needs_post(self, client):
        assert client.get("/accounts/sms/send/", {"phone": PHONE, "purpose": "register"}).status_code == 405
        assert not SmsMessage.objects.exists()


# ---------------------------------------------------------------------------------------------------------------
# 获取验证码 tells nobody whether a phone has an account: a phone with one gets no code, and the same answer.


def _status(response) -> str:
    return response.content.decode()


def test_a_registered_phone_gets_no_code_and_the_same_answer_as_any_other(client, regions):
    PersonFactory(phone=PHONE)

    registered = request_sms(client, PHONE)
    unregistered = request_sms(client, "13912345678")

    assert _status(registered) == _status(unregistered)
    assert SENT in _status(registered) and "已绑定" not in _status(registered)
    assert not SmsMessage.objects.by_phone(PHONE).exists()
    assert SmsMessage.objects.by_phone("13912345678").count() == 1


def test_a_registered_phone_is_refused_as_often_as_any_other(client, regions, clock):
    """The limits count requests, not codes sent: a second request within the minute is refused alike."""
    PersonFactory(phone=PHONE)
    request_sms(client, PHONE)
    request_sms(client, "13912345678")
    clock.shift(datetime.timedelta(seconds=30))

    registered = request_sms(client, PHONE)
    unregistered = request_sms(client, "13912345678")

    assert _status(registered) == _status(unregistered)
    assert "验证码发送过于频繁，请31秒后再试。" in _status(registered)


def test_the_databases_limits_behind_the_permit_answer_as_a_sent_code_would(client, clock):
    """Codes the cache did not count (a cleared cache, another process's memory): the database refuses the
    eleventh of the day silently, as it answers for a phone with an account."""
    for _ in range(10):
        send_code()
        clock.shift(datetime.timedelta(seconds=61))

    response = request_sms(client, PHONE)

    assert SENT in _status(response)
    assert SmsMessage.objects.by_phone(PHONE).count() == 10


def test_a_unit_registration_code_is_sent_to_any_phone(client, regions):
    PersonFactory(phone=PHONE)  # a unit's contact may also have a personal account

    response = request_sms(client, PHONE, purpose="unit_register")

    assert "验证码已发送，3分钟内有效。" in _status(response)
    assert SmsMessage.objects.by_phone(PHONE).count() == 1


# ---------------------------------------------------------------------------------------------------------------
# The image captcha comes before any SMS is sent.


@pytest.fixture
def captcha_on(settings):
    settings.CAPTCHA_DISABLED = False


def test_no_code_is_sent_without_the_image_captcha(client, captcha_on):
    client.get("/captcha.png")

    with committed():
        response = client.post("/accounts/sms/send/", {"phone": PHONE, "purpose": "register"})

    assert "请先输入图形验证码。" in _status(response)
    assert "data-sms-ok" not in _status(response)
    assert not SmsMessage.objects.exists()


def test_no_code_is_sent_with_a_wrong_captcha(client, captcha_on):
    answer = captcha_answer(client)
    wrong = "".join("A" if c != "A" else "B" for c in answer)

    with committed():
        response = client.post("/accounts/sms/send/", {"phone": PHONE, "purpose": "register", "captcha": wrong})

    assert "图形验证码不正确，请看清图片后重新输入。" in _status(response)
    assert not SmsMessage.objects.exists()


def test_one_captcha_answer_sends_one_code(client, captcha_on):
    answer = captcha_answer(client)
    with committed():
        first = client.post("/accounts/sms/send/", {"phone": PHONE, "purpose": "register", "captcha": answer})
        second = client.post("/accounts/sms/send/", {"phone": "13912345678", "purpose": "register", "captcha": answer})

    assert SENT in _status(first)
    assert "图形验证码不正确" in _status(second)
    assert list(SmsMessage.objects.values_list("phone", flat=True)) == [PHONE]


def test_the_right_captcha_sends_the_code(client, captcha_on):
    response = request_sms(client, PHONE)

    assert SENT in _status(response)
    assert SmsMessage.objects.by_phone(PHONE).count() == 1


# ---------------------------------------------------------------------------------------------------------------
# Limits per client IP and in all, counted in the cache; no cache, no SMS.

OTHER_PHONES = [f"139{n:08d}" for n in range(25)]


def test_25_phones_from_one_ip_get_no_more_codes_than_its_hourly_limit(client, settings, clock):
    assert settings.SMS_IP_HOURLY_LIMIT == 10  # the default

    answers = [_status(request_sms(client, phone)) for phone in OTHER_PHONES]

    assert SmsMessage.objects.count() == 10
    assert all(SENT in answer for answer in answers[:10])
    assert all("当前网络获取验证码过于频繁，请稍后再试。" in answer for answer in answers[10:])
    # Another network is not held back; this one is free again an hour later.
    assert SENT in _status(request_sms(client, OTHER_PHONES[10], REMOTE_ADDR="10.0.0.2"))
    clock.shift(datetime.timedelta(hours=1, seconds=1))
    assert SENT in _status(request_sms(client, OTHER_PHONES[11]))


def test_the_limit_per_ip_is_a_setting(client, settings):
    settings.SMS_IP_HOURLY_LIMIT = 2

    answers = [_status(request_sms(client, phone)) for phone in OTHER_PHONES[:3]]

    assert SmsMessage.objects.count() == 2
    assert "当前网络获取验证码过于频繁" in answers[2]


def test_the_global_limit_holds_whatever_the_ip(client, settings):
    settings.SMS_GLOBAL_HOURLY_LIMIT = 3

    answers = [_status(request_sms(client, phone, REMOTE_ADDR=f"10.0.1.{n}"))
               for n, phone in enumerate(OTHER_PHONES[:4])]

    assert SmsMessage.objects.count() == 3
    assert "短信发送繁忙，请稍后再试。" in answers[3]


def test_the_limit_is_per_client_ip_behind_a_declared_proxy(client, settings):
    settings.SMS_IP_HOURLY_LIMIT = 1
    settings.TRUSTED_PROXY_COUNT = 1

    first = request_sms(client, OTHER_PHONES[0], HTTP_X_FORWARDED_FOR="203.0.113.1")
    same = request_sms(client, OTHER_PHONES[1], HTTP_X_FORWARDED_FOR="203.0.113.1")
    other = request_sms(client, OTHER_PHONES[2], HTTP_X_FORWARDED_FOR="203.0.113.2")

    assert SENT in _status(first) and SENT in _status(other)
    assert "当前网络获取验证码过于频繁" in _status(same)


def test_no_code_is_sent_when_the_cache_cannot_count(client, settings):
    settings.CACHES = {"default": {"BACKEND": "tests.helpers.UnreachableCache"}}

    response = request_sms(client, PHONE)

    assert "短信服务暂时不可用，请稍后再试。" in _status(response)
    assert not SmsMessage.objects.exists()
