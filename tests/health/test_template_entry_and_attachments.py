"""是否模板录入 decides between a case list (是) and the 非模板录入附件 (否); the attachment slots of the health
types keep their own limits: 查重 doc/docx ≤10 MB, one file; 纸质扫描版 png/jpg, ≤10 files."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dossier.catalogue import catalogue
from dossier.models import Evidence, Record, Status

from .support import add_cases, as_post, docx_upload, make_topic, page_messages, pdf_upload, png_upload, text

VALUES = {"topic_type": "专题报告", "name": "压力性损伤的预防护理", "summary": "本科室三年的经验", "title": "呼吸衰竭护理研究",
          "link": "https://kns.cnki.net/kcms/detail/2", "issn": "CN11-2234/R", "journal": "中华护理杂志",
          "published_on": "2024-06-15", "abstract": "摘要"}


def form_post(kind_key: str, *, action: str = "save", **values) -> dict:
    kind = catalogue().kind(kind_key)
    return {**as_post(kind.fields, {**VALUES, **values}), "action": action}


def test_without_template_the_non_template_attachment_is_required_and_no_case_list_applies(nurse_client, nurse):
    response = nurse_client.post("/dossier/k/health_topic/new/",
                                 form_post("health_topic", by_template="否", action="submit"), follow=True)

    topic = Record.objects.get(owner=nurse, kind="health_topic")
    assert page_messages(response) == ["已保存为编辑中，但未能提交：请上传非模板录入附件后再提交。"]
    assert topic.status == Status.DRAFT
    assert "录入病案" not in text(response)  # no case list for a topic not entered by template

    response = nurse_client.post(f"/dossier/r/{topic.pk}/edit/", {
        **form_post("health_topic", by_template="否", action="submit"), "slot_non_template": [pdf_upload("专题全文.pdf")],
    }, follow=True)

    topic.refresh_from_db()
    assert page_messages(response) == ["卫生-专题已提交，等待单位审核。"]
    assert topic.status == Status.PENDING and not topic.items.exists()
    assert list(topic.evidence.values_list("slot", flat=True)) == ["non_template"]


def test_with_template_the_case_list_applies_and_the_non_template_attachment_is_not_asked(nurse_client, nurse):
    response = nurse_client.post("/dossier/k/health_topic/new/", form_post("health_topic", by_template="是"),
                                 follow=True)

    topic = Record.objects.get(owner=nurse, kind="health_topic")
    assert page_messages(response) == ["卫生-专题已保存（编辑中），请录入病案。"]
    assert "病案列表：已录入 0 条（提交至少需要10条）" in text(response)
    assert f'href="/dossier/r/{topic.pk}/items/cases/"' in response.content.decode()

    response = nurse_client.post(f"/dossier/r/{topic.pk}/edit/", {
        **form_post("health_topic", by_template="是", action="submit"), "slot_non_template": [pdf_upload()],
    }, follow=True)
    assert page_messages(response) == ["已保存为编辑中，但未能提交：病案数量不足：至少需要10条，当前0条。"]
    assert not topic.evidence.exists()  # a slot that does not apply keeps nothing

    add_cases(nurse, topic, 10)
    response = nurse_client.post(f"/dossier/r/{topic.pk}/submit/", follow=True)
    topic.refresh_from_db()
    assert topic.status == Status.PENDING


def test_switching_to_no_template_drops_the_case_list_rule(nurse_client, nurse):
    topic = make_topic(nurse, cases=3)

    response = nurse_client.post(f"/dossier/r/{topic.pk}/edit/", {
        **form_post("health_topic", by_template="否", action="submit"), "slot_non_template": [png_upload()],
    }, follow=True)

    topic.refresh_from_db()
    assert topic.status == Status.PENDING, page_messages(response)
    drawer = nurse_client.get(f"/dossier/r/{topic.pk}/", headers={"HX-Request": "true"})
    assert 'data-testid="child-table-cases"' not in drawer.content.decode()


def test_paper_without_template_needs_its_non_template_attachment_too(nurse_client, nurse):
    response = nurse_client.post("/dossier/k/health_paper/new/", {
        **form_post("health_paper", by_template="否", action="submit"), "slot_scans": [png_upload()],
    }, follow=True)

    assert page_messages(response) == ["已保存为编辑中，但未能提交：请上传非模板录入附件后再提交。"]


PLAGIARISM_KINDS = [k.key for k in catalogue().kinds() if any(s.key == "plagiarism" for s in k.slots)]


def _big(name: str, mb: float) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"PK\x03\x04" + b"\0" * int(mb * 1024 * 1024), content_type="application/zip")


def test_the_plagiarism_slot_is_declared_for_topic_paper_and_review():
    assert PLAGIARISM_KINDS == ["health_topic", "health_paper", "health_review"]
    for key in PLAGIARISM_KINDS:
        slot = catalogue().kind(key).slot("plagiarism")
        assert (slot.types, slot.max_mb, slot.max_count) == (("doc", "docx"), 10, 1)


@pytest.mark.parametrize("kind_key", PLAGIARISM_KINDS)
@pytest.mark.parametrize(("files", "message"), [
    (lambda: [pdf_upload("查重.pdf")], "文件“查重.pdf”的类型不允许，只能上传 doc、docx 文件。"),
    (lambda: [png_upload("查重.png")], "文件“查重.png”的类型不允许，只能上传 doc、docx 文件。"),
    (lambda: [docx_upload("一.docx"), docx_upload("二.docx")], "最多上传1个文件，当前已有0个。"),
    (lambda: [_big("大.docx", 10.01)], "文件“大.docx”超过10MB，请压缩后再上传。"),
    (lambda: [SimpleUploadedFile("假.docx", b"not a word file" * 10)], "文件“假.docx”的内容与扩展名 .docx 不符，已拒绝上传。"),
], ids=["pdf", "png", "two-files", "over-10mb", "not-really-docx"])
def test_the_plagiarism_slot_refuses_anything_but_one_doc_or_docx_up_to_10mb(
    nurse_client, nurse, kind_key, files, message
):
    slot = catalogue().kind(kind_key).slot("plagiarism")
    post = {**form_post(kind_key, by_template="是"), "slot_plagiarism": files(), "slot_scans": [png_upload()]}

    response = nurse_client.post(f"/dossier/k/{kind_key}/new/", post)

    assert response.status_code == 200
    assert message in text(response)
    assert slot.label in text(response)
    assert not Record.objects.exists() and not Evidence.objects.exists()


@pytest.mark.parametrize("kind_key", PLAGIARISM_KINDS)
def test_the_plagiarism_slot_keeps_one_docx(nurse_client, nurse, kind_key):
    post = {**form_post(kind_key, by_template="是"), "slot_plagiarism": [docx_upload()], "slot_scans": [png_upload()]}

    nurse_client.post(f"/dossier/k/{kind_key}/new/", post)

    record = Record.objects.get(owner=nurse, kind=kind_key)
    stored = record.evidence.get(slot="plagiarism")
    assert stored.name == "查重报告.docx"
    assert stored.content_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    # A second one while the first is kept is refused.
    response = nurse_client.post(f"/dossier/r/{record.pk}/edit/",
                                 {**form_post(kind_key, by_template="是"), "slot_plagiarism": [docx_upload("二.docx")]})
    assert "最多上传1个文件，当前已有1个。" in text(response)
    assert record.evidence.filter(slot="plagiarism").count() == 1


@pytest.mark.parametrize(("files", "message"), [
    (lambda: [png_upload(f"第{i}页.png") for i in range(11)], "最多上传10个文件，当前已有0个。"),
    (lambda: [pdf_upload("扫描.pdf")], "文件“扫描.pdf”的类型不允许，只能上传 png、jpg、jpeg 文件。"),
    (lambda: [docx_upload("扫描.docx")], "文件“扫描.docx”的类型不允许，只能上传 png、jpg、jpeg 文件。"),
    (lambda: [SimpleUploadedFile("封面.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 11 * 1024 * 1024)],
     "文件“封面.jpg”超过10MB，请压缩后再上传。"),
], ids=["eleven-files", "pdf", "docx", "over-10mb"])
def test_the_paper_scans_take_png_or_jpg_up_to_ten_files(nurse_client, files, message):
    response = nurse_client.post("/dossier/k/health_paper/new/",
                                 {**form_post("health_paper", by_template="是"), "slot_scans": files()})

    assert message in text(response)
    assert not Record.objects.exists()


def test_ten_scans_are_kept_and_required_for_submission(nurse_client, nurse):
    nurse_client.post("/dossier/k/health_paper/new/", {
        **form_post("health_paper", by_template="是"), "slot_scans": [png_upload(f"第{i}页.png") for i in range(1, 11)],
    }, follow=True)
    paper = Record.objects.get(owner=nurse, kind="health_paper")
    assert paper.evidence.filter(slot="scans").count() == 10

    without = nurse_client.post("/dossier/k/health_paper/new/",
                                form_post("health_paper", by_template="是", title="另一篇", action="submit"), follow=True)
    assert page_messages(without) == ["已保存为编辑中，但未能提交：请上传纸质扫描版后再提交。"]
