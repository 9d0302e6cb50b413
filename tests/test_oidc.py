"""Government sign-in through OpenID Connect (issue 26 item 1), against a real provider on 127.0.0.1
(django-oauth-toolkit in tests/oidc_provider): the platform's start page sends the person to the provider, she signs
in there, the provider sends her back with a code, and the platform exchanges it, checks the ID token against the
provider's keys and matches the verified claims: a person by ID number, a unit by credit code."""

import datetime
import re
from urllib.parse import urlsplit

import pytest

from accounts.models import User
from core.models import AuditEvent
from tests.factories import PASSWORD, PersonFactory, UnitFactory, unit_account
from tests.helpers import log_in, request_sms, sms_code
from tests.oidc_support import start_provider, stop_provider
from zhicheng.demo.ids import make_credit_code, make_id_number

pytestmark = pytest.mark.django_db(transaction=True)

KNOWN = make_id_number("350102", datetime.date(1986, 3, 14), 5, "F")
NEW = make_id_number("350102", datetime.date(1991, 7, 2), 8, "F")
UNIT_CODE = make_credit_code("350102", "MC0000801")
UNKNOWN_UNIT_CODE = make_credit_code("350102", "MC0000802")
CALLBACK = "http://testserver/accounts/oidc/callback/"


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    provider = start_provider(tmp_path_factory.mktemp("provider"), redirect_uris=[CALLBACK], users=[
        {"username": KNOWN, "name": "林晓燕"},
        {"username": NEW, "name": "陈新"},
        {"username": UNIT_CODE, "name": "福州市鼓楼医院", "unit": True},
        {"username": UNKNOWN_UNIT_CODE, "name": "未注册单位", "unit": True},
    ])
    yield provider
    stop_provider(provider)


@pytest.fixture
def oidc(provider, settings):
    provider.configure(settings)
    return provider


def sign_in_through(provider, client, username: str):
    """The whole round: 使用闽政通登录 on the platform, the provider's sign-in, back to the platform's callback."""
    start = client.get("/accounts/oidc/start/")
    assert start.status_code == 302 and start["Location"].startswith(provider.base + "/o/authorize/")
    back = provider.sign_in(username, start["Location"])
    assert back.startswith(CALLBACK)
    parts = urlsplit(back)
    return client.get(f"{parts.path}?{parts.query}")


def signed_in_as(client):
    return client.session.get("_auth_user_id")


def test_a_registered_person_signs_in_by_her_id_number(oidc, client, regions):
    person = PersonFactory(id_number=KNOWN, username=KNOWN, name="林晓燕")

    response = sign_in_through(oidc, client, KNOWN)

    assert response.status_code == 302 and response["Location"] == "/"
    assert signed_in_as(client) == str(person.pk)
    assert AuditEvent.objects.filter(user=person, event="login", object="oidc").count() == 1
    assert client.get("/").status_code == 200


def test_a_unit_signs_in_by_its_credit_code(oidc, client, regions):
    account = unit_account(UnitFactory(credit_code=UNIT_CODE, name="福州市鼓楼医院"))

    sign_in_through(oidc, client, UNIT_CODE)

    assert signed_in_as(client) == str(account.pk)


def test_an_unregistered_unit_is_told_to_register_first(oidc, client, regions):
    response = sign_in_through(oidc, client, UNKNOWN_UNIT_CODE)

    assert signed_in_as(client) is None
    page = client.get(response["Location"], follow=True)
    assert "该统一社会信用代码的单位尚未在本平台注册" in page.content.decode()


def test_a_new_person_registers_with_her_verified_name_and_id_number_and_waits_for_review(oidc, client, regions,
                                                                                          captcha_off):
    unit = UnitFactory(name="福州市第一医院")

    response = sign_in_through(oidc, client, NEW)
    assert signed_in_as(client) is None
    page = client.get(response["Location"], follow=True)
    html = page.content.decode()
    assert page.request["PATH_INFO"] == "/accounts/register/"
    assert "已通过闽政通核验您的姓名和身份证号" in html
    id_input = re.search(r'<input[^>]*name="id_number"[^>]*>', html).group(0)
    assert f'value="{NEW}"' in id_input and "disabled" in id_input

    assert request_sms(client, "13812340001").status_code == 200
    done = client.post("/accounts/register/", {
        "name": "改掉的名字", "id_number": KNOWN,  # disabled fields: what is posted is ignored
        "email": "cx@example.cn", "password1": "Chenxin2026", "password2": "Chenxin2026",
        "phone": "13812340001", "sms_code": sms_code("13812340001"), "unit": str(unit.pk), "unit_name": unit.name,
        "agreement": "on",
    })

    person = User.objects.by_id_number(NEW).get()
    assert done.status_code == 302 and done["Location"] == "/"
    assert (person.name, person.unit, person.registration) == ("陈新", unit, User.Registration.PENDING)
    assert signed_in_as(client) == str(person.pk)
    assert not User.objects.by_id_number(KNOWN).exists()


def test_a_token_the_platform_cannot_get_is_refused_with_a_message(provider, settings, client, regions):
    provider.configure(settings, client_secret="not-the-secret")  # the provider refuses the code exchange
    PersonFactory(id_number=KNOWN, username=KNOWN)

    response = sign_in_through(provider, client, KNOWN)

    assert signed_in_as(client) is None
    assert response["Location"] == "/accounts/oidc/failed/"
    page = client.get(response["Location"], follow=True)
    assert "闽政通未能确认您的身份" in page.content.decode()


def test_a_provider_that_is_down_is_named_and_password_sign_in_still_works(provider, settings, client, regions,
                                                                          captcha_off):
    closed = "http://127.0.0.1:9/o"
    provider.configure(settings, OIDC_OP_AUTHORIZATION_ENDPOINT=f"{closed}/authorize/",
                       OIDC_OP_TOKEN_ENDPOINT=f"{closed}/token/")
    person = PersonFactory(id_number=KNOWN, username=KNOWN)

    start = client.get("/accounts/oidc/start/", follow=True)

    assert "闽政通暂时无法访问" in start.content.decode()
    assert signed_in_as(client) is None
    log_in(client, KNOWN, PASSWORD)
    assert signed_in_as(client) == str(person.pk)


def test_without_a_provider_the_pages_do_not_exist_and_the_login_page_has_no_button(client, settings):
    settings.OIDC_ENABLED = False

    assert client.get("/accounts/oidc/start/").status_code == 404
    assert client.get("/accounts/oidc/callback/?code=x&state=y").status_code == 404
    assert "闽政通" not in client.get("/accounts/login/").content.decode()


def test_the_login_page_offers_the_provider(oidc, client):
    html = client.get("/accounts/login/").content.decode()

    assert "使用闽政通登录" in html and "/accounts/oidc/start/" in html
