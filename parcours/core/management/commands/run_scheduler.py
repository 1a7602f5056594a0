"""`manage.py run_scheduler`: run every app's periodic jobs (core/schedule.py) on time.

    manage.py run_scheduler            # loop until stopped, next to db_worker
    manage.py run_scheduler --once     # every job once, for cron or a check
    manage.py run_scheduler --list     # the jobs and how often they run
"""

import signal
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.utils import timezone

from parcours.core.schedule import jobs, run_due


class Command(BaseCommand):
    help = "Run the periodic jobs (reminders, dispatch, digests, retention) on time."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run every job once and stop.")
        parser.add_argument("--list", action="store_true", help="List the jobs and stop.")
        parser.add_argument("--only", nargs="*", default=None, help="Run only these jobs.")
        parser.add_argument("--tick", type=float, default=5.0,
                            help="Seconds between two looks at the clock (default 5).")

    def handle(self, *args, once=False, list=False, only=None, tick=5.0, **options):
        known = {job.name for job in jobs()}
        unknown = sorted(set(only or ()) - known)
        if unknown:
            raise CommandError(f"Unknown job: {', '.join(unknown)}. Known: "
                               f"{', '.join(sorted(known))}.")
        if list:
            for job in jobs():
                self.stdout.write(f"{job.name:<32} every {job.every}")
            return
        self.stopping = False
        last_runs = {}
        if not once:
            signal.signal(signal.SIGTERM, self._stop)
            signal.signal(signal.SIGINT, self._stop)
        while True:
            # A long-running process: connections the database dropped are replaced.
            close_old_connections()
            outcomes = run_due(last_runs, now=timezone.now(), only=set(only) if only else None)
            for name, outcome in outcomes.items():
                if once or outcome not in ("None", "0", "{}"):
                    self.stdout.write(f"{name}: {outcome}")
            if once or self.stopping:
                return
            time.sleep(tick)

    def _stop(self, *args):
        self.stopping = True
