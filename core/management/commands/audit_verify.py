from django.core.management.base import BaseCommand, CommandError

from core.audit import verify


class Command(BaseCommand):
    help = "Check the audit log's SHA-256 chain; name the first altered or deleted row (exit status 1)."

    def handle(self, *args, **options):
        broken = verify()
        if broken is not None:
            raise CommandError(f"audit chain broken at {broken}")
        self.stdout.write("audit chain intact")
