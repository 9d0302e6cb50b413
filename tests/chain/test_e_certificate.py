"""电子证书 (issue 22 items 4-5): the applicant's A4 PDF carries a QR link to the public verification and a PAdES
signature of the issuing body that pyHanko's validator accepts and that a changed byte breaks; verification by
token and by number + name (a wrong name reveals nothing), revoked shows revoked, rate-limited; the HR bureau's
撤销职称; each page scoped to its role."""

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from accounts.models import Role
from applications import chain
from applications.models import Application
from certificates import services
from certificates.keys import self_signed
from certificates.models import Revocation
from core.models import FlowEntry
from notices.models import Notice
from tests.factories import PersonFactory, bureau_staff, id_number_ending_in_x
from tests.helpers import captcha_answer, sign_in

from .support import filed, staff

S = Application.Status


@pytest.fixture
def signing_key(tmp_path, settings):
    """A throwaway self-signed key of the issuing body."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    self_signed(key, cert, common_name="测试发证机构")
    settings.CERTIFICATE_SIGNING_KEY, settings.CERTIFICATE_SIGNING_CERT = str(key), str(cert)
    return cert


@pytest.fixture
def issued(org):
    """A confirmed 副高 result of 林芳 (ID number ending in X) with its certificate number."""
    person = PersonFactory(unit=org.unit, name="林芳", id_number=id_number_ending_in_x("350102"),
                           series="工程技术")
    application = filed(org, person=person, status=S.PASSED)
    chain.confirm(actor=org.bureau, pk=application.pk)
    application.refresh_from_db()
    assert application.status == S.CONFIRMED and application.certificate_no
    org.person, org.application = person, application
    cache.clear()
    return org


def by_number(client, number: str, name: str):
    return client.post("/verify/", {"number": number, "name": name, "captcha": captcha_answer(client)})


def download(client, application) -> bytes:
    sign_in(client, application.applicant)
    response = client.get(f"/certificates/mine/{application.pk}.pdf")
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    return response.content


def validation(data: bytes, cert_path):
    reader = PdfFileReader(io.BytesIO(data))
    signature = reader.embedded_signatures[0]
    context = ValidationContext(trust_roots=[load_cert_from_pemder(str(cert_path))])
    return validate_pdf_signature(signature, context)


def test_the_pdf_is_signed_and_validates(client, issued, signing_key):
    data = download(client, issued.application)

    assert data.startswith(b"%PDF")
    reader = PdfFileReader(io.BytesIO(data))
    assert len(reader.embedded_signatures) == 1
    status = validation(data, signing_key)
    assert status.intact and status.valid and status.bottom_line
    assert status.coverage.name == "ENTIRE_FILE"


def test_a_changed_byte_fails_the_validation(client, issued, signing_key):
    data = bytearray(download(client, issued.application))
    at = data.index(b"ReportLab PDF Library")  # the producer, inside the signed range: the file still parses
    data[at:at + 9] = b"Forged123"

    status = validation(bytes(data), signing_key)

    assert not status.intact
    assert not status.bottom_line


def test_the_pdf_links_its_qr_code_to_the_verification_by_token(client, issued, signing_key):
    data = download(client, issued.application)

    token = services.token_for(issued.application.certificate_no)
    assert f"/verify/{token}/".encode() in data
    client.logout()
    page = client.get(f"/verify/{token}/").content.decode()
    assert "证书有效" in page
    assert issued.application.certificate_no in page


def test_verification_by_number_and_name_shows_the_masked_holder(client, issued):
    number = issued.application.certificate_no

    page = by_number(client, number, "林芳").content.decode()

    assert "证书有效" in page
    id_number = issued.person.id_number
    assert f"{id_number[:4]}**********{id_number[-4:]}" in page
    assert id_number not in page
    assert "工程技术" in page and "副高" in page


def test_a_wrong_name_reveals_nothing(client, issued):
    page = by_number(client, issued.application.certificate_no, "王五").content.decode()

    assert "未查到该证书" in page
    assert "林芳" not in page
    assert issued.application.plan.committee.name not in page


def test_an_unknown_or_forged_token_is_unknown(client, issued):
    number = issued.application.certificate_no

    assert "未查到该证书" in client.get("/verify/not-a-token/").content.decode()
    forged = services.token_for(number)[:-2] + "xx"
    assert "未查到该证书" in client.get(f"/verify/{forged}/").content.decode()


def test_a_missing_field_is_said_next_to_it(client, issued):
    page = by_number(client, "", "林芳").content.decode()

    assert "请填写证书编号。" in page
    wrong = client.post("/verify/", {"number": "x", "name": "林芳", "captcha": "WRONG"}).content.decode()
    assert "图形验证码不正确" in wrong


def test_verification_is_rate_limited_per_client(client, issued, settings):
    settings.CERTIFICATE_VERIFY_HOURLY_LIMIT = 3
    token = services.token_for(issued.application.certificate_no)

    answers = [client.get(f"/verify/{token}/").status_code for _ in range(4)]

    assert answers == [200, 200, 200, 429]
    assert "查验过于频繁" in by_number(client, "x", "y").content.decode()


def test_the_bureau_revokes_and_verification_says_revoked(client, issued, signing_key):
    sign_in(client, issued.bureau)
    listed = client.get("/certificates/").content.decode()
    assert issued.application.certificate_no in listed

    empty = client.post(f"/certificates/{issued.application.pk}/revoke/", {"reason": ""})
    assert "请填写撤销原因。" in empty.content.decode()
    response = client.post(f"/certificates/{issued.application.pk}/revoke/", {"reason": "学历造假"})

    assert response.status_code == 302
    revocation = Revocation.objects.get(application=issued.application)
    assert (revocation.reason, revocation.revoked_by) == ("学历造假", issued.bureau)
    assert FlowEntry.objects.filter(subject_id=issued.application.pk, action="certificate_revoke",
                                    opinion="学历造假").count() == 1
    told = Notice.objects.filter(user=issued.person, text__contains="撤销职称")
    assert [n.text.endswith("学历造假") for n in told] == [True]  # the holder is told, with the reason
    token = services.token_for(issued.application.certificate_no)
    client.logout()
    assert "证书已撤销" in client.get(f"/verify/{token}/").content.decode()
    sign_in(client, issued.person)
    refused = client.get(f"/certificates/mine/{issued.application.pk}.pdf")
    assert refused.status_code == 302
    assert "证书已撤销" in client.get(f"/apply/{issued.application.pk}/").content.decode()


def test_only_the_holder_downloads(client, issued, signing_key):
    other = PersonFactory(unit=issued.unit)
    url = f"/certificates/mine/{issued.application.pk}.pdf"
    for user in (other, issued.clerk, issued.bureau):
        sign_in(client, user)
        assert client.get(url).status_code == 404


def test_an_unconfirmed_result_has_no_certificate(client, org, signing_key):
    application = filed(org, status=S.PASSED)
    sign_in(client, application.applicant)

    assert client.get(f"/certificates/mine/{application.pk}.pdf").status_code == 404


def test_another_regions_bureau_neither_lists_nor_revokes(client, issued):
    elsewhere = bureau_staff("350200", name="厦门市人社局")
    sign_in(client, elsewhere)

    assert issued.application.certificate_no not in client.get("/certificates/").content.decode()
    assert client.post(f"/certificates/{issued.application.pk}/revoke/", {"reason": "x"}).status_code == 404
    assert not Revocation.objects.exists()
    committee = staff(Role.COMMITTEE_STAFF, issued.plan.committee.bureau)
    sign_in(client, committee)
    assert client.get("/certificates/").status_code == 404


def test_without_a_configured_key_the_applicant_is_told(client, issued, settings, tmp_path):
    settings.CERTIFICATE_SIGNING_KEY = str(tmp_path / "missing.pem")
    sign_in(client, issued.person)

    response = client.get(f"/certificates/mine/{issued.application.pk}.pdf", follow=True)

    assert "电子证书签名密钥未配置" in response.content.decode()


def test_the_bureau_list_costs_constant_queries(client, issued, django_assert_max_num_queries):
    for n in range(5):
        application = filed(issued, name=f"批量{n}", status=S.PASSED)
        chain.confirm(actor=issued.bureau, pk=application.pk)
    sign_in(client, issued.bureau)
    client.get("/certificates/")

    with django_assert_max_num_queries(12):
        assert client.get("/certificates/").status_code == 200


def test_the_demo_key_command_writes_a_pair_once(settings, tmp_path):
    settings.CERTIFICATE_SIGNING_KEY = str(tmp_path / "k" / "key.pem")
    settings.CERTIFICATE_SIGNING_CERT = str(tmp_path / "k" / "cert.pem")

    call_command("certificate_demo_key")
    first = (tmp_path / "k" / "key.pem").read_bytes()
    call_command("certificate_demo_key")

    assert (tmp_path / "k" / "key.pem").read_bytes() == first
    assert b"BEGIN CERTIFICATE" in (tmp_path / "k" / "cert.pem").read_bytes()
