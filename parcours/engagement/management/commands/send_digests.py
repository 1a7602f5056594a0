"""Send the digest emails: run daily (`--frequency daily`, e.g. at 7:00) and weekly
(`--frequency weekly`, e.g. Monday 7:00) from cron or a scheduler. Running it twice
sends nothing twice: held messages are claimed, then marked sent."""

from django.core.management.base import BaseCommand

from parcours.engagement.channels.digest import DAILY, WEEKLY, send_digests


class Command(BaseCommand):
    help = "Send one email per person grouping the low-priority messages held for them."

    def add_arguments(self, parser):
        parser.add_argument("--frequency", choices=[DAILY, WEEKLY], required=True,
                            help="daily: people who chose a daily digest; weekly: weekly.")

    def handle(self, *args, frequency, **options):
        report = send_digests(frequency)
        self.stdout.write(f"{report.people} digests sent ({report.items} messages), "
                          f"{report.failed} failed")
