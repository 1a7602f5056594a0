"""The engine's background work as tasks, for deployments that drive everything through
the task queue (`manage.py db_worker`, or Celery through the same tasks API) instead of
running the `dispatch_notifications` worker command.

Each task is one round of a service that is safe to run again and in parallel
(claims, leases and idempotency keys live in the services), so a task that fails is
simply run again by the next round: no retries of their own.
"""

from django_tasks import task

from parcours.engagement.channels.digest import send_digests
from parcours.engagement.services.dispatch import deliver_pending, dispatch_due


@task()
def dispatch_notifications(limit: int = 500) -> str:
    """Decide on what is due, then send what is waiting (email, push)."""
    decided = dispatch_due(limit=limit)
    delivered = deliver_pending(limit=limit)
    return (f"sent {decided.sent}, deferred {decided.deferred}, "
            f"suppressed {decided.suppressed}; delivered {delivered.sent}, "
            f"retrying {delivered.retrying}, dead {delivered.dead}")


@task()
def send_digest_emails(frequency: str) -> str:
    """The daily or weekly digest emails."""
    report = send_digests(frequency)
    return f"{report.people} digests, {report.items} messages, {report.failed} failed"
