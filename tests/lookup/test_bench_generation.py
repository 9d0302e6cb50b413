"""B5's set-based generation (bench.lookup.generate): the rows the database makes from the pool are documents as
the application writes them (bigrams of their text, the ID number masked beside a blind-index-wide value, unique
ids), the bigram index is
back in place afterwards (a new document is found through it), and a search over them finds what the query
without windows finds."""

import random
import re

import pytest
from django.db import connection

from accounts.models import Role, RoleAssignment
from bench import lookup as bench_lookup
from lookup import grams, selectors
from lookup.models import Document
from lookup.selectors import documents_matching, documents_search
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)
MASKED = re.compile(r"\d{4}\*{10}\d{3}[\dX]")  # core.masking's one format


def test_generated_documents_are_searchable_as_the_applications_are(monkeypatch):
    monkeypatch.setattr(bench_lookup, "POOL", 500)  # 3,000 rows from 500 contents: the pool repeats
    monkeypatch.setattr(bench_lookup, "CHUNK", 1_000)
    monkeypatch.setattr(selectors, "WINDOW", 64)  # the search's windows within 3,000 ids: 64, then 512, then the rest
    bench_lookup.generate(0.003, random.Random(5))

    assert Document.objects.count() == 3_000
    assert list(Document.objects.order_by("pk").values_list("pk", flat=True)) == list(range(1, 3_001))
    for document in Document.objects.filter(pk__in=[1, 499, 500, 501, 1_777, 3_000]):
        assert document.grams == " ".join(grams.bigrams(document.text))
        assert document.object_id == document.pk and MASKED.fullmatch(document.id_number)
        assert document.id_number.startswith(document.region_id[:4]) and document.name in document.text
        assert re.fullmatch(r"[0-9a-f]{64}", document.id_number_bidx)
    assert len(set(Document.objects.values_list("id_number_bidx", flat=True))) == 3_000
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'lookup_document_grams'")
            assert cursor.fetchone() is not None
    clerk = PersonFactory(name="省人社")
    RoleAssignment.objects.create(user=clerk, role=Role.BUREAU_STAFF, region_id="350000")
    title = Document.objects.get(pk=1_777).title
    for query in (title, title[:4]):  # the pool's own title (a few rows a pool entry), its first four characters
        expected = [d.pk for d in documents_matching(clerk, query)]
        page, following = documents_search(clerk, query)
        assert [d.pk for d in page] == expected[:20] and (following is not None) == (len(expected) > 20)
    assert len(expected) > 20
    latest = Document.objects.create(kind="record", object_id=10**9, name="甄新人", text="甄新人 示范课题",
                                     grams=" ".join(grams.bigrams("甄新人 示范课题")), region_id="350000")
    assert [d.pk for d in documents_matching(clerk, "甄新人")] == [latest.pk]  # the index keeps up again
