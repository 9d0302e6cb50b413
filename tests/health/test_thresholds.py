"""Submission thresholds of the case and reference lists come from the catalogue: 专题 ≥10 cases, 论文 ≥1 case,
all within 5 years; 综述 ≥20 references, ≥10 of the last 3 years, each with its attachment."""

import datetime
import zoneinfo

import pytest
import time_machine

from dossier import items
from dossier.catalogue import catalogue
from dossier.models import Status

from .support import (
    add_cases,
    add_references,
    make_paper,
    make_review,
    make_topic,
    page_messages,
    topic_case_values,
    years_ago,
)

TODAY = datetime.date(2026, 3, 15)
NOON = datetime.datetime(2026, 3, 15, 12, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def frozen():
    with time_machine.travel(NOON, tick=False):
        yield TODAY


def submit(client, record):
    """提交 from the list page; returns the messages shown and the record as stored."""
    response = client.post(f"/dossier/r/{record.pk}/submit/", follow=True)
    record.refresh_from_db()
    return page_messages(response), record


def test_topic_with_nine_cases_is_refused_and_with_ten_is_submitted(nurse_client, nurse):
    topic = make_topic(nurse, cases=9)

    shown, topic = submit(nurse_client, topic)
    assert shown == ["病案数量不足：至少需要10条，当前9条。"]
    assert topic.status == Status.DRAFT

    add_cases(nurse, topic, 1, start=10)
    shown, topic = submit(nurse_client, topic)
    assert shown == ["已提交，等待单位审核。"]
    assert topic.status == Status.PENDING


def test_topic_cases_must_be_within_five_years_to_the_day(nurse_client, nurse, frozen):
    five_years_ago = years_ago(frozen, 5)
    assert five_years_ago == datetime.date(2021, 3, 15)
    topic = make_topic(nurse, cases=9)
    add_cases(nurse, topic, 1, start=10, admitted=five_years_ago - datetime.timedelta(days=1))

    shown, topic = submit(nurse_client, topic)
    assert shown == ["病案须为近5年内的：第10条不在近5年内。"]
    assert topic.status == Status.DRAFT

    stale = topic.items.get(position=10)
    child = catalogue().kind("health_topic").child("cases")
    items.item_update(actor=nurse, item=stale, child=child,
                      data={**stale.data, "admitted_on": five_years_ago.isoformat()})
    shown, topic = submit(nurse_client, topic)
    assert shown == ["已提交，等待单位审核。"]


def test_a_case_counts_as_recent_only_when_admitted_within_five_years(frozen):
    child = catalogue().kind("health_topic").child("cases")
    limit = years_ago(frozen, 5)
    # Discharged well within the five years, but admitted the day before the limit: both dates must be recent.
    day_before = limit - datetime.timedelta(days=1)
    assert not items.is_recent(child, topic_case_values(1, admitted=day_before, stay=30), frozen)
    assert items.is_recent(child, topic_case_values(1, admitted=limit, stay=0), frozen)
    assert items.is_recent(child, topic_case_values(1, admitted=frozen, stay=0), frozen)


def test_on_29_february_five_years_ago_is_28_february():
    child = catalogue().kind("health_topic").child("cases")
    leap_day = datetime.date(2028, 2, 29)
    assert items.is_recent(child, topic_case_values(1, admitted=datetime.date(2023, 2, 28), stay=0), leap_day)
    assert not items.is_recent(child, topic_case_values(1, admitted=datetime.date(2023, 2, 27), stay=1), leap_day)


def test_topic_problems_are_listed_on_its_case_list_page(nurse_client, nurse, frozen):
    topic = make_topic(nurse, cases=3, admitted=years_ago(frozen, 6))

    page = nurse_client.get(f"/dossier/r/{topic.pk}/items/cases/").content.decode()

    assert "病案数量不足：至少需要10条，当前3条。" in page
    assert "病案须为近5年内的：第1条、第2条、第3条不在近5年内。" in page


def test_paper_needs_at_least_one_recent_case(nurse_client, nurse, frozen):
    paper = make_paper(nurse)

    shown, paper = submit(nurse_client, paper)
    assert shown == ["病案数量不足：至少需要1条，当前0条。"]

    add_cases(nurse, paper, 1, kind_key="health_paper", admitted=years_ago(frozen, 5) - datetime.timedelta(days=1))
    shown, paper = submit(nurse_client, paper)
    assert shown == ["病案须为近5年内的：第1条不在近5年内。"]

    paper.items.all().delete()
    add_cases(nurse, paper, 1, kind_key="health_paper", admitted=years_ago(frozen, 5))
    shown, paper = submit(nurse_client, paper)
    assert shown == ["已提交，等待单位审核。"]
    assert paper.status == Status.PENDING


def test_review_with_nineteen_references_is_refused_and_with_twenty_is_submitted(nurse_client, nurse):
    review = make_review(nurse, references=19)

    shown, review = submit(nurse_client, review)
    assert shown == ["参考文献数量不足：至少需要20条，当前19条。"]

    add_references(nurse, review, 1, start=20)
    shown, review = submit(nurse_client, review)
    assert shown == ["已提交，等待单位审核。"]


def test_review_needs_ten_references_of_the_last_three_years(nurse_client, nurse, frozen):
    review = make_review(nurse, references=20, recent=9)

    shown, review = submit(nurse_client, review)
    assert shown == ["近3年的参考文献至少需要10条，当前9条。"]

    # 近3年 in 2026 is 2024–2026: 2023 does not count, 2024 does.
    old = review.items.get(position=10)
    child = catalogue().kind("health_review").child("references")
    items.item_update(actor=nurse, item=old, child=child, data={**old.data, "year": 2023})
    assert submit(nurse_client, review)[0] == ["近3年的参考文献至少需要10条，当前9条。"]
    items.item_update(actor=nurse, item=old, child=child, data={**old.data, "year": 2024})
    shown, review = submit(nurse_client, review)
    assert shown == ["已提交，等待单位审核。"]


def test_every_reference_needs_its_attachment(nurse_client, nurse):
    review = make_review(nurse, references=19)
    add_references(nurse, review, 1, start=20, attached=False)

    shown, review = submit(nurse_client, review)
    assert shown == ["每条参考文献都须上传附件：第20条缺少附件。"]
    assert review.status == Status.DRAFT


def test_an_override_changes_the_case_threshold(nurse_client, nurse, catalogue_override):
    catalogue_override("""
        [kinds.health_topic.children.cases]
        min_count = 3
    """)
    cases = catalogue().kind("health_topic").child("cases")
    assert cases.min_count == 3
    assert cases.label == "病案" and cases.recent_years == 5 and len(cases.fields) == 10  # the rest is kept

    topic = make_topic(nurse, cases=2)
    shown, topic = submit(nurse_client, topic)
    assert shown == ["病案数量不足：至少需要3条，当前2条。"]

    add_cases(nurse, topic, 1, start=3)
    shown, topic = submit(nurse_client, topic)
    assert shown == ["已提交，等待单位审核。"]


def test_an_override_changes_the_reference_rules(nurse_client, nurse, catalogue_override):
    catalogue_override("""
        [kinds.health_review.children.references]
        min_count = 2
        recent_min = 1
    """)

    review = make_review(nurse, references=2, recent=1)
    shown, review = submit(nurse_client, review)
    assert shown == ["已提交，等待单位审核。"]
