"""Many rows of one model written with PostgreSQL's COPY (psycopg's Cursor.copy), for the writer that turns a whole
file into rows at once (dossier imports): the ORM's bulk insert compiles every value of every row in Python, ten
times what the database needs to store them.

Every value goes through its model field (Field.get_db_prep_save), as the ORM's insert takes it. The values that
every row shares come from an unsaved instance (`template`: defaults, auto_now, foreign keys), converted once;
the fields named in `vary` take each row's own values. No signals are sent, as with bulk_create. Inside the
caller's transaction.
"""

from collections.abc import Iterable, Sequence

from django.db import models, transaction


def copy_rows(model: type[models.Model], template: models.Model, vary: Sequence[str], rows: Iterable[Sequence],
              *, count: int, ids: bool = False) -> list[int]:
    """Write `count` rows of `model` (each a sequence of the `vary` fields' values, in that order); with `ids`,
    the new primary keys are drawn from the table's sequence first and returned in the rows' order."""
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        raise RuntimeError("COPY is PostgreSQL's")
    quote = connection.ops.quote_name
    table, pk = model._meta.db_table, model._meta.pk
    fields = [f for f in model._meta.concrete_fields if not f.primary_key and f.name not in vary]
    shared = [f.get_db_prep_save(f.pre_save(template, add=True), connection) for f in fields]
    own = [model._meta.get_field(name) for name in vary]
    new_ids: list[int] = []
    with connection.cursor() as cursor:
        if ids:
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [quote(table), pk.column, count])
            new_ids = [row[0] for row in cursor.fetchall()]
        columns = [pk] * ids + own + fields
        with cursor.copy(f"COPY {quote(table)} ({', '.join(quote(f.column) for f in columns)}) FROM STDIN") as copy:
            written = 0
            for values in rows:
                row = [new_ids[written]] if ids else []
                row += [field.get_db_prep_save(value, connection) for field, value in zip(own, values, strict=True)]
                row += shared
                copy.write_row(row)
                written += 1
    if written != count:
        raise ValueError(f"copy_rows: {written} rows given, {count} announced")
    return new_ids
