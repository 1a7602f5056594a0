"""Health check for load balancers, uptime monitors and people running the demo."""

import logging
import time

from django.db import DatabaseError, connection
from django.db.models import Case, Count, F, Min, Q, When
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

logger = logging.getLogger(__name__)

# A due task that has waited this long means no worker is taking work off the queue
# (the usual cause: `manage.py db_worker` is not running).
TASK_BACKLOG_SECONDS = 5 * 60


@never_cache
@require_safe
def healthz(request):
    """Say whether this process can serve: the database answers, the task queue moves.

    503 only when the database is unreachable (this process cannot serve anything).
    A stalled queue answers 200 with status "degraded": pages still work, but emails
    and other background work wait, so a monitor should warn, not take the web down.
    No login, and nothing in the answer names a person, a host or a setting.
    """
    database = _database()
    tasks = _tasks() if database["ok"] else {
        "pending": None, "scheduled": None, "oldest_pending_age_seconds": None,
    }
    oldest = tasks["oldest_pending_age_seconds"]
    healthy = database["ok"] and (oldest is None or oldest < TASK_BACKLOG_SECONDS)
    return JsonResponse(
        {"status": "ok" if healthy else "degraded", "database": database, "tasks": tasks},
        status=200 if database["ok"] else 503,
    )


def _database() -> dict:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.error("Health check: the database is unreachable: %s", error)
        return {"ok": False, "error": type(error).__name__}
    return {"ok": True, "latency_ms": round((time.perf_counter() - started) * 1000, 2)}


def _tasks() -> dict:
    """Count the queue in one query.

    `pending` are tasks due now: READY, with no `run_after` or one that has passed.
    `scheduled` are READY tasks set to run later (retries waiting out their backoff).
    A task is due from its `run_after` when it has one, else from its `enqueued_at`,
    so `oldest_pending_age_seconds` is how long the longest-waiting due task has been
    kept waiting beyond the time it was meant to run.
    """
    now = timezone.now()
    no_run_after = get_date_max()  # what django-tasks-db stores when run_after is not set
    due = Q(run_after=no_run_after) | Q(run_after__lte=now)
    due_since = Case(When(run_after=no_run_after, then=F("enqueued_at")), default=F("run_after"))
    try:
        figures = DBTaskResult.objects.filter(status=TaskResultStatus.READY).aggregate(
            ready=Count("pk"),
            pending=Count("pk", filter=due),
            oldest_due_since=Min(due_since, filter=due),
        )
    except DatabaseError as error:
        logger.error("Health check: cannot read the task queue: %s", error)
        return {"pending": None, "scheduled": None, "oldest_pending_age_seconds": None}
    oldest = figures["oldest_due_since"]
    return {
        "pending": figures["pending"],
        "scheduled": figures["ready"] - figures["pending"],
        "oldest_pending_age_seconds": (
            round(max((now - oldest).total_seconds(), 0.0), 3) if oldest is not None else None
        ),
    }
