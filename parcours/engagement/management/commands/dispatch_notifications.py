"""The delivery worker: decide on due notifications, then send email and push.

Run one (or several, on PostgreSQL) next to the web processes:

    manage.py dispatch_notifications              # loop until stopped (SIGTERM, Ctrl-C)
    manage.py dispatch_notifications --once       # one round, for cron or a test

A round that hits `--limit` starts the next one at once; an idle worker waits
`--interval` seconds. Stopping lets the round in progress finish: a worker killed
harder leaves its claims to expire (their lease) and be taken over.
"""

import signal
import time

from django.core.management.base import BaseCommand, CommandError

from parcours.engagement.services.dispatch import deliver_pending, dispatch_due


class Command(BaseCommand):
    help = "Send the notifications that are due (in-app, email, push), in a loop or once."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run one round and stop.")
        parser.add_argument("--interval", type=float, default=5.0,
                            help="Seconds to wait when there is nothing to do (default 5).")
        parser.add_argument("--limit", type=int, default=500,
                            help="Notifications and deliveries per round (default 500).")

    def handle(self, *args, once=False, interval=5.0, limit=500, verbosity=1, **options):
        if limit < 1 or interval < 0:
            raise CommandError("--limit must be at least 1 and --interval not negative.")
        self.stopping = False
        if not once:
            signal.signal(signal.SIGTERM, self._stop)
            signal.signal(signal.SIGINT, self._stop)
        while True:
            decided = dispatch_due(limit=limit)
            delivered = deliver_pending(limit=limit)
            busy = decided.handled >= limit or (
                delivered.sent + delivered.retrying + delivered.dead) >= limit
            if verbosity and (once or decided.handled or delivered.sent or delivered.dead):
                self.stdout.write(
                    f"sent {decided.sent}, deferred {decided.deferred}, suppressed "
                    f"{decided.suppressed}; delivered {delivered.sent}, retrying "
                    f"{delivered.retrying}, dead {delivered.dead}")
            if once or self.stopping:
                return
            if not busy:
                self._sleep(interval)
            if self.stopping:
                return

    def _stop(self, signum, frame):
        self.stopping = True

    def _sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self.stopping and time.monotonic() < deadline:
            time.sleep(min(0.2, seconds))
