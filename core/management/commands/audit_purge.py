from django.core.management.base import BaseCommand, CommandError

from core.audit import purge


class Command(BaseCommand):
    help = ("Delete audit rows older than AUDIT_RETENTION_DAYS (at least 184) and record the purge with the anchor "
            "of the first remaining row. Run with the database owner's role: the application's may not DELETE.")

    def handle(self, *args, **options):
        try:
            deleted = purge()
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"audit rows purged: {deleted}")
