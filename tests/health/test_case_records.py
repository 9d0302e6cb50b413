"""卫生-病案 records: their list columns, and 批量提交 of the selected rows."""

import re

from dossier import services
from dossier.models import Record, Status
from tests.factories import PersonFactory

from .support import case_values, cell_texts, login, make_case, page_messages, text


def headers(html: str) -> list[str]:
    thead = re.search(r"<thead>(.*?)</thead>", html, re.S).group(1)
    return [re.sub(r"<[^>]+>", "", th).strip() for th in re.findall(r"<th[^>]*>(.*?)</th>", thead, re.S)]


def cells(html: str, record) -> list[str]:
    row = re.search(rf'<tr data-record="{record.pk}">(.*?)</tr>', html, re.S).group(1)
    return cell_texts(row)


def test_the_case_list_shows_the_declared_columns_status_and_submission_date(nurse_client, nurse):
    draft = make_case(nurse, 1)
    submitted = services.record_submit(actor=nurse, record=make_case(nurse, 6))

    html = nurse_client.get("/dossier/k/health_case/").content.decode()

    assert headers(html) == ["", "序号", "审核状态", "住院号", "姓名", "入院日期", "出院日期", "入院诊断", "出院诊断",
                             "抢救或治疗结果", "手术类别", "申报日期", "操作"]
    v = case_values(6)
    assert cells(html, submitted)[2:12] == ["审核中", v["inpatient_no"], v["patient"], v["admitted_on"],
                                            v["discharged_on"], v["admission_diagnosis"], v["discharge_diagnosis"],
                                            v["outcome"], "—", submitted.submitted_at.astimezone().strftime("%Y-%m-%d")]
    assert cells(html, draft)[2] == "编辑中" and cells(html, draft)[10:12] == ["一级手术", "—"]
    # Dates, numbers, names and choices stay on one line; the diagnoses may wrap.
    row = re.search(rf'<tr data-record="{draft.pk}">(.*?)</tr>', html, re.S).group(1)
    assert f'<td class="text-nowrap">{case_values(1)["admitted_on"]}</td>' in row
    assert '<td class="text-nowrap">患者1</td>' in row and "<td>社区获得性肺炎1</td>" in row
    assert "病案模板下载" in html and "批量提交" in html and "当前表格已选择" in html
    # Only rows that can still be submitted have a check box.
    assert f'data-batch-id value="{draft.pk}"' in html
    assert f'data-batch-id value="{submitted.pk}"' not in html
    assert 'placeholder="请输入住院号/姓名/入院诊断"' in html


def test_the_case_list_is_searched_by_hospital_number_name_and_diagnosis(nurse_client, nurse):
    first, second = make_case(nurse, 1), make_case(nurse, 2)

    html = nurse_client.get("/dossier/k/health_case/", {"q": "00230002"}).content.decode()
    assert f'data-record="{second.pk}"' in html and f'data-record="{first.pk}"' not in html
    html = nurse_client.get("/dossier/k/health_case/", {"q": "社区获得性肺炎1"}).content.decode()
    assert f'data-record="{first.pk}"' in html


def test_batch_submit_sends_the_selected_drafts_and_reports_the_rest(nurse_client, nurse, colleague):
    first, second, third = (make_case(nurse, i) for i in (1, 2, 3))
    already = services.record_submit(actor=nurse, record=make_case(nurse, 4))
    not_selected = make_case(nurse, 5)
    colleagues = make_case(colleague, 6)

    response = nurse_client.post("/dossier/k/health_case/batch-submit/",
                                 {"ids": [first.pk, second.pk, already.pk, colleagues.pk, "x"]}, follow=True)

    assert response.redirect_chain[-1][0] == "/dossier/k/health_case/"
    assert page_messages(response) == ["已提交 2 条；未提交 1 条：“患者4”：该业绩的状态已经变化，请刷新后再操作。"]
    status = dict(Record.objects.values_list("pk", "status"))
    assert status[first.pk] == status[second.pk] == Status.PENDING
    assert status[third.pk] == status[not_selected.pk] == Status.DRAFT
    assert status[colleagues.pk] == Status.DRAFT  # another person's row is skipped without a word
    assert "患者6" not in page_messages(response)[0]


def test_batch_submit_of_only_drafts_says_how_many(nurse_client, nurse):
    records = [make_case(nurse, i) for i in range(1, 4)]

    response = nurse_client.post("/dossier/k/health_case/batch-submit/", {"ids": [r.pk for r in records]}, follow=True)

    assert page_messages(response) == ["已批量提交 3 条卫生-病案，等待单位审核。"]
    assert set(Record.objects.values_list("status", flat=True)) == {Status.PENDING}
    assert "审核中(3)" in text(response)


def test_batch_submit_without_a_selection_asks_for_one(nurse_client, nurse, colleague):
    colleagues = make_case(colleague, 1)

    response = nurse_client.post("/dossier/k/health_case/batch-submit/", {"ids": [colleagues.pk]}, follow=True)

    assert page_messages(response) == ["请先勾选要提交的记录。"]
    assert Record.objects.get().status == Status.DRAFT


def test_batch_submit_reports_every_row_a_person_may_not_submit_yet(client, hospital):
    newcomer = PersonFactory(unit=hospital, series="卫生技术", registration="pending")
    records = [make_case(newcomer, i) for i in (1, 2)]

    response = login(client, newcomer).post("/dossier/k/health_case/batch-submit/",
                                            {"ids": [r.pk for r in records]}, follow=True)

    assert page_messages(response) == [
        "已提交 0 条；未提交 2 条：“患者1”：您的注册尚未通过单位审核，暂不能提交业绩；“患者2”：您的注册尚未通过单位审核，暂不能提交业绩。"
    ]
    assert set(Record.objects.values_list("status", flat=True)) == {Status.DRAFT}


def test_batch_submit_of_an_unknown_type_is_not_found(nurse_client):
    assert nurse_client.post("/dossier/k/no_such_kind/batch-submit/", {"ids": [1]}).status_code == 404
    assert nurse_client.get("/dossier/k/health_case/batch-submit/").status_code == 405
