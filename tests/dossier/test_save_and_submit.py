"""保存 keeps a record as 编辑中; 提交 sends it to the unit. Editing and deleting only while 编辑中 or 退回.
年度考核 takes its 考核单位 from the bound unit. Who may not submit can still save."""

import pytest

from core.models import FlowEntry
from dossier import services
from dossier.catalogue import catalogue
from dossier.models import Record, Status

from .support import field_block, login, make_record, page_messages, png_upload, valid_data

pytestmark = pytest.mark.django_db


def test_save_keeps_the_record_in_draft_and_submit_sends_it_to_the_unit(client, owner):
    kind = catalogue().kind("honour")
    login(client, owner)
    client.post("/dossier/k/honour/new/", {**valid_data(kind, seed="存"), "action": "save", "evidence": png_upload()})
    client.post("/dossier/k/honour/new/", {**valid_data(kind, seed="交"), "action": "submit", "evidence": png_upload()})
    saved = Record.objects.get(title="存表彰奖励名称")
    submitted = Record.objects.get(title="交表彰奖励名称")
    assert (saved.status, saved.submitted_at) == (Status.DRAFT, None)
    assert submitted.status == Status.PENDING and submitted.submitted_at is not None
    assert submitted.unit == owner.unit


def test_a_submitted_record_can_no_longer_be_edited_or_deleted(client, owner, admin):
    kind = catalogue().kind("honour")
    login(client, owner)
    for status in (Status.PENDING, Status.APPROVED, Status.TERMINATED):
        record = make_record(owner, "honour", status=status, admin=admin)
        data = dict(record.data)

        response = client.get(f"/dossier/r/{record.pk}/edit/", follow=True)
        assert "该业绩当前状态不能修改。" in page_messages(response)
        client.post(f"/dossier/r/{record.pk}/edit/", {**valid_data(kind, seed="改"), "action": "save"})
        response = client.post(f"/dossier/r/{record.pk}/delete/", follow=True)
        assert "该业绩当前状态不能删除。" in page_messages(response)

        record.refresh_from_db()
        assert record.status == status and record.data == data
        # The list offers neither 修改 nor 删除 for it.
        page = client.get("/dossier/k/honour/").content.decode()
        assert f"/dossier/r/{record.pk}/edit/" not in page and f"/dossier/r/{record.pk}/delete/" not in page


def test_a_returned_record_is_edited_and_resubmitted_and_a_draft_deleted(client, owner, admin):
    kind = catalogue().kind("honour")
    login(client, owner)
    returned = make_record(owner, "honour", status=Status.RETURNED, admin=admin)
    page = client.get(f"/dossier/r/{returned.pk}/edit/").content.decode()
    assert "该业绩被单位退回" in page
    client.post(f"/dossier/r/{returned.pk}/edit/", {**valid_data(kind, seed="新"), "action": "submit"})
    returned.refresh_from_db()
    assert returned.status == Status.PENDING and returned.title == "新表彰奖励名称"

    draft = make_record(owner, "honour")
    response = client.post(f"/dossier/r/{draft.pk}/delete/", follow=True)
    assert "已删除。" in page_messages(response)
    assert not Record.objects.filter(pk=draft.pk).exists()


def test_submit_from_the_list_moves_a_draft_to_pending(client, owner):
    record = make_record(owner, "honour")
    login(client, owner)
    response = client.post(f"/dossier/r/{record.pk}/submit/", follow=True)
    record.refresh_from_db()
    assert record.status == Status.PENDING
    assert "已提交，等待单位审核。" in page_messages(response)


def test_appraisal_takes_the_assessor_from_the_bound_unit_and_ignores_a_posted_one(client, owner):
    kind = catalogue().kind("appraisal")
    login(client, owner)
    form_html = client.get("/dossier/k/appraisal/new/").content.decode()
    block = field_block(form_html, "assessor")
    assert 'value="福州市第一医院"' in block and "disabled" in block

    post = {**valid_data(kind), "assessor": "自己编的单位", "action": "submit", "evidence": png_upload()}
    assert client.post("/dossier/k/appraisal/new/", post).status_code == 302
    record = Record.objects.get(owner=owner, kind="appraisal")
    assert record.data["assessor"] == "福州市第一医院"
    assert record.status == Status.PENDING


def test_appraisal_without_a_unit_is_typed_by_hand_and_saved_but_not_submitted(client, unbound):
    kind = catalogue().kind("appraisal")
    login(client, unbound)
    block = field_block(client.get("/dossier/k/appraisal/new/").content.decode(), "assessor")
    assert "disabled" not in block

    post = {**valid_data(kind), "assessor": "原工作单位", "action": "submit", "evidence": png_upload()}
    response = client.post("/dossier/k/appraisal/new/", post, follow=True)
    record = Record.objects.get(owner=unbound, kind="appraisal")
    assert record.data["assessor"] == "原工作单位"
    assert record.status == Status.DRAFT and record.unit is None
    [message] = page_messages(response)
    assert message.startswith("已保存为编辑中，但未能提交：") and "单位" in message

    with pytest.raises(services.RecordError, match="单位"):
        services.record_submit(actor=unbound, record=record)
    assert Record.objects.get(pk=record.pk).status == Status.DRAFT


def test_a_person_whose_registration_is_pending_can_save_but_not_submit(client, pending_person):
    kind = catalogue().kind("honour")
    login(client, pending_person)
    response = client.post("/dossier/k/honour/new/",
                           {**valid_data(kind), "action": "submit", "evidence": png_upload()}, follow=True)
    record = Record.objects.get(owner=pending_person)
    assert record.status == Status.DRAFT
    assert "已保存为编辑中，但未能提交：您的注册尚未通过单位审核，暂不能提交业绩。" in page_messages(response)
    assert not FlowEntry.objects.filter(subject_id=record.pk, action="submit").exists()
    assert "您的注册尚未通过单位审核" in client.get("/dossier/").content.decode()
