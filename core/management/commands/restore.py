from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, restore


class Command(BaseCommand):
    help = ("Restore a folder written by `manage.py backup` into the configured database, which must be empty "
            "(createdb first), and the file storage; checks every checksum before and the row counts after.")

    def add_arguments(self, parser):
        parser.add_argument("source", help="the backup folder")

    def handle(self, *args, source, **options):
        try:
            report = restore(source)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"restored {source}: database (row counts as in the manifest), {report.files} files "
                          f"({report.bytes} bytes)")
        for name in report.missing:
            self.stderr.write(f"not in the storage (manifest only): {name}")
