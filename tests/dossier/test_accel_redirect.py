"""FILE_SERVING = "x-accel-redirect": once the view has checked access, an evidence file is handed to nginx by an
X-Accel-Redirect header naming the stored file under FILE_ACCEL_PREFIX, with no body; someone who may not see
the file still gets 404 and no header, and a file gone from the storage still gets the page saying so. The
default serves the bytes from the process."""

from pathlib import Path
from urllib.parse import quote

import pytest

from dossier.models import Status

from .support import login, make_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def accel(settings):
    settings.FILE_SERVING = "x-accel-redirect"


@pytest.fixture
def evidence(owner):
    return make_record(owner, "honour", status=Status.PENDING).evidence.get()


@pytest.mark.parametrize("query", ["", "?download=1"], ids=["preview", "download"])
def test_the_owner_and_the_unit_admin_get_the_file_through_nginx(client, owner, admin, evidence, accel, query):
    for viewer in (owner, admin):
        login(client, viewer)

        response = client.get(f"/dossier/evidence/{evidence.pk}/{query}")

        assert response.status_code == 200
        assert response["X-Accel-Redirect"] == "/_protected/media/" + quote(evidence.file.name)
        assert response.content == b""
        assert response["Content-Type"].startswith(evidence.content_type)
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("attachment" if query else "inline")


def test_someone_who_may_not_see_the_file_gets_404_and_no_header(client, stranger, other_admin, evidence, accel):
    for viewer in (stranger, other_admin):
        login(client, viewer)

        response = client.get(f"/dossier/evidence/{evidence.pk}/")

        assert response.status_code == 404
        assert not response.has_header("X-Accel-Redirect")


def test_a_missing_file_still_gets_the_page_that_says_so(client, owner, evidence, accel):
    Path(evidence.file.path).unlink()
    login(client, owner)

    response = client.get(f"/dossier/evidence/{evidence.pk}/")

    assert response.status_code == 404
    assert not response.has_header("X-Accel-Redirect")
    assert f"文件“{evidence.name}”已不在服务器上" in response.content.decode()


def test_by_default_the_process_sends_the_bytes(client, owner, evidence):
    login(client, owner)

    response = client.get(f"/dossier/evidence/{evidence.pk}/")

    assert response.status_code == 200
    assert not response.has_header("X-Accel-Redirect")
    assert b"".join(response.streaming_content) == Path(evidence.file.path).read_bytes()
