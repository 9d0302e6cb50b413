from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dossier.continuing_education import feed_ingest, parse_feed


class Command(BaseCommand):
    help = "Import continuing-education hours from the platform's export (CSV or JSON keyed by ID number)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--format", choices=["csv", "json"], default=None)
        parser.add_argument("--source", default="ce-platform", help="name of the exporting platform")
        parser.add_argument("--no-extract", action="store_true", help="only store the rows; people pull them")

    def handle(self, path, format, source, no_extract, **options):
        file = Path(path)
        if not file.exists():
            raise CommandError(f"no such file: {path}")
        fmt = format or ("json" if file.suffix.lower() == ".json" else "csv")
        result = feed_ingest(parse_feed(file.read_bytes(), fmt=fmt), source=source, extract=not no_extract,
                             first_line=2 if fmt == "csv" else 1)
        for error in result.errors:
            self.stderr.write(error)
        self.stdout.write(
            f"received {result.received}, already had {result.duplicates}, extracted {result.extracted}, "
            f"rejected {len(result.errors)}"
        )
