"""A storage that fails: a full disk while evidence is saved gives the message by the upload field and keeps
what was typed, with no row, no stored file and no temporary file left; an evidence file that has gone missing
from the storage gives a 404 page saying so, and the pages that list it still open."""

from pathlib import Path

import pytest
from django.conf import settings

from core.files import STORAGE_FULL
from dossier.catalogue import catalogue
from dossier.imports import INLINE_ROWS
from dossier.models import Evidence, ImportJob, Record, RecordItem, Status
from tests.factories import PersonFactory
from tests.health.support import (
    as_cells,
    case_import_url,
    case_values,
    fill,
    make_review,
    pdf_upload,
    reference_values,
    template_workbook,
    upload,
    workbook_upload,
)
from tests.helpers import files_under

from .support import input_value, login, make_record, png_upload, valid_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _temporary_uploads(settings, tmp_path):
    """Uploads above 10 bytes are received into temporary files in a folder of the test's own."""
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploads")
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10
    Path(settings.FILE_UPLOAD_TEMP_DIR).mkdir()


def _nothing_left_over():
    assert files_under(settings.FILE_UPLOAD_TEMP_DIR) == []


def test_a_full_disk_while_a_new_record_is_saved_keeps_what_was_typed_and_stores_nothing(client, owner, full_disk):
    kind = catalogue().kind("honour")
    login(client, owner)
    post = valid_data(kind, seed="满")
    full_disk(room=1)  # the first file fits, the second fails half-written

    response = client.post("/dossier/k/honour/new/", {**post, "action": "submit",
                                                      "evidence": [png_upload("1.png"), png_upload("2.png")]})

    assert response.status_code == 200
    html = response.content.decode()
    assert STORAGE_FULL in html
    assert "文件未能保存，本次没有保存任何内容。已填写的内容已保留，请稍后重新选择文件再保存。" in html
    assert "请更正后重新选择" not in html
    assert input_value(html, kind.title) == post[kind.title]
    assert not Record.objects.exists() and not Evidence.objects.exists()
    assert files_under(settings.MEDIA_ROOT) == []
    _nothing_left_over()


def test_a_full_disk_while_a_record_is_edited_leaves_the_record_as_it_was(client, owner, full_disk):
    record = make_record(owner, "honour")
    before = (record.data, files_under(settings.MEDIA_ROOT))
    kind = catalogue().kind("honour")
    login(client, owner)
    full_disk(room=0)

    response = client.post(f"/dossier/r/{record.pk}/edit/", {**valid_data(kind, seed="改"), "action": "save",
                                                              "evidence": png_upload("新.png")})

    assert response.status_code == 200
    assert STORAGE_FULL in response.content.decode()
    record.refresh_from_db()
    assert (record.data, files_under(settings.MEDIA_ROOT)) == before
    assert record.evidence.count() == 1
    _nothing_left_over()


def test_a_full_disk_while_a_reference_with_its_attachment_is_added_adds_nothing(client, unit, full_disk):
    nurse = PersonFactory(unit=unit, series="卫生技术")
    review = make_review(nurse, references=1)
    before = files_under(settings.MEDIA_ROOT)
    login(client, nurse)
    full_disk(room=0)

    response = client.post(f"/dossier/r/{review.pk}/items/references/",
                           {**{k: str(v) for k, v in reference_values(2).items()}, "attachment": pdf_upload()})

    assert response.status_code == 200
    assert STORAGE_FULL in response.content.decode()
    assert RecordItem.objects.filter(record=review).count() == 1
    assert files_under(settings.MEDIA_ROOT) == before
    _nothing_left_over()


def test_a_full_disk_while_an_import_file_is_stored_says_so_and_starts_no_import(client, unit, full_disk):
    nurse = PersonFactory(unit=unit, series="卫生技术")
    login(client, nurse)
    kind = catalogue().kind("health_case")
    # More rows than are validated inline: the file itself is stored for the background worker.
    workbook = fill(template_workbook(client, "/dossier/template/health_case/"),
                    [as_cells(kind.fields, case_values(i)) for i in range(1, INLINE_ROWS + 2)])
    full_disk(room=0)

    response, job = upload(client, case_import_url(), workbook_upload(workbook))

    assert STORAGE_FULL in [str(m) for m in response.context["messages"]]
    assert job is None and not ImportJob.objects.exists()
    _nothing_left_over()


# ---------------------------------------------------------------------------------------------------------------
# An evidence file that has gone missing from the storage.


@pytest.fixture
def lost(owner, admin):
    """A submitted record whose evidence file was deleted from the storage behind the platform's back."""
    record = make_record(owner, "honour", status=Status.PENDING)
    evidence = record.evidence.get()
    Path(evidence.file.path).unlink()
    return evidence


@pytest.mark.parametrize("query", ["", "?download=1"], ids=["preview", "download"])
def test_a_missing_evidence_file_gets_a_404_page_that_says_so(client, owner, admin, lost, query):
    for viewer in (owner, admin):
        login(client, viewer)

        response = client.get(f"/dossier/evidence/{lost.pk}/{query}")

        assert response.status_code == 404
        html = response.content.decode()
        assert "文件缺失" in html
        assert f"文件“{lost.name}”已不在服务器上，无法查看或下载。请联系上传者重新上传。" in html


def test_the_pages_listing_a_missing_file_still_open(client, owner, admin, lost):
    record = lost.record
    login(client, owner)
    assert client.get(f"/dossier/r/{record.pk}/").status_code == 200
    assert client.get(f"/dossier/r/{record.pk}/", headers={"HX-Request": "true"}).status_code == 200
    login(client, admin)
    assert client.get(f"/unit/records/r/{record.pk}/").status_code == 200


def test_an_unknown_page_gets_the_chinese_404_page(client, owner):
    login(client, owner)

    response = client.get("/dossier/evidence/999999/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html and "文件缺失" not in html
    assert owner.name not in html
