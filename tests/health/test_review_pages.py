"""The employer's review page and the applicant's 查看 drawer show the child lists with their counts; the unit's
lists show 病案数量 / 文献数量."""

import re

from dossier import services
from dossier.catalogue import catalogue
from dossier.models import Status
from tests.factories import PersonFactory, UnitFactory

from .support import cell_texts, login, make_review, make_topic, page_messages, rows_of, text
from .test_case_records import cells, headers


def child_table(html: str, key: str) -> str:
    match = re.search(rf'data-testid="child-table-{key}">(.*?)</table>', html, re.S)
    assert match, f"no {key} table"
    return match.group(1)


def body_rows(table_html: str) -> list[list[str]]:
    body = re.search(r"<tbody>(.*?)</tbody>", table_html, re.S).group(1)
    return [cell_texts(tr) for tr in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def submitted_topic(nurse, cases=12):
    return services.record_submit(actor=nurse, record=make_topic(nurse, cases=cases))


def test_the_review_page_shows_the_case_list_in_order_and_the_admin_approves(client, nurse, admin):
    topic = submitted_topic(nurse)
    login(client, admin)

    response = client.get(f"/unit/records/r/{topic.pk}/")

    html = response.content.decode()
    table = child_table(html, "cases")
    assert "病案（12条）" in table
    rows = body_rows(table)
    assert [row[1] for row in rows] == [r["inpatient_no"] for r in rows_of(topic, "cases")]
    assert [row[0] for row in rows] == [str(i) for i in range(1, 13)]
    first = rows_of(topic, "cases")[0]
    fields = catalogue().kind("health_topic").child("cases").fields
    assert rows[0][1:] == ["—" if first[f.key] is None else str(first[f.key]) for f in fields]
    assert rows[0][1:5] == ["00310001", "病人1", "男", "31"]
    assert "经鼻高流量氧疗的护理" in text(response)

    approved = client.post(f"/unit/records/r/{topic.pk}/", {"decision": "approve", "opinion": "同意"}, follow=True)
    topic.refresh_from_db()
    assert topic.status == Status.APPROVED
    assert page_messages(approved)[0].startswith("已通过“经鼻高流量氧疗的护理”")


def test_the_review_page_shows_references_with_their_attachments(client, nurse, admin):
    review = services.record_submit(actor=nurse, record=make_review(nurse, references=20))

    html = login(client, admin).get(f"/unit/records/r/{review.pk}/").content.decode()

    table = child_table(html, "references")
    assert "参考文献（20条）" in table
    rows = body_rows(table)
    assert len(rows) == 20
    assert rows[0][2] == "重症患者早期活动相关研究（1）"
    assert rows[0][3].startswith("文献1.pdf")
    assert len(re.findall(r'href="/dossier/evidence/\d+/"', table)) == 20


def test_the_applicant_drawer_shows_the_case_list_and_its_count(nurse_client, nurse):
    topic = make_topic(nurse, cases=3)

    drawer = nurse_client.get(f"/dossier/r/{topic.pk}/", headers={"HX-Request": "true"})

    assert "病案（3条）" in text(drawer)
    rows = body_rows(child_table(drawer.content.decode(), "cases"))
    assert [row[1] for row in rows] == ["00310001", "00310002", "00310003"]
    full_page = nurse_client.get(f"/dossier/r/{topic.pk}/")
    assert "病案（3条）" in text(full_page)


def test_a_draft_and_another_units_record_stay_hidden_from_the_admin(client, nurse, admin):
    draft = make_topic(nurse, cases=2)
    elsewhere = PersonFactory(unit=UnitFactory(name="厦门市第二医院"), series="卫生技术")
    theirs = submitted_topic(elsewhere, cases=10)
    login(client, admin)

    assert client.get(f"/unit/records/r/{draft.pk}/").status_code == 404
    assert client.get(f"/unit/records/r/{theirs.pk}/").status_code == 404


def test_the_unit_lists_show_how_many_cases_and_references(client, nurse, colleague, admin):
    twelve = submitted_topic(nurse, cases=12)
    ten = submitted_topic(colleague, cases=10)
    review = services.record_submit(actor=nurse, record=make_review(nurse, references=21))
    login(client, admin)

    html = client.get("/unit/records/k/health_topic/").content.decode()
    assert headers(html) == ["", "序号", "审核状态", "申报人", "专题类型", "专题名称", "简要说明", "病案数量", "申报日期",
                             "操作"]
    assert cells(html, twelve)[2:8] == ["审核中", "林晓燕", "三新专题", "经鼻高流量氧疗的护理", "新技术护理经验总结", "12"]
    assert cells(html, ten)[7] == "10"

    html = client.get("/unit/records/k/health_review/").content.decode()
    assert "文献数量" in headers(html)
    assert cells(html, review)[headers(html).index("文献数量")] == "21"


def test_the_applicant_list_shows_the_case_count_and_adjust_link(nurse_client, nurse):
    draft = make_topic(nurse, cases=4)
    pending = submitted_topic(nurse, cases=11)

    html = nurse_client.get("/dossier/k/health_topic/").content.decode()

    assert headers(html) == ["序号", "审核状态", "专题类型", "专题名称", "简要说明", "病案数量", "申报日期", "操作"]
    assert cells(html, draft)[5] == "4" and cells(html, pending)[5] == "11"
    assert "调整" in cells(html, pending)[7] and "修改" in cells(html, draft)[7]
