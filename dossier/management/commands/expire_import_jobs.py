from django.core.management.base import BaseCommand

from dossier.imports import STALE_AFTER, import_jobs_expire


class Command(BaseCommand):
    help = (f"Mark Excel imports whose worker died (no progress for {STALE_AFTER}) as failed and delete their "
            "uploaded files; run it every few minutes (cron) so that no upload outlives its job.")

    def handle(self, *args, **options):
        self.stdout.write(f"interrupted imports marked failed: {import_jobs_expire()}")
