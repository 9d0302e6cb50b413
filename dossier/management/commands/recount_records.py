from django.core.management.base import BaseCommand

from dossier.services import counters_rebuild


class Command(BaseCommand):
    help = "Rebuild the per-unit record counters from the records (after bulk loads or repairs)."

    def handle(self, *args, **options):
        rows = counters_rebuild()
        self.stdout.write(f"record counters: {rows} rows")
