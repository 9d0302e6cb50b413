"""The bigram index, for each database its own: PostgreSQL a GIN index over the array of a document's bigrams;
SQLite an FTS5 table over the same column (external content: it stores only the index), kept by triggers."""

from django.db import migrations

POSTGRESQL = (
    ["CREATE INDEX lookup_document_grams ON lookup_document USING gin (string_to_array(grams, ' '))"],
    ["DROP INDEX IF EXISTS lookup_document_grams"],
)

SQLITE = (
    [
        "CREATE VIRTUAL TABLE lookup_document_fts USING fts5(grams, content='lookup_document', content_rowid='id')",
        "CREATE TRIGGER lookup_document_ai AFTER INSERT ON lookup_document BEGIN "
        "INSERT INTO lookup_document_fts(rowid, grams) VALUES (new.id, new.grams); END",
        "CREATE TRIGGER lookup_document_ad AFTER DELETE ON lookup_document BEGIN "
        "INSERT INTO lookup_document_fts(lookup_document_fts, rowid, grams) VALUES ('delete', old.id, old.grams); END",
        "CREATE TRIGGER lookup_document_au AFTER UPDATE ON lookup_document BEGIN "
        "INSERT INTO lookup_document_fts(lookup_document_fts, rowid, grams) VALUES ('delete', old.id, old.grams); "
        "INSERT INTO lookup_document_fts(rowid, grams) VALUES (new.id, new.grams); END",
        "INSERT INTO lookup_document_fts(lookup_document_fts) VALUES ('rebuild')",
    ],
    [
        "DROP TRIGGER IF EXISTS lookup_document_au",
        "DROP TRIGGER IF EXISTS lookup_document_ad",
        "DROP TRIGGER IF EXISTS lookup_document_ai",
        "DROP TABLE IF EXISTS lookup_document_fts",
    ],
)


def _run(which: int):
    def run(apps, schema_editor):
        statements = {"postgresql": POSTGRESQL, "sqlite": SQLITE}.get(schema_editor.connection.vendor)
        for sql in statements[which] if statements else ():
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):

    dependencies = [("lookup", "0001_documents")]

    operations = [migrations.RunPython(_run(0), _run(1))]
