"""Plan the weekly campaigns' runs that are due, finish one-off campaigns whose window
closed, and stamp conversions. Run it every few minutes (cron, systemd timer), beside
`dispatch_notifications`; it is safe to run twice at once."""

from django.core.management.base import BaseCommand

from parcours.engagement.conversions import stamp_conversions
from parcours.engagement.services.campaigns import run_due_campaigns


class Command(BaseCommand):
    help = "Plan due campaign runs, finish closed one-off campaigns, stamp conversions."

    def handle(self, *args, **options):
        report = run_due_campaigns()
        converted = stamp_conversions()
        self.stdout.write(
            f"{report['runs']} run(s) planned ({report['planned']} notifications), "
            f"{report['finished']} campaign(s) finished, {converted} conversion(s) stamped.")
