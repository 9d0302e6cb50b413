from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.backup import BackupError, backup


class Command(BaseCommand):
    help = ("Back up the PostgreSQL database (pg_dump, custom format) and every stored file, with a manifest of "
            "row counts and SHA-256 checksums, into a new folder (docs/backup.md).")

    def add_arguments(self, parser):
        parser.add_argument("--output", help="a new or empty folder (default: var/backups/<UTC time>)")
        parser.add_argument("--manifest-only", action="store_true",
                            help="list the files with their checksums without copying them (an S3 bucket kept "
                                 "with versioning)")

    def handle(self, *args, output=None, manifest_only=False, **options):
        target = Path(output or Path("var") / "backups" / timezone.now().strftime("%Y%m%dT%H%M%SZ"))
        try:
            report = backup(target, copy_media=not manifest_only)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"backup written to {target}: database dump, {report.files} files ({report.bytes} bytes)")
        for name in report.missing:
            self.stderr.write(f"missing from the storage, not in the backup: {name}")
