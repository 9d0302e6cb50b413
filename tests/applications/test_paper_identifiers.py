"""The dossier's 期刊号 and ISBN fill the application's rows when a record is picked (no retyping), and a plan that
requires a 查重 report refuses papers without one."""

import pytest

from applications import services
from applications.precheck import precheck

from .support import approved, login, pick, plan_for, rows_of, scan_upload

pytestmark = pytest.mark.django_db

PAPER = {"title": "斜拉桥索力识别方法研究", "published_on": "2023-06-15", "journal": "土木工程学报",
         "journal_level": "核心期刊", "participants": "3", "rank": "1"}


def _problems(application):
    application.refresh_from_db()
    return [p.message for p in precheck(application) if "论文" in p.message]


def test_a_picked_paper_brings_its_issn_or_else_its_cn_number(client, person, admin):
    plan = plan_for("工程技术")
    with_issn = approved(person, admin, "paper", {**PAPER, "issn": "2095-882x", "cn_number": "CN 11-2120/TU"})
    with_cn = approved(person, admin, "paper", {**PAPER, "title": "第二篇", "cn_number": "cn 11-2120/tu"})
    book = approved(person, admin, "book", {"name": "桥梁设计", "book_type": "专著", "published_on": "2022-05-01",
                                            "publisher": "人民交通出版社", "isbn": "9787114123450"})
    application = services.application_start(actor=person, plan=plan, series="工程技术", level="副高")
    login(client, person)
    pick(client, application, "papers", [with_issn, with_cn])
    pick(client, application, "books", [book])
    by_title = {r["values"]["title"]: r["values"] for r in rows_of(application, "papers")}
    assert by_title[PAPER["title"]]["issn"] == "ISSN 2095-882X"
    assert by_title["第二篇"]["issn"] == "CN 11-2120/TU"
    assert rows_of(application, "books")[0]["values"]["isbn"] == "ISBN 978-7-114-12345-0"
    assert not [m for m in _problems(application) if "期刊号" in m or "书号" in m]


def test_a_plan_requiring_plagiarism_reports_refuses_a_paper_without_one(client, person, admin):
    plan = plan_for("工程技术", papers_need_plagiarism=True)
    checked = approved(person, admin, "paper", {**PAPER, "issn": "2095-882X"},
                       slot_files={"plagiarism_report": [scan_upload("查重报告.jpg")]})
    unchecked = approved(person, admin, "paper", {**PAPER, "title": "没有查重的论文", "issn": "2095-882X"})
    application = services.application_start(actor=person, plan=plan, series="工程技术", level="副高")
    login(client, person)
    pick(client, application, "papers", [checked])
    assert not [m for m in _problems(application) if "查重" in m]

    pick(client, application, "papers", [unchecked])
    assert [m for m in _problems(application) if "查重" in m] == [
        "本计划要求论文附查重报告：论文情况第2条没有查重报告，请在业绩库的论文发表情况中上传查重报告后从业绩库选择该论文。"]


def test_without_the_plan_flag_no_report_is_asked(client, person, admin):
    plan = plan_for("工程技术")
    assert plan.papers_need_plagiarism is False
    paper = approved(person, admin, "paper", {**PAPER, "issn": "2095-882X"})
    application = services.application_start(actor=person, plan=plan, series="工程技术", level="副高")
    login(client, person)
    pick(client, application, "papers", [paper])
    assert not [m for m in _problems(application) if "查重" in m]


def test_the_plan_form_offers_the_flag(client, bureau):
    login(client, bureau)
    page = client.get("/apply/plans/").content.decode()
    assert 'name="p-papers_need_plagiarism"' in page and "论文须附查重报告" in page
