"""Requests too large to take, or whose upload fills the disk while it is received: a clear page in Chinese,
nothing saved and no temporary file left behind (core.middleware)."""

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile

from applications.sections import sections
from dossier.catalogue import catalogue
from dossier.models import Evidence, Record
from tests.dossier.support import login, png_bytes, valid_data
from tests.factories import PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("regions")]

NEW_HONOUR = "/dossier/k/honour/new/"


@pytest.fixture
def owner(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploads")
    Path(settings.FILE_UPLOAD_TEMP_DIR).mkdir()
    return PersonFactory()


def _left_behind(settings) -> list[Path]:
    return [p for root in (settings.MEDIA_ROOT, settings.FILE_UPLOAD_TEMP_DIR) for p in Path(root).rglob("*")
            if p.is_file()]


def _honour_with(upload) -> dict:
    return {**valid_data(catalogue().kind("honour")), "action": "save", "evidence": upload}


def test_a_request_over_the_size_cap_is_refused_before_its_body_is_read(client, settings, owner):
    settings.MAX_REQUEST_BYTES = 64 * 1024
    login(client, owner)
    big = SimpleUploadedFile("证书.png", png_bytes() + b"\x00" * 80 * 1024, content_type="image/png")

    response = client.post(NEW_HONOUR, _honour_with(big))

    assert response.status_code == 413
    html = response.content.decode()
    assert "提交的内容过大" in html
    assert "一次提交的内容（包括所有上传的文件）不能超过0.0625MB，请减少或压缩文件后分次上传。" in html
    assert not Record.objects.exists()
    assert _left_behind(settings) == []


def test_a_request_within_the_cap_goes_through(client, settings, owner):
    settings.MAX_REQUEST_BYTES = 64 * 1024
    login(client, owner)

    response = client.post(NEW_HONOUR, _honour_with(SimpleUploadedFile("证书.png", png_bytes())))

    assert response.status_code == 302
    assert Evidence.objects.count() == 1


def test_the_default_cap_takes_the_largest_form_the_catalogues_allow():
    """The cap stops abuse, not a form the catalogue allows: the record form with the most room for files (and
    the largest application section) fits under the default."""
    per_kind = [sum(slot.max_bytes * slot.max_count for slot in kind.slots) for kind in catalogue().kinds()]
    per_section = [sum(slot.max_bytes * slot.max_count for slot in section.attachments)
                   + (section.row_attachment.max_bytes * section.row_attachment.max_count
                      if section.row_attachment else 0)
                   for section in sections().all]
    largest = max(per_kind + per_section)

    assert largest >= 600 * 1024 * 1024  # the 卫生技术 section: 62 files of 10 MB
    assert django_settings.MAX_REQUEST_BYTES > largest + 2 * django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def test_a_disk_that_fills_while_an_upload_is_received_gives_a_clear_page_and_leaves_no_temporary_file(
        client, settings, owner):
    settings.FILE_UPLOAD_HANDLERS = ["tests.failing_backends.FullDiskUploadHandler"]
    login(client, owner)
    client.raise_request_exception = False
    large = SimpleUploadedFile("证书.png", png_bytes() + b"\x00" * 200 * 1024, content_type="image/png")

    response = client.post(NEW_HONOUR, _honour_with(large))

    assert response.status_code == 507
    html = response.content.decode()
    assert "文件未能上传" in html
    assert "服务器存储空间不足，本次提交的文件未能保存。请稍后再试，或联系系统管理员。" in html
    assert not Record.objects.exists()
    assert _left_behind(settings) == []
