"""A storage that fails, on the applicant's pages: a full disk while a section's files, a row's files or the copies
of picked records are stored saves nothing and says why by the upload field (or in the page's message), leaving
no file behind; a dossier file that has gone missing cannot be picked, an attachment that has gone missing gets
a 404 page saying so, and a print still comes out without its lost photo."""

from pathlib import Path

import pytest
from django.conf import settings

from applications import services
from applications.models import ApplicationFile, PrintFile
from applications.sections import sections
from core.files import STORAGE_FULL
from tests.factories import PersonFactory
from tests.helpers import files_under

from .support import (
    add_row,
    approved,
    basic_values,
    dossier,
    download,
    fill_everything,
    login,
    page_messages,
    photo_upload,
    pick,
    plan_for,
    rows_of,
    save_section,
    scan_upload,
    valid_row,
    values_of,
)

pytestmark = pytest.mark.django_db

DEGREE = {"school": "福州大学", "start_date": "2002-09-01", "end_date": "2006-07-01", "major": "土木工程",
          "education_type": "全日制教育", "education": "大学本科", "degree": "学士", "degree_date": "2006-07-01"}


@pytest.fixture
def application(person):
    return services.application_start(actor=person, plan=plan_for("工程技术"), series="工程技术", level="副高")


def test_a_full_disk_while_a_section_is_saved_keeps_what_was_typed_and_saves_nothing(
        client, person, application, full_disk):
    login(client, person)
    full_disk(room=0)

    response = save_section(client, application, "basic", basic_values("工程技术"), photo=[photo_upload()])

    assert response.status_code == 200
    html = response.content.decode()
    assert STORAGE_FULL in html
    assert 'value="英语综合B合格"' in html  # what was typed is shown again
    assert values_of(application, "basic") == {}
    assert not ApplicationFile.objects.exists()
    assert files_under(settings.MEDIA_ROOT) == []


def test_a_full_disk_while_a_row_with_its_files_is_added_adds_nothing(client, person, application, full_disk):
    section = sections().get("awards")
    login(client, person)
    full_disk(room=0)

    response = add_row(client, application, "awards", valid_row(section.fields), files=[scan_upload("获奖证书.jpg")])

    assert response.status_code == 200
    assert STORAGE_FULL in response.content.decode()
    assert rows_of(application, "awards") == []
    assert not ApplicationFile.objects.exists()
    assert files_under(settings.MEDIA_ROOT) == []


def test_a_full_disk_while_picked_records_are_copied_adds_no_row_and_no_copy(
        client, person, admin, application, full_disk):
    degrees = [approved(person, admin, "education", {**DEGREE, "school": f"福州大学{n}", "education_type": kind})
               for n, kind in ((1, "全日制教育"), (2, "在职教育"))]
    before = files_under(settings.MEDIA_ROOT)
    login(client, person)
    full_disk(room=1)  # the first degree's copy fits, the second's fails half-written

    response = pick(client, application, "education", degrees)

    assert STORAGE_FULL in page_messages(client.get(response.url))
    assert rows_of(application, "education") == []
    assert not ApplicationFile.objects.exists()
    assert files_under(settings.MEDIA_ROOT) == before


def test_a_record_whose_evidence_file_went_missing_cannot_be_picked(client, person, admin, application):
    degree = approved(person, admin, "education", DEGREE)
    evidence = degree.evidence.get()
    Path(evidence.file.path).unlink()
    login(client, person)

    response = pick(client, application, "education", [degree])

    assert response.status_code == 302
    assert (f"业绩“{degree.title}”的佐证材料“{evidence.name}”已不在服务器上，请在业绩库中重新上传后再选择。"
            in page_messages(client.get(response.url)))
    assert rows_of(application, "education") == []
    assert not ApplicationFile.objects.exists()


def test_an_attachment_that_went_missing_gets_a_404_page_that_says_so(client, person, application):
    login(client, person)
    save_section(client, application, "basic", basic_values("工程技术"), photo=[photo_upload()])
    photo = ApplicationFile.objects.get()
    Path(photo.file.path).unlink()

    response = client.get(f"/apply/{application.pk}/files/{photo.pk}/")

    assert response.status_code == 404
    assert f"文件“{photo.name}”已不在服务器上，无法查看或下载。请联系上传者重新上传。" in response.content.decode()


def test_a_print_comes_out_without_its_lost_photo_and_a_lost_stored_print_is_made_again(client, unit, admin):
    person = PersonFactory(unit=unit, name="张伟", series="工程技术")
    records = dossier(person, admin, series="工程技术")
    application = services.application_start(actor=person, plan=plan_for("工程技术"), series="工程技术", level="副高")
    login(client, person)
    fill_everything(client, application, records, series="工程技术")
    application = services.application_submit(actor=person, application=application)
    photo = ApplicationFile.objects.get(application=application, section="basic", slot="photo")
    Path(photo.file.path).unlink()

    first = download(client, application, "brief.pdf")
    stored = PrintFile.objects.get(application=application)
    Path(stored.file.path).unlink()
    again = download(client, application, "brief.pdf")

    assert first.status_code == again.status_code == 200
    assert first.content.startswith(b"%PDF") and again.content.startswith(b"%PDF")
    assert Path(PrintFile.objects.get(application=application).file.path).is_file()


def test_with_x_accel_redirect_a_stored_print_is_handed_to_nginx(client, unit, admin, settings):
    settings.FILE_SERVING = "x-accel-redirect"
    person = PersonFactory(unit=unit, name="张伟", series="工程技术")
    records = dossier(person, admin, series="工程技术")
    application = services.application_start(actor=person, plan=plan_for("工程技术"), series="工程技术", level="副高")
    login(client, person)
    fill_everything(client, application, records, series="工程技术")
    application = services.application_submit(actor=person, application=application)

    response = download(client, application, "brief.pdf")

    stored = PrintFile.objects.get(application=application)
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == settings.FILE_ACCEL_PREFIX + stored.file.name
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert Path(stored.file.path).read_bytes().startswith(b"%PDF")
