"""Small tasks the retry tests enqueue; the worker imports them by their dotted path."""

from parcours.core.tasks import task_with_retries


class MailServerDown(Exception):
    """Stands for a failure that passes: the thing retries exist for."""


@task_with_retries(max_attempts=3)
def always_fails(label: str) -> None:
    raise MailServerDown(f"cannot deliver {label}")


@task_with_retries(max_attempts=3)
def succeeds(label: str) -> str:
    return f"delivered {label}"
