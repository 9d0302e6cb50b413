from django.core.management.base import BaseCommand

from lookup.services import documents_rebuild


class Command(BaseCommand):
    help = "Rebuild the 全省检索 documents of every approved record and filed application."

    def handle(self, *args, **options):
        written = documents_rebuild()
        self.stdout.write(f"{written} documents written.")
