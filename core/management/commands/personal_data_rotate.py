from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from core.fields import encrypted_tables, rotate_json_fields
from core.personal_data import PersonalDataError, keyring, rewrite_table


class Command(BaseCommand):
    help = ("Re-encrypt every stored personal number that is not under the current key (the first of "
            "PERSONAL_DATA_KEYS) and recompute the blind indexes, table by table in batches by primary key, each "
            "batch committed on its own: the site stays up (every listed key still decrypts) and a stopped run "
            "resumes where it left off when started again. Remove an old key only after a run reports 0 left.")

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=1000, help="rows per transaction (default 1000)")

    def handle(self, *args, batch, **options):
        if batch < 1:
            raise CommandError("--batch must be at least 1")
        current = keyring().current_id
        total = changed = 0
        try:
            for table, pk, columns in encrypted_tables():
                counts = rewrite_table(connection, table, columns, mode="rotate", batch=batch, pk=pk)
                total, changed = total + counts["rows"], changed + counts["changed"]
                self.stdout.write(f"{table}: {counts['rows']} rows read, {counts['changed']} rewritten")
            for column, counts in rotate_json_fields(batch).items():
                total, changed = total + counts["rows"], changed + counts["changed"]
                self.stdout.write(f"{column}: {counts['rows']} rows read, {counts['changed']} rewritten")
        except PersonalDataError as error:
            raise CommandError(f"{error}: list every key still in use in PERSONAL_DATA_KEYS") from None
        self.stdout.write(f"personal data under key {current!r}: {total} rows read, {changed} rewritten")
