"""The demo shows the end of the process (`manage.py seed_demo`, zhicheng/demo/results.py): 林晓燕's result was on a
finished publicity list and confirmed, her certificate downloads signed with the key `certificate_demo_key` writes
after the seeding; 何静怡 is on a list running now with an objection decided 不予受理; seeding again changes nothing."""

import io
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from accounts.models import User
from applications.models import Application
from core.models import FlowEntry
from publicity.models import Objection, Publicity
from tests.helpers import log_in
from zhicheng.management.commands.seed_demo import DEMO_PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("captcha_off")]
S = Application.Status


@pytest.fixture
def seeded(settings, regions, tmp_path):
    settings.DEBUG = True  # seed_demo refuses to run with DEBUG off
    settings.CERTIFICATE_SIGNING_KEY = str(tmp_path / "signing" / "key.pem")
    settings.CERTIFICATE_SIGNING_CERT = str(tmp_path / "signing" / "cert.pem")
    out = StringIO()
    call_command("seed_demo", stdout=out)
    call_command("certificate_demo_key", stdout=StringIO())  # as `make demo` runs it, after the seeding
    return out.getvalue()


def sign_in(client, name):
    user = User.objects.get(name=name)
    assert log_in(client, user.username, DEMO_PASSWORD).status_code == 302
    return user


def test_the_certified_nurse_downloads_a_validly_signed_certificate(client, seeded, settings):
    application = Application.objects.get(applicant__name="林晓燕")
    assert application.status == S.CONFIRMED and application.certificate_no
    listing = application.publicity_entry.publicity
    assert listing.over() and not application.publicity_entry.objections.exists()
    steps = list(FlowEntry.objects.filter(subject_type="application", subject_id=application.pk)
                 .order_by("pk").values_list("action", flat=True))
    assert steps[-3:] == ["result_pass", "publicity", "confirm"]

    sign_in(client, "林晓燕")
    page = client.get(f"/apply/{application.pk}/").content.decode()
    assert f"/certificates/mine/{application.pk}.pdf" in page
    response = client.get(f"/certificates/mine/{application.pk}.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    signature = PdfFileReader(io.BytesIO(response.content)).embedded_signatures[0]
    trust = ValidationContext(trust_roots=[load_cert_from_pemder(settings.CERTIFICATE_SIGNING_CERT)])
    status = validate_pdf_signature(signature, trust)
    assert status.intact and status.valid and status.bottom_line


def test_a_live_list_with_a_decided_objection(client, seeded):
    application = Application.objects.get(applicant__name="何静怡")
    assert application.status == S.PASSED
    listing = application.publicity_entry.publicity
    assert listing.running() and listing.starts_on == timezone.localdate()
    objection = Objection.objects.get(entry__application=application)
    assert objection.status == Objection.Status.REJECTED and objection.reason and objection.decided_at
    assert FlowEntry.objects.filter(subject_type="application", subject_id=application.pk,
                                    action="objection_reject", opinion=objection.reason).exists()
    page = client.get(f"/gs/{listing.slug}/").content.decode()  # anyone, without signing in
    assert "何静怡" in page and "林晓燕" not in page
    assert f"/gs/{listing.slug}/" in seeded


def test_the_printed_urls_open_without_signing_in(client, seeded):
    urls = [line.split("：", 1)[1].removeprefix("http://127.0.0.1:8000") for line in seeded.splitlines()
            if line.startswith(("结果公示", "电子证书验证"))]
    assert len(urls) == 2
    publicity_page = client.get(urls[0]).content.decode()
    assert "何静怡" in publicity_page
    verification = client.get(urls[1]).content.decode()
    number = Application.objects.get(applicant__name="林晓燕").certificate_no
    assert number in verification and "林晓燕" in verification


def test_the_office_sees_the_decided_objection(client, seeded):
    objection = Objection.objects.get()
    sign_in(client, "吴昊")
    page = client.get(f"/publicity/objection/{objection.pk}/").content.decode()
    assert "不予受理" in page and objection.reason in page


def test_seeding_again_changes_nothing(seeded):
    counts = (Application.objects.count(), Publicity.objects.count(), Objection.objects.count(),
              FlowEntry.objects.count())
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert (Application.objects.count(), Publicity.objects.count(), Objection.objects.count(),
            FlowEntry.objects.count()) == counts == (3, 2, 1, counts[3])
    assert out.getvalue().splitlines()[-3:] == seeded.splitlines()[-3:]

