"""Send the day's reminders (notices.reminders); safe to run more than once a day, or twice at once."""

from django.core.management.base import BaseCommand

from notices.reminders import reminders_send


class Command(BaseCommand):
    help = "发送办理提醒（申报截止、环节超时、公示期满）。每天运行一次即可，重复运行不会重复提醒。"

    def handle(self, *args, **options):
        sent = reminders_send()
        self.stdout.write(f"申报截止提醒{sent['closing']}条，环节超时提醒{sent['stale']}条，公示期满提醒{sent['publicity']}条。")
