"""A storage that fails, on the review pages: a full disk while a decision's 公示证明 is stored decides nothing and
says why by the upload field; a decision's attachment that has gone missing gets a 404 page saying so, and the
review page that lists it still opens."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from applications import chain
from core.files import STORAGE_FULL
from core.models import FlowAttachment
from tests.applications.support import login
from tests.helpers import files_under

from .support import filed, proof, recommendation, state
from .test_bad_input import approve_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def at_unit(org, settings):
    settings.PUBLICITY_MIN_WORKING_DAYS = 5
    application = filed(org)
    chain.claim(actor=org.clerk, stage="unit", pk=application.pk)
    login(org.client, org.clerk)
    return application


def test_a_full_disk_while_the_publicity_proof_is_stored_decides_nothing(org, at_unit, full_disk):
    before = (state(at_unit), files_under(settings.MEDIA_ROOT))
    full_disk(room=0)

    response = org.client.post(reverse("chain:review", args=["unit", at_unit.pk]), approve_post(org))

    assert response.status_code == 200
    assert STORAGE_FULL in response.content.decode()
    assert (state(at_unit), files_under(settings.MEDIA_ROOT)) == before
    assert not FlowAttachment.objects.exists()


def test_a_decisions_attachment_that_went_missing_gets_a_404_page_and_the_review_page_opens(org, at_unit):
    chain.decide(actor=org.clerk, stage="unit", pk=at_unit.pk, decision="approve", opinion="",
                 recommendation=recommendation(org), proofs=[proof()])
    attachment = FlowAttachment.objects.get()
    Path(attachment.file.path).unlink()
    login(org.client, org.reviewer)

    response = org.client.get(f"/chain/department/{at_unit.pk}/flow-files/{attachment.pk}/")

    assert response.status_code == 404
    assert f"文件“{attachment.name}”已不在服务器上，无法查看或下载。请联系上传者重新上传。" in response.content.decode()
    assert org.client.get(f"/chain/department/{at_unit.pk}/").status_code == 200
