"""Background tasks with retries.

django-tasks runs a task once; delivery work (email, push, webhooks) fails for
reasons that pass (a mail server restarting), so it is retried with exponential
backoff before it is given up and left FAILED for someone to look at.
"""

import functools
import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)


def retry_delay(attempt: int, first_delay_seconds: int) -> timedelta:
    """Wait before the attempt after `attempt`: first delay, then doubled each time."""
    return timedelta(seconds=first_delay_seconds * 2 ** (attempt - 1))


def task_with_retries(*, max_attempts: int | None = None, **task_options):
    """Like `django_tasks.task`, but a failing run enqueues the next attempt.

    Each run that raises is recorded as failed (so its traceback stays visible),
    and a fresh run is enqueued `retry_delay` later until `max_attempts` runs failed.
    """

    def decorate(function):
        @functools.wraps(function)
        def run(*args, attempt: int = 1, **kwargs):
            try:
                return function(*args, **kwargs)
            except Exception:
                limit = max_attempts or settings.TASK_MAX_ATTEMPTS
                if attempt >= limit:
                    logger.exception("%s gave up after %d attempts", function.__name__, attempt)
                    raise
                delay = retry_delay(attempt, settings.TASK_FIRST_RETRY_SECONDS)
                registered.using(run_after=timezone.now() + delay).enqueue(
                    *args, attempt=attempt + 1, **kwargs
                )
                logger.warning("%s failed (attempt %d), retrying in %s", function.__name__,
                               attempt, delay)
                raise

        registered = task(**task_options)(run)
        return registered

    return decorate
