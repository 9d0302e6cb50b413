from django.core.management.base import BaseCommand

from orgs.services import regions_load


class Command(BaseCommand):
    help = "Load current administrative divisions (GB/T 2260) from python-stdnum's maintained table."

    def add_arguments(self, parser):
        parser.add_argument(
            "--provinces",
            default="",
            help="comma-separated 2-digit province codes (default: all), e.g. 35,34,12",
        )

    def handle(self, *args, provinces, **options):
        wanted = {p.strip() for p in provinces.split(",") if p.strip()} or None
        created, total = regions_load(provinces=wanted)
        self.stdout.write(f"regions: {created} new, {total} in all")
