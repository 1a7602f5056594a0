"""Jobs that run on a clock: reminders to scan, messages to dispatch, digests, retention.

Each app registers its jobs with `@periodic(name, every=…)` in its `schedule.py`
(imported by the app's `ready()`); `manage.py run_scheduler` runs them, each when its
interval has passed, next to the task worker. Every job is safe to run again (the
notifications it writes have idempotency keys, the anonymisation skips what is done),
so a scheduler restarted, or two of them, does no harm beyond some wasted work.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every: timedelta
    run: Callable[[], object]


_jobs: dict[str, PeriodicJob] = {}


def periodic(name: str, *, every: timedelta) -> Callable[[Callable], Callable]:
    """Register a function to run every `every`."""

    def register(function: Callable[[], object]) -> Callable[[], object]:
        _jobs[name] = PeriodicJob(name, every, function)
        return function

    return register


def jobs() -> list[PeriodicJob]:
    return sorted(_jobs.values(), key=lambda job: (job.every, job.name))


def run_due(last_runs: dict[str, datetime], *, now: datetime,
            only: set[str] | None = None) -> dict[str, str]:
    """Run the jobs whose interval has passed since their last run (all of them the first
    time); returns what each said, or the error. One failing job does not stop the
    others: it is logged and tried again at its next turn."""
    outcomes = {}
    for job in jobs():
        if only and job.name not in only:
            continue
        last = last_runs.get(job.name)
        if last is not None and now - last < job.every:
            continue
        last_runs[job.name] = now
        try:
            outcomes[job.name] = str(job.run())
        except Exception as error:
            logger.exception("Scheduled job %s failed", job.name)
            outcomes[job.name] = f"failed: {error.__class__.__name__}"
    return outcomes
