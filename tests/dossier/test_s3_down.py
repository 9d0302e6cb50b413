"""An S3 endpoint that does not answer while a record is saved (boto3 raises its own errors, not OSError): the
page says the file storage is unavailable, keeps what was typed and saves nothing (make drills › s3-down drives the
same through a real S3 server)."""

import pytest

from core.files import STORAGE_DOWN
from dossier.catalogue import catalogue
from dossier.models import Evidence, Record

from .support import input_value, login, png_upload, valid_data

pytestmark = pytest.mark.django_db


def test_an_unreachable_s3_endpoint_is_a_clear_message_and_nothing_saved(client, owner, settings):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "tests.failing_backends.UnreachableS3Storage"}}
    kind = catalogue().kind("honour")
    login(client, owner)
    post = valid_data(kind, seed="断")

    response = client.post("/dossier/k/honour/new/", {**post, "action": "save", "evidence": png_upload("1.png")})

    assert response.status_code == 200
    html = response.content.decode()
    assert STORAGE_DOWN in html
    assert input_value(html, kind.title) == post[kind.title]
    assert not Record.objects.exists() and not Evidence.objects.exists()
