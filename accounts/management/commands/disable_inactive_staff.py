from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.services import inactive_staff_disable


class Command(BaseCommand):
    help = ("Disable staff accounts unused for STAFF_INACTIVE_DAYS (90), each one audited; running it again "
            "changes nothing. Run by deploy/systemd/zhicheng-reminders.service.")

    def handle(self, *args, **options):
        disabled = inactive_staff_disable()
        self.stdout.write(f"staff accounts unused for {settings.STAFF_INACTIVE_DAYS} days disabled: {len(disabled)}")
