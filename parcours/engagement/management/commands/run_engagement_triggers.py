"""Scan the time-based triggers (reminders, deadlines, inactivity, weekly recap).

Run every 5 to 15 minutes (cron or a scheduler). Running it twice writes nothing
twice: every notification has an idempotency key."""

from django.core.management.base import BaseCommand, CommandError

from parcours.engagement.services.triggers import run_triggers
from parcours.engagement.triggers.base import TRIGGERS


class Command(BaseCommand):
    help = "Write the notifications the time-based triggers call for now."

    def add_arguments(self, parser):
        parser.add_argument("--only", nargs="*", default=None,
                            help="Scan only these triggers (names).")

    def handle(self, *args, only=None, **options):
        unknown = sorted(set(only or ()) - {name for name, spec in TRIGGERS.items()
                                            if spec.scan is not None})
        if unknown:
            raise CommandError(f"Not a time-based trigger: {', '.join(unknown)}")
        written = run_triggers(only=only)
        for name, count in written.items():
            self.stdout.write(f"{name}: {count}")
