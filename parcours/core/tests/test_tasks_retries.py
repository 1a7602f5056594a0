"""A task that fails for a passing reason is tried again later, then given up."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from parcours.core.tasks import retry_delay
from parcours.core.tests.tasks_for_tests import always_fails, succeeds

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def first_retry_after_30_seconds(settings):
    settings.TASK_FIRST_RETRY_SECONDS = 30


def results_of(task) -> list[DBTaskResult]:
    """The task's runs, first attempt first (the clock is frozen: enqueued_at ties)."""
    results = DBTaskResult.objects.filter(task_path=task.module_path)
    return sorted(results, key=lambda result: result.args_kwargs["kwargs"].get("attempt", 1))


def test_the_wait_before_each_retry_doubles():
    assert [retry_delay(attempt, 30) for attempt in (1, 2, 3, 4)] == [
        timedelta(seconds=30), timedelta(seconds=60), timedelta(seconds=120),
        timedelta(seconds=240),
    ]


def test_a_failing_task_is_enqueued_again_after_the_first_delay(run_tasks):
    with time_machine.travel(START, tick=False):
        always_fails.enqueue("welcome email")
        run_tasks()

    first, retry = results_of(always_fails)
    assert first.status == TaskResultStatus.FAILED
    assert first.exception_class_path.endswith("MailServerDown")
    assert retry.status == TaskResultStatus.READY
    assert retry.run_after == START + timedelta(seconds=30)
    assert retry.args_kwargs == {"args": ["welcome email"], "kwargs": {"attempt": 2}}


def test_a_retry_waits_for_its_time_then_the_next_wait_is_twice_as_long(run_tasks):
    with time_machine.travel(START, tick=False):
        always_fails.enqueue("welcome email")
        run_tasks()
    with time_machine.travel(START + timedelta(seconds=29), tick=False):
        run_tasks()
    assert [r.status for r in results_of(always_fails)] == ["FAILED", "READY"]

    with time_machine.travel(START + timedelta(seconds=30), tick=False):
        run_tasks()

    *_, third = results_of(always_fails)
    assert [r.status for r in results_of(always_fails)] == ["FAILED", "FAILED", "READY"]
    assert third.run_after == START + timedelta(seconds=30 + 60)
    assert third.args_kwargs["kwargs"] == {"attempt": 3}


def test_a_task_that_keeps_failing_is_given_up_after_its_last_attempt(run_tasks):
    moments = [START, START + timedelta(seconds=30), START + timedelta(seconds=90)]
    with time_machine.travel(moments[0], tick=False):
        always_fails.enqueue("welcome email")
    for moment in moments:
        with time_machine.travel(moment, tick=False):
            run_tasks()
    with time_machine.travel(START + timedelta(days=1), tick=False):
        run_tasks()

    results = results_of(always_fails)
    assert [r.status for r in results] == ["FAILED", "FAILED", "FAILED"]
    assert all("cannot deliver welcome email" in r.traceback for r in results)


def test_a_task_that_succeeds_runs_once(run_tasks):
    succeeds.enqueue("welcome email")

    run_tasks()
    run_tasks()

    [result] = results_of(succeeds)
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == "delivered welcome email"
