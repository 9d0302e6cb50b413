"""manage.py certificate_demo_key: a self-signed signing key for the electronic certificates of the demo (`make
demo` runs it), written to CERTIFICATE_SIGNING_KEY / CERTIFICATE_SIGNING_CERT unless both exist (--force: anew)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from certificates.keys import self_signed


class Command(BaseCommand):
    help = "Generate a self-signed demo key for signing electronic certificates (not for production)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="replace an existing key")

    def handle(self, *args, force=False, **options):
        key, cert = Path(settings.CERTIFICATE_SIGNING_KEY), Path(settings.CERTIFICATE_SIGNING_CERT)
        if key.is_file() and cert.is_file() and not force:
            self.stdout.write(f"Signing key exists: {key}")
            return
        self_signed(key, cert, common_name="职称评审电子证书演示签章（仅供演示）")
        self.stdout.write(f"Demo signing key written: {key}, {cert}")
