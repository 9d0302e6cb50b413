"""The bigram index serves the query: on PostgreSQL the plan reads the GIN index over the bigrams (sequential scans
switched off: a test table is small enough to scan, a province's is not); on SQLite the FTS5 table answers them."""

import pytest
from django.db import connection

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
