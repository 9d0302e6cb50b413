"""Every record type goes through the one generic path: 新增 → list → 修改 → 提交 → 查看 (page and drawer)."""

import pytest

from core.models import FlowEntry
from dossier.catalogue import catalogue
from dossier.models import Evidence, Record, Status

from .support import (
    SPEC_KIND_KEYS,
    generic_kind_keys,
    login,
    page_messages,
    png_upload,
    row_ids,
    stored,
    valid_data,
    valid_values,
)

pytestmark = pytest.mark.django_db

KINDS = generic_kind_keys()
EVIDENCE_OPTIONAL = [key for key in KINDS if not catalogue().kind(key).evidence.required]
EVIDENCE_REQUIRED = [key for key in KINDS if catalogue().kind(key).evidence.required]


def test_the_catalogue_declares_the_eighteen_types_of_the_spec_for_the_generic_pages():
    assert set(SPEC_KIND_KEYS) <= set(KINDS)
    assert len(SPEC_KIND_KEYS) == 18
    categories = {catalogue().kind(key).category for key in SPEC_KIND_KEYS}
    assert categories == {"basic", "honours", "ability", "performance", "papers", "aid"}


@pytest.mark.parametrize("kind_key", KINDS)
def test_every_kind_is_created_edited_submitted_and_viewed_through_the_generic_pages(client, owner, kind_key):
    kind = catalogue().kind(kind_key)
    login(client, owner)

    # 新增 with every field filled from the declaration, and a real PNG as evidence.
    values = valid_values(kind, seed="甲")
    response = client.post(f"/dossier/k/{kind_key}/new/",
                           {**valid_data(kind, seed="甲"), "action": "save", "evidence": png_upload()})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == f"/dossier/k/{kind_key}/"
    record = Record.objects.get(owner=owner, kind=kind_key)
    assert record.status == Status.DRAFT
    assert record.data == stored(kind, values, unit_name=owner.unit.name)
    assert record.title == str(record.data[kind.title])
    assert record.evidence.count() == 1

    # The list shows the row.
    page = client.get(f"/dossier/k/{kind_key}/").content.decode()
    assert row_ids(page) == [record.pk]
    assert record.title in page and "编辑中" in page

    # 修改 (保存) with other values: stored, evidence kept.
    form_page = client.get(f"/dossier/r/{record.pk}/edit/")
    assert form_page.status_code == 200
    values = valid_values(kind, seed="乙")
    response = client.post(f"/dossier/r/{record.pk}/edit/", {**valid_data(kind, seed="乙"), "action": "save"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.data == stored(kind, values, unit_name=owner.unit.name)
    assert record.status == Status.DRAFT and record.evidence.count() == 1

    # 提交 from the form.
    response = client.post(f"/dossier/r/{record.pk}/edit/", {**valid_data(kind, seed="乙"), "action": "submit"},
                           follow=True)
    record.refresh_from_db()
    assert record.status == Status.PENDING, page_messages(response)
    assert record.submitted_at is not None and record.unit_id == owner.unit_id
    assert f"{kind.label}已提交，等待单位审核。" in page_messages(response)

    # 查看: the full page and the htmx drawer show every field's label, the evidence and the flow.
    full = client.get(f"/dossier/r/{record.pk}/")
    drawer = client.get(f"/dossier/r/{record.pk}/", HTTP_HX_REQUEST="true")
    assert full.status_code == drawer.status_code == 200
    assert "<html" in full.content.decode() and "<html" not in drawer.content.decode()
    for response in (full, drawer):
        html = response.content.decode()
        for spec in kind.fields:
            assert f">{spec.label}</dt>" in html, spec.label
        assert "毕业证书.png" in html
        for step in ("新增", "保存", "提交"):
            assert f"{step} <span" in html, step
        assert "审核中" in html
    assert list(FlowEntry.objects.filter(subject_type="record", subject_id=record.pk)
                .values_list("action", flat=True)) == ["create", "save", "save", "submit"]


@pytest.mark.parametrize("kind_key", EVIDENCE_OPTIONAL)
def test_kinds_with_optional_evidence_are_submitted_without_a_file(client, owner, kind_key):
    kind = catalogue().kind(kind_key)
    login(client, owner)
    response = client.post(f"/dossier/k/{kind_key}/new/", {**valid_data(kind), "action": "submit"})
    assert response.status_code == 302
    record = Record.objects.get(owner=owner, kind=kind_key)
    assert record.status == Status.PENDING
    assert not Evidence.objects.filter(record=record).exists()


@pytest.mark.parametrize("kind_key", EVIDENCE_REQUIRED)
def test_kinds_with_required_evidence_are_saved_but_not_submitted_without_a_file(client, owner, kind_key):
    kind = catalogue().kind(kind_key)
    login(client, owner)
    response = client.post(f"/dossier/k/{kind_key}/new/", {**valid_data(kind), "action": "submit"}, follow=True)
    record = Record.objects.get(owner=owner, kind=kind_key)
    assert record.status == Status.DRAFT
    assert "已保存为编辑中，但未能提交：请上传佐证材料后再提交。" in page_messages(response)
    assert response.redirect_chain[-1][0] == f"/dossier/r/{record.pk}/edit/"
