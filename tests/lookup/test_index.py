"""The bigram index serves the query: on PostgreSQL the plan reads the GIN index over the bigrams (sequential scans
switched off: a test table is small enough to scan, a province's is not); on SQLite the FTS5 table answers them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lookup import selectors
from lookup.selectors import documents_matching, documents_search

from .conftest import approved_record

pytestmark = pytest.mark.django_db


def test_the_query_plan_reads_the_bigram_index(world):
    for i in range(30):
        approved_record(world.zhang, f"课题研究第{i}项")
    rows = documents_matching(world.province_bureau, "课题")[:21]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
        plan = rows.explain()
        assert "Bitmap Index Scan on lookup_document_grams" in plan, plan
    else:
        assert connection.vendor == "sqlite"
        plan = rows.explain()
        assert "VIRTUAL TABLE INDEX" in plan and "lookup_document_fts" in plan, plan
    page, following = documents_search(world.province_bureau, "课题")
    assert len(page) == 20 and following is not None


def _pages(user, query):
    """Every page of documents_search, followed by its cursor."""
    rows, after = [], None
    while True:
        page, after = documents_search(user, query, after=after)
        rows += [(d.pk, d.name, d.title, d.unit.name) for d in page]
        if after is None:
            return rows


@pytest.mark.parametrize("window, widen", [(1, 2), (3, 2), (2, 8), (20, 8), (4096, 8)])
def test_windows_of_ids_find_the_rows_of_the_unbounded_query_in_its_order(world, monkeypatch, window, widen):
    """The newest ids read through the primary key, then growing windows through the bigram index, then the rest:
    for a common term spread over more than a page, a rare one (the oldest document, found only by the last,
    unbounded window), one found nowhere, and for the clerk of a unit (scope: the other city's documents
    interleave), page after page the same rows as the query without windows."""
    for i in range(26):
        approved_record(world.zhang if i % 2 else world.wang, f"课题研究第{i}项")
    monkeypatch.setattr(selectors, "WINDOW", window)
    monkeypatch.setattr(selectors, "WIDEN", widen)
    for user in (world.province_bureau, world.clerk):
        for query in ("课题", "课题研究", "智慧医院", "晓明", "王晓明", "没有此人"):
            expected = [(d.pk, d.name, d.title, d.unit.name) for d in documents_matching(user, query)]
            assert _pages(user, query) == expected, (user, query)
    assert len(_pages(world.province_bureau, "课题")) == 26
    assert {name for _pk, name, *_ in _pages(world.clerk, "课题")} == {"张晓明"}  # 13 of 26: Fuzhou's only
    assert [title for _pk, _name, title, _unit in _pages(world.province_bureau, "智慧医院")] == ["智慧医院信息平台建设"]
    assert _pages(world.clerk, "王晓明") == []


def test_a_common_phrase_fills_its_page_from_the_newest_window(world, monkeypatch):
    """The window already holds a full page: the search stops there, one query for the rows, without the bigram
    index (a common phrase's posting lists are long)."""
    for i in range(30):
        approved_record(world.zhang, f"课题研究第{i}项")
    monkeypatch.setattr(selectors, "WINDOW", 25)
    with CaptureQueriesContext(connection) as captured:
        page, following = documents_search(world.province_bureau, "课题")
    assert len(page) == 20 and following == page[-1].pk
    searched = [q["sql"] for q in captured.captured_queries if "LIMIT 21" in q["sql"]]
    assert len(searched) == 1
    assert "lookup_document_fts" not in searched[0] and "string_to_array" not in searched[0]
