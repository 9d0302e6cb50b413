"""Print the current second-factor code of a demo staff account (`manage.py demo_otp_code USERNAME`)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.backends import login_name
from accounts.models import User
from zhicheng.demo.second_factor import demo_totp_code


class Command(BaseCommand):
    help = "Print the current 6-digit second-factor code of a staff account (the demo only: refused without DEBUG)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        if not settings.DEBUG:
            raise CommandError("demo_otp_code refuses to run when DEBUG is off: a code is the account's second factor.")
        user = User.objects.filter(username=login_name(username)).first()
        if user is None:
            raise CommandError(f"no account {username}")
        try:
            code = demo_totp_code(user)
        except Exception as error:  # the account has no authenticator
            raise CommandError(f"{username} has no authenticator enrolled") from error
        self.stdout.write(code)
