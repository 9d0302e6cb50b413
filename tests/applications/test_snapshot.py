"""Submission freezes a snapshot: later changes to the dossier or the account never reach the filed application
or its prints, and the application itself can no longer be changed."""

import copy
from types import SimpleNamespace

import pytest
from django.urls import reverse

from applications import services
from applications.models import Application, ApplicationFile, PrintFile
from applications.sections import sections
from dossier import services as dossier_services
from dossier.catalogue import catalogue
from dossier.models import Evidence, Record
from dossier.services import RecordError
from review import services as review_services
from tests.factories import PersonFactory

from .support import (
    PAPER_TITLE,
    SCHOOL,
    approved,
    dossier,
    download,
    fill_everything,
    flat,
    jpeg_of_size,
    login,
    page_messages,
    pdf_text,
    plan_for,
    rows_of,
    section_url,
    upload,
    valid_row,
)

pytestmark = pytest.mark.django_db

LOCKED = "申报已提交，不能修改。"


@pytest.fixture
def filed(client, unit, admin):
    """A submitted 工程技术 application, with its snapshot and the text of its two PDF prints."""
    person = PersonFactory(unit=unit, name="张伟", series="工程技术", email="zhangwei@example.cn")
    plan = plan_for("工程技术")
    records = dossier(person, admin, series="工程技术")
    application = services.application_start(actor=person, plan=plan, series="工程技术", level="副高")
    login(client, person)
    fill_everything(client, application, records, series="工程技术")
    application = services.application_submit(actor=person, application=application)
    texts = {kind: pdf_text(download(client, application, kind).content) for kind in ("brief.pdf", "review.pdf")}
    return SimpleNamespace(application=application, person=person, records=records, admin=admin, client=client,
                           snapshot=copy.deepcopy(application.snapshot), texts=texts)


def assert_unchanged(filed):
    application = Application.objects.get(pk=filed.application.pk)
    assert application.snapshot == filed.snapshot
    PrintFile.objects.filter(application=application).delete()  # made again from the snapshot
    for kind, text in filed.texts.items():
        assert pdf_text(download(filed.client, application, kind).content) == text


def test_a_cited_record_cannot_be_withdrawn(filed):
    with pytest.raises(RecordError, match="该业绩已被职称申报引用，不能撤回。"):
        dossier_services.withdrawal_request(actor=filed.person, record=filed.records.paper, reason="要修改")


def test_a_change_to_a_cited_record_changes_nothing(filed):
    record = filed.records.paper
    Record.objects.filter(pk=record.pk).update(data={**record.data, "title": "改过的论文题目", "journal": "另一刊物"})
    filed.records.bachelor.data["school"] = "另一所大学"
    filed.records.bachelor.save()
    assert "改过的论文题目" not in filed.texts["review.pdf"]
    assert_unchanged(filed)
    assert PAPER_TITLE in flat(pdf_text(download(filed.client, filed.application, "review.pdf").content))


def test_editing_a_record_the_application_does_not_cite_changes_nothing(filed):
    other = approved(filed.person, filed.admin, "paper", {
        "title": "未引用的论文", "published_on": "2023-03-01", "journal": "工程力学", "journal_level": "核心期刊"})
    withdrawal = dossier_services.withdrawal_request(actor=filed.person, record=other, reason="补充信息")
    review_services.withdrawal_decide(actor=filed.admin, withdrawal=withdrawal, grant=True)
    other.refresh_from_db()
    kind = catalogue().kind("paper")
    dossier_services.record_update(actor=filed.person, record=other, kind=kind,
                                   data={**other.data, "title": "修改后的论文"})
    review_services.record_decide(actor=filed.admin, record=dossier_services.record_submit(
        actor=filed.person, record=other), decision="approve")
    assert Record.objects.get(pk=other.pk).data["title"] == "修改后的论文"
    assert_unchanged(filed)


def test_deleting_the_dossier_evidence_changes_nothing(filed):
    evidence = Evidence.objects.get(record=filed.records.bachelor)
    row = next(r for r in filed.snapshot["sections"]["education"]["rows"] if r["record_id"] == filed.records.bachelor.pk)
    copy_of = ApplicationFile.objects.get(application=filed.application, row_id=row["id"])
    with evidence.file.open("rb") as fh:
        original = fh.read()
    evidence.file.delete(save=False)
    evidence.delete()

    assert_unchanged(filed)
    response = filed.client.get(reverse("applications:file", args=[filed.application.pk, copy_of.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == original


def test_changing_the_account_changes_nothing(filed):
    person = filed.person
    person.email = "new-address@example.cn"
    person.phone = "13911112222"
    person.name = "张卫"
    person.save()
    assert_unchanged(filed)
    assert filed.snapshot["account"]["name"] == "张伟"
    page = filed.client.get(section_url(filed.application, "basic")).content.decode()
    filed_account = page[page.index("<dl"): page.index("</dl>")]  # the navbar greets the account's new name
    assert "张伟" in filed_account and "张卫" not in filed_account and "13911112222" not in filed_account


def test_the_sections_can_no_longer_be_changed_through_the_pages(filed):
    client, application = filed.client, filed.application
    education = rows_of(application, "education")[0]
    posts = [
        ("basic", {"action": "save", "ethnicity": "回族"}),
        ("work_history", {"action": "save", "before": "改写"}),
        ("societies", {"action": "add_row", **valid_row(sections().get("societies").fields)}),
        ("education", {"action": "delete_row", "row_id": education["id"], "group": ""}),
        ("education", {"action": "update_row", "row_id": education["id"], **education["values"], "school": "改"}),
        ("papers", {"action": "pick", "records": [filed.records.paper.pk]}),
        ("basic", {"action": "save", "slot_photo": [upload("新照片.jpg", jpeg_of_size(20_000))]}),
    ]
    files = ApplicationFile.objects.filter(application=application).count()
    for key, post in posts:
        response = client.post(section_url(application, key), post)
        assert response.status_code == 302
        assert LOCKED in page_messages(client.get(response.url))
    assert Application.objects.get(pk=application.pk).data == filed.snapshot["sections"]
    assert ApplicationFile.objects.filter(application=application).count() == files

    page = client.get(section_url(application, "basic")).content.decode()
    assert "申报已提交，以下为提交时的内容，不能修改。" in page and "<fieldset disabled>" in page
    assert 'value="save"' not in page
    rows_page = client.get(section_url(application, "education")).content.decode()
    assert 'value="pick"' not in rows_page and 'value="add_row"' not in rows_page and SCHOOL in rows_page


def test_the_services_refuse_every_change(filed):
    person, application = filed.person, filed.application
    education, work = sections().get("education"), sections().get("work_history")
    row = rows_of(application, "education")[0]
    calls = [
        lambda: services.section_save(actor=person, application=application, section=work, values={"before": "改"}),
        lambda: services.row_add(actor=person, application=application, section=education, values=row["values"]),
        lambda: services.row_update(actor=person, application=application, section=education, row_id=row["id"],
                                    values=row["values"]),
        lambda: services.row_delete(actor=person, application=application, section=education, row_id=row["id"]),
        lambda: services.rows_pick(actor=person, application=application, section=education,
                                   record_ids=[filed.records.bachelor.pk]),
    ]
    for call in calls:
        with pytest.raises(services.ApplicationError, match=LOCKED):
            call()
    with pytest.raises(services.ApplicationError, match="申报已提交，请勿重复提交。"):
        services.application_submit(actor=person, application=application)
    assert Application.objects.get(pk=application.pk).data == filed.snapshot["sections"]


def test_the_detail_page_offers_the_prints_and_the_flow(filed):
    page = filed.client.get(reverse("applications:detail", args=[filed.application.pk])).content.decode()
    assert 'data-testid="precheck"' not in page
    for kind in ("brief.pdf", "review.pdf", "review.xlsx"):
        assert reverse("applications:print", args=[filed.application.pk, kind]) in page
    assert "新增" in page and "提交" in page and '审核中' in page
