"""The case list of a 专题 (and the reference list of a 综述): add, edit, delete, ↑ ↓, import; after submission
the owner may still adjust (调整) it, each change logged in the flow; a terminated record's list is frozen."""

from core.models import FlowEntry
from dossier import services
from dossier.catalogue import catalogue
from dossier.models import ImportJob, Status
from review import services as review_services
from tests.helpers import sign_in

from .support import (
    as_cells,
    as_post,
    commit,
    docx_upload,
    fill,
    items_import_url,
    make_review,
    make_topic,
    page_messages,
    pdf_upload,
    png_upload,
    rows_of,
    template_workbook,
    text,
    topic_case_values,
    upload,
    workbook_upload,
)

CASES = catalogue().kind("health_topic").child("cases")


def items_url(record, child_key="cases"):
    return f"/dossier/r/{record.pk}/items/{child_key}/"


def act(client, item, action: str):
    return client.post(f"{items_url(item.record, item.list_key)}{item.pk}/{action}/", follow=True)


def numbers(record) -> list[str]:
    return [row["inpatient_no"] for row in rows_of(record, "cases")]


def adjustments(record) -> list[str]:
    return list(FlowEntry.objects.filter(subject_type="record", subject_id=record.pk, action="adjust")
                .order_by("pk").values_list("opinion", flat=True))


def test_owner_adds_edits_and_deletes_cases(nurse_client, nurse):
    topic = make_topic(nurse)

    response = nurse_client.post(items_url(topic), as_post(CASES.fields, topic_case_values(1)), follow=True)
    assert page_messages(response) == ["已添加一条病案。"]
    assert rows_of(topic, "cases") == [topic_case_values(1)]
    assert "00310001" in text(response)

    item = topic.items.get()
    page = nurse_client.get(f"{items_url(topic)}{item.pk}/edit/")
    assert 'value="00310001"' in page.content.decode()
    changed = {**topic_case_values(1), "patient": "病人甲", "age": 61}
    response = nurse_client.post(f"{items_url(topic)}{item.pk}/edit/", as_post(CASES.fields, changed), follow=True)
    assert page_messages(response) == ["已保存病案。"]
    assert rows_of(topic, "cases") == [changed]

    response = act(nurse_client, item, "delete")
    assert page_messages(response) == ["已删除一条病案。"]
    assert not topic.items.exists()
    assert adjustments(topic) == []  # changes to a draft are not 调整


def test_a_bad_case_is_refused_by_its_field(nurse_client, nurse):
    topic = make_topic(nurse)
    bad = {**topic_case_values(1), "age": 200, "sex": "未知"}

    response = nurse_client.post(items_url(topic), as_post(CASES.fields, bad))

    assert "年龄不能大于150。" in text(response) and "请从列表中选择性别。" in text(response)
    assert 'value="00310001"' in response.content.decode()  # what was typed is kept
    assert not topic.items.exists()


def test_the_same_case_twice_is_refused(nurse_client, nurse):
    topic = make_topic(nurse, cases=1)

    response = nurse_client.post(items_url(topic), as_post(CASES.fields, topic_case_values(1)), follow=True)

    assert page_messages(response) == ["该病案已存在，请勿重复添加。"]
    assert topic.items.count() == 1


def test_arrows_move_a_case_up_and_down(nurse_client, nurse):
    topic = make_topic(nurse, cases=4)
    first, second, third, fourth = topic.items.order_by("position")

    moved = nurse_client.post(f"{items_url(topic)}{third.pk}/up/")
    assert moved["Location"] == f"{items_url(topic)}#item-{third.pk}"  # back to the moved row
    assert numbers(topic) == ["00310001", "00310003", "00310002", "00310004"]
    act(nurse_client, first, "down")
    assert numbers(topic) == ["00310003", "00310001", "00310002", "00310004"]
    act(nurse_client, fourth, "down")  # already last: nothing moves
    act(nurse_client, topic.items.get(data__inpatient_no="00310003"), "up")  # already first
    assert numbers(topic) == ["00310003", "00310001", "00310002", "00310004"]
    assert list(topic.items.order_by("position").values_list("position", flat=True)) == [1, 2, 3, 4]

    page = nurse_client.get(items_url(topic)).content.decode()
    assert page.index("00310003") < page.index("00310001") < page.index("00310002") < page.index("00310004")


def test_after_submission_every_change_is_an_adjustment_in_the_flow(nurse_client, nurse):
    topic = services.record_submit(actor=nurse, record=make_topic(nurse, cases=10))
    assert topic.status == Status.PENDING

    page = nurse_client.get(items_url(topic))
    assert "调整病案列表" in text(page) and "每次调整都会记入流程" in text(page)
    listing = nurse_client.get("/dossier/k/health_topic/").content.decode()
    assert f'href="{items_url(topic)}">调整</a>' in listing

    nurse_client.post(items_url(topic), as_post(CASES.fields, topic_case_values(11)))
    eleventh = topic.items.get(position=11)
    nurse_client.post(f"{items_url(topic)}{eleventh.pk}/edit/",
                      as_post(CASES.fields, {**topic_case_values(11), "remarks": "补充随访"}))
    act(nurse_client, eleventh, "up")
    act(nurse_client, topic.items.get(position=1), "delete")
    workbook = fill(template_workbook(nurse_client, "/dossier/template/health_topic/cases/"),
                    [as_cells(CASES.fields, topic_case_values(i)) for i in (12, 13)])
    _page, job = upload(nurse_client, items_import_url(topic), workbook_upload(workbook))
    commit(nurse_client, job)

    topic.refresh_from_db()
    assert topic.status == Status.PENDING  # still with the unit
    assert topic.items.count() == 12
    assert adjustments(topic) == ["调整病案：新增第11条", "调整病案：修改一条", "调整病案：调整排序", "调整病案：删除一条",
                                  "调整病案：导入2条"]
    entries = FlowEntry.objects.filter(subject_id=topic.pk, action="adjust")
    assert {(e.actor_id, e.from_status, e.to_status) for e in entries} == {(nurse.pk, "pending", "pending")}
    drawer = nurse_client.get(f"/dossier/r/{topic.pk}/", headers={"HX-Request": "true"})
    assert text(drawer).count("调整 · 林晓燕（个人）") == 5


def test_a_terminated_record_refuses_every_change(nurse_client, nurse, admin):
    topic = services.record_submit(actor=nurse, record=make_topic(nurse, cases=10))
    review_services.record_decide(actor=admin, record=topic, decision="terminate")
    before = rows_of(topic, "cases")
    item = topic.items.get(position=2)

    added = nurse_client.post(items_url(topic), as_post(CASES.fields, topic_case_values(20)), follow=True)
    assert page_messages(added) == ["已终止的业绩不能调整。"]
    for action in ("up", "down", "delete"):
        assert page_messages(act(nurse_client, item, action)) == ["已终止的业绩不能调整。"]
    edited = nurse_client.post(f"{items_url(topic)}{item.pk}/edit/",
                               as_post(CASES.fields, {**item.data, "patient": "改名"}), follow=True)
    assert page_messages(edited) == ["已终止的业绩不能调整。"]
    workbook = fill(template_workbook(nurse_client, "/dossier/template/health_topic/cases/"),
                    [as_cells(CASES.fields, topic_case_values(30))])
    _page, job = upload(nurse_client, items_import_url(topic), workbook_upload(workbook))
    commit(nurse_client, job)
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED and job.message == "已终止的业绩不能调整。"

    assert rows_of(topic, "cases") == before
    assert adjustments(topic) == []
    listing = nurse_client.get("/dossier/k/health_topic/").content.decode()
    assert f'href="{items_url(topic)}">调整</a>' not in listing


def test_another_person_cannot_see_or_change_the_list(client, nurse, colleague):
    topic = make_topic(nurse, cases=2)
    item = topic.items.first()
    sign_in(client, colleague)

    assert client.get(items_url(topic)).status_code == 404
    assert client.post(items_url(topic), as_post(CASES.fields, topic_case_values(9))).status_code == 404
    assert client.get(f"{items_url(topic)}{item.pk}/edit/").status_code == 404
    for action in ("up", "down", "delete"):
        assert client.post(f"{items_url(topic)}{item.pk}/{action}/").status_code == 404
    assert client.post(items_import_url(topic), {"file": png_upload()}).status_code == 404
    assert topic.items.count() == 2


def test_an_item_of_another_list_or_an_unknown_action_is_not_found(nurse_client, nurse):
    topic = make_topic(nurse, cases=1)
    other = make_topic(nurse, cases=1, name="另一个专题")
    item = other.items.get()

    assert nurse_client.post(f"{items_url(topic)}{item.pk}/delete/").status_code == 404
    assert nurse_client.post(f"{items_url(topic)}{topic.items.get().pk}/swap/").status_code == 404
    assert nurse_client.get(items_url(topic, "references")).status_code == 404
    assert other.items.count() == 1


def test_a_reference_is_added_with_its_attachment_and_the_attachment_can_be_replaced(nurse_client, nurse):
    review = make_review(nurse)
    references = catalogue().kind("health_review").child("references")

    response = nurse_client.post(items_url(review, "references"), {
        **as_post(references.fields, {"year": 2025, "title": "早期活动的循证研究"}), "attachment": pdf_upload("文献一.pdf"),
    }, follow=True)
    assert page_messages(response) == ["已添加一条参考文献。"]
    item = review.items.get()
    assert [e.name for e in item.evidence.all()] == ["文献一.pdf"]

    refused = nurse_client.post(f"{items_url(review, 'references')}{item.pk}/edit/", {
        **as_post(references.fields, item.data), "attachment": docx_upload("文献.docx"),
    })
    assert "只能上传 pdf、jpg、jpeg、png 文件" in text(refused)

    nurse_client.post(f"{items_url(review, 'references')}{item.pk}/edit/", {
        **as_post(references.fields, item.data), "attachment": png_upload("文献一扫描.png"),
    })
    assert [e.name for e in item.evidence.all()] == ["文献一扫描.png"]


def test_the_edit_page_links_to_the_case_list_with_its_count(nurse_client, nurse):
    topic = make_topic(nurse, cases=4)

    page = nurse_client.get(f"/dossier/r/{topic.pk}/edit/")

    assert "病案列表：已录入 4 条（提交至少需要10条）" in text(page)
    assert f'href="{items_url(topic)}"' in page.content.decode()
