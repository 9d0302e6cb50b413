"""The end of the process as the demo seeds it (`manage.py seed_demo`, then `certificate_demo_key` as `make demo`
runs them): anyone opens the printed publicity list without signing in; the committee office finds the objection
it did not accept, with its reason; 林晓燕, confirmed, downloads her signed certificate; a stranger opens the
printed verification address and reads 证书有效."""

import io
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from accounts.models import User
from applications.models import Application
from publicity.models import Objection
from zhicheng.management.commands.seed_demo import DEMO_PASSWORD


@pytest.fixture
def demo(e2e_data, tmp_media, tmp_path, settings):
    """The demo seeded as `make demo` does it; returns the addresses seed_demo printed."""
    settings.CERTIFICATE_SIGNING_KEY = str(tmp_path / "signing" / "key.pem")
    settings.CERTIFICATE_SIGNING_CERT = str(tmp_path / "signing" / "cert.pem")
    settings.DEBUG = True  # seed_demo refuses to run with DEBUG off; the pages are served as in the other journeys
    out = StringIO()
    call_command("seed_demo", stdout=out)
    settings.DEBUG = False
    call_command("certificate_demo_key", stdout=StringIO())
    printed = dict(line.split("：http://127.0.0.1:8000", 1) for line in out.getvalue().splitlines()
                   if "：http://127.0.0.1:8000/" in line)
    return {("publicity" if label.startswith("结果公示") else "verify"): path
            for label, path in printed.items() if label.startswith(("结果公示", "电子证书验证"))}


def validated(data: bytes, cert) -> bool:
    """pyHanko's validator runs its own event loop: in a thread of its own, beside Playwright's."""
    def run():
        signature = PdfFileReader(io.BytesIO(data)).embedded_signatures[0]
        context = ValidationContext(trust_roots=[load_cert_from_pemder(str(cert))])
        return validate_pdf_signature(signature, context).bottom_line

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def test_the_demo_shows_the_end_of_the_process(page, shot, log_in, log_out, demo, settings, tmp_path):
    listed = User.objects.get(name="何静怡")

    # Anyone: the live list, without signing in, the ID number masked.
    page.goto(demo["publicity"])
    entries = page.get_by_test_id("entries")
    expect(entries).to_contain_text("何静怡")
    expect(entries).to_contain_text(f"{listed.id_number[:4]}**********{listed.id_number[-4:]}")
    expect(entries).not_to_contain_text(listed.id_number)
    expect(page.get_by_test_id("object")).to_be_visible()
    shot("01-public-list")

    # The committee office: the objection to her, decided 不予受理 with the reason.
    office = User.objects.get(name="吴昊")
    log_in(office.username, DEMO_PASSWORD)
    page.locator("aside").get_by_role("link", name="结果公示", exact=True).click()
    today = f"{timezone.localdate():%Y-%m-%d} 至"
    page.get_by_test_id("publicities").locator("tbody tr", has_text=today).get_by_role("link", name="办理").click()
    objection = Objection.objects.get()
    page.get_by_test_id(f"objection-{objection.pk}").click()
    expect(page.get_by_test_id("status")).to_have_text("不予受理")
    expect(page.locator("main")).to_contain_text(objection.reason)
    shot("02-office-objection")
    log_out()

    # 林晓燕: confirmed, she downloads her certificate from her application page.
    certified = Application.objects.get(applicant__name="林晓燕")
    log_in(certified.applicant.username, DEMO_PASSWORD)
    page.goto(f"/apply/{certified.pk}/")
    expect(page.get_by_test_id("certificate-no")).to_have_text(certified.certificate_no)
    application_shot = shot("03-certified-application")
    with page.expect_download() as download:
        page.get_by_test_id("certificate-download").click()
    path = tmp_path / "certificate.pdf"
    download.value.save_as(path)
    data = path.read_bytes()
    assert validated(data, settings.CERTIFICATE_SIGNING_CERT)
    if shutil.which("pdftoppm"):  # a picture of the certificate beside the screenshots, to look at
        picture = application_shot.with_name(application_shot.name.replace("03-certified-application", "04-pdf"))
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(path), str(picture.with_suffix(""))],
                       check=True)
    log_out()

    # A stranger: the printed verification address.
    page.goto(demo["verify"])
    expect(page.get_by_test_id("verify-status")).to_have_text("证书有效")
    result = page.get_by_test_id("verify-result")
    expect(result).to_contain_text(certified.certificate_no)
    expect(result).to_contain_text("林晓燕")
    expect(result).not_to_contain_text(certified.applicant.id_number)
    shot("05-stranger-verifies")
