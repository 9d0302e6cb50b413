"""电子证书 in the browser (issue 22 items 4-5): the bureau has confirmed 林芳's result; she opens her application
and downloads the signed certificate (its signature validates); a stranger opens the QR code's address without
logging in and reads 证书有效 with the ID number masked; the bureau revokes the certificate with a reason; the
stranger checks it by number and name and reads 证书已撤销."""

import io
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from accounts.models import Role
from certificates.keys import self_signed
from orgs.models import PostQuota, Unit
from tests.applications.support import plan_for
from tests.chain.support import filed, last_weekday_before, staff, walk
from tests.factories import PASSWORD, UnitFactory, bureau_staff, unit_admin


@pytest.fixture
def org(e2e_data, tmp_media, tmp_path, settings):
    """林芳's 工程技术 副高 result confirmed by the bureau (walked through every node by the services), and a
    throwaway signing key of the issuing body."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    self_signed(key, cert, common_name="测试发证机构")
    settings.CERTIFICATE_SIGNING_KEY, settings.CERTIFICATE_SIGNING_CERT = str(key), str(cert)
    department = UnitFactory(kind=Unit.Kind.DEPARTMENT, nature=Unit.Nature.GOVERNMENT, name="福州市卫生健康委员会")
    unit = UnitFactory(name="福州市第一医院", department=department)
    plan = plan_for("工程技术")
    quota = PostQuota.objects.create(unit=unit, year=plan.year, associate=5, confirmed_at=timezone.now())
    org = SimpleNamespace(
        unit=unit, plan=plan, quota=quota, clerk=unit_admin(unit, name="经办人甲"),
        reviewer=staff(Role.DEPARTMENT_REVIEWER, department, name="主管部门黄敏"), bureau=bureau_staff(name="人社厅郑强"),
        committee=staff(Role.COMMITTEE_STAFF, plan.committee.bureau, name="评委会吴昊"),
        publicity=(last_weekday_before(14), last_weekday_before(1)), cert=cert,
    )
    org.application = walk(org, filed(org, name="林芳"), to="confirmed")
    return org


def validated(data: bytes, cert) -> bool:
    """pyHanko's validator runs its own event loop: in a thread of its own, beside Playwright's."""
    def run():
        signature = PdfFileReader(io.BytesIO(data)).embedded_signatures[0]
        context = ValidationContext(trust_roots=[load_cert_from_pemder(str(cert))])
        return validate_pdf_signature(signature, context).bottom_line

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def test_the_holder_downloads_a_stranger_verifies_and_the_bureau_revokes(
        page, shot, log_in, log_out, accept_dialogs, org, tmp_path):
    application = org.application
    number = application.certificate_no
    id_number = application.applicant.id_number

    log_in(application.applicant.username, PASSWORD)
    page.goto(f"/apply/{application.pk}/")
    expect(page.get_by_test_id("certificate-no")).to_have_text(number)
    shot("01-applicant-confirmed")
    with page.expect_download() as download:
        page.get_by_test_id("certificate-download").click()
    path = tmp_path / "certificate.pdf"
    download.value.save_as(path)
    data = path.read_bytes()
    assert validated(data, org.cert)
    token_url = next(part for part in data.split(b"(") if b"/verify/" in part).split(b")")[0].decode()
    log_out()

    page.goto(token_url)
    expect(page.get_by_test_id("verify-status")).to_have_text("证书有效")
    result = page.get_by_test_id("verify-result")
    expect(result).to_contain_text(number)
    expect(result).to_contain_text(f"{id_number[:4]}**********{id_number[-4:]}")
    expect(result).not_to_contain_text(id_number)
    shot("02-stranger-verifies-by-qr")

    log_in(org.bureau.username, PASSWORD)
    page.locator("aside").get_by_role("link", name="电子证书管理", exact=True).click()
    row = page.get_by_test_id("certificate-row").filter(has_text=number)
    expect(row).to_contain_text("有效")
    row.get_by_role("link", name="撤销职称").click()
    page.get_by_role("button", name="确认撤销").click()
    expect(page.get_by_text("撤销原因", exact=False).first).to_be_visible()
    expect(page.locator(".invalid-feedback")).to_contain_text("请填写撤销原因。")
    page.get_by_label("撤销原因").fill("经查学历证书系伪造")
    page.get_by_role("button", name="确认撤销").click()
    expect(page.get_by_test_id("certificate-row").filter(has_text=number)).to_contain_text("已撤销")
    shot("03-bureau-revoked")
    log_out()

    page.goto("/verify/")
    page.get_by_label("证书编号").fill(number)
    page.get_by_label("持证人姓名").fill("林芳")
    page.get_by_role("button", name="查验").click()
    expect(page.get_by_test_id("verify-status")).to_have_text("证书已撤销")
    shot("04-stranger-reads-revoked")
