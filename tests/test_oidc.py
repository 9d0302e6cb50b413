"""Government sign-in through OpenID Connect (issue 26 item 1), against a real provider on 127.0.0.1 (the demo's
identity provider demo_idp, django-oauth-toolkit, booted from its data file demo_idp/people.toml as `make run` does):
the platform's start page sends the person to the provider, she signs in there, the provider sends her back with a
code, and the platform exchanges it, checks the ID token against the provider's keys and matches the verified
claims: a person by ID number, a unit by credit code."""

import json
import re
import subprocess
import sys
from io import StringIO
from urllib.parse import urlsplit

import pytest
import requests
from django.conf import settings as settings_module
from django.core.management import call_command

from accounts.models import User
from core.models import AuditEvent
from tests.factories import PASSWORD, PersonFactory, UnitFactory, unit_account
from tests.helpers import log_in, request_sms, sms_code
from tests.oidc_support import DATA, person, start_provider, stop_provider
from zhicheng.demo.ids import make_credit_code

pytestmark = pytest.mark.django_db(transaction=True)

# The data file's three: an applicant the demo seeds, a person new to the platform, a demo unit.
KNOWN, KNOWN_NAME = person("护士")["username"], person("护士")["name"]
NEW, NEW_NAME = person("平台上还没有账号")["username"], person("平台上还没有账号")["name"]
UNIT_CODE, UNIT_NAME = person("单位")["username"], person("单位")["name"]
UNKNOWN_UNIT_CODE = make_credit_code("350102", "MC0000802")
CALLBACK = "http://testserver/accounts/oidc/callback/"


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    provider = start_provider(tmp_path_factory.mktemp("provider"), redirect_uris=[CALLBACK], extra_people=f"""
[[people]]
username = "{UNKNOWN_UNIT_CODE}"
name = "未注册单位"
unit = true
""")
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
    person = PersonFactory(id_number=KNOWN, username=KNOWN, name=KNOWN_NAME)

    response = sign_in_through(oidc, client, KNOWN)

    assert response.status_code == 302 and response["Location"] == "/"
    assert signed_in_as(client) == str(person.pk)
    assert AuditEvent.objects.filter(user=person, event="login", object="oidc").count() == 1
    assert client.get("/").status_code == 200


def test_a_unit_signs_in_by_its_credit_code(oidc, client, regions):
    account = unit_account(UnitFactory(credit_code=UNIT_CODE, name=UNIT_NAME))

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

    newcomer = User.objects.by_id_number(NEW).get()
    assert done.status_code == 302 and done["Location"] == "/"
    assert (newcomer.name, newcomer.unit, newcomer.registration) == (NEW_NAME, unit, User.Registration.PENDING)
    assert signed_in_as(client) == str(newcomer.pk)
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


def test_the_demo_people_sign_in_through_the_demo_provider(oidc, client, settings, regions, captcha_off):
    """The data file fits the demo: its applicant and its unit are seed_demo's, its newcomer is not."""
    settings.DEBUG = True  # seed_demo refuses to run with DEBUG off
    call_command("seed_demo", stdout=StringIO())
    assert not User.objects.by_id_number(NEW).exists()

    sign_in_through(oidc, client, KNOWN)
    assert User.objects.get(pk=signed_in_as(client)).id_number == KNOWN
    assert User.objects.by_id_number(KNOWN).get().name == KNOWN_NAME
    client.logout()

    sign_in_through(oidc, client, UNIT_CODE)
    unit_user = User.objects.get(pk=signed_in_as(client))
    assert (unit_user.unit.credit_code, unit_user.unit.name) == (UNIT_CODE, UNIT_NAME)
    client.logout()

    response = sign_in_through(oidc, client, NEW)
    assert signed_in_as(client) is None
    assert client.get(response["Location"], follow=True).request["PATH_INFO"] == "/accounts/register/"


def test_the_environment_serve_sh_sets_is_what_the_platform_reads(provider):
    """scripts/serve.sh evaluates `python -m demo_idp env`; the platform started under it signs in there."""
    root = settings_module.BASE_DIR
    exports = subprocess.run([sys.executable, "-m", "demo_idp", "env", "--port=8001"], cwd=root, check=True,
                             capture_output=True, text=True).stdout
    read = subprocess.run(["bash", "-c", 'eval "$1" && exec "$2" manage.py shell -c "$3"', "-", exports,
                           sys.executable, "from django.conf import settings as s; import json; print(json.dumps("
                           "[s.OIDC_ENABLED, s.OIDC_PROVIDER_NAME, s.OIDC_RP_CLIENT_ID, s.OIDC_RP_CLIENT_SECRET, "
                           "s.OIDC_OP_AUTHORIZATION_ENDPOINT, s.OIDC_OP_TOKEN_ENDPOINT, s.OIDC_OP_USER_ENDPOINT, "
                           "s.OIDC_OP_JWKS_ENDPOINT, 'accounts.oidc.GovernmentIdBackend' in s.AUTHENTICATION_BACKENDS]))"],
                          cwd=root, check=True, capture_output=True, text=True).stdout

    base = "http://127.0.0.1:8001"
    assert json.loads(read.strip().splitlines()[-1]) == [
        True, DATA["provider_name"], DATA["client"]["client_id"], DATA["client"]["client_secret"],
        f"{base}/o/authorize/", f"{base}/o/token/", f"{base}/o/userinfo/", f"{base}/o/.well-known/jwks.json", True]
    # and those addresses are the provider's own (the one under test answers on another port, same paths)
    discovery = requests.get(f"{provider.base}/o/.well-known/openid-configuration", timeout=10).json()
    assert discovery["authorization_endpoint"] == f"{provider.base}/o/authorize/"
    assert discovery["token_endpoint"] == f"{provider.base}/o/token/"
    assert discovery["userinfo_endpoint"] == f"{provider.base}/o/userinfo/"
    assert discovery["jwks_uri"] == f"{provider.base}/o/.well-known/jwks.json"
