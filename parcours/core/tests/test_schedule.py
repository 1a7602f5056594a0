"""The scheduler runs each periodic job when its interval has passed, and one failing
job never holds back the others."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command

from parcours.core import schedule

NOW = datetime(2026, 11, 27, 9, tzinfo=UTC)


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(schedule, "_jobs", {})
    ran = []
    schedule.periodic("often", every=timedelta(minutes=1))(lambda: ran.append("often"))
    schedule.periodic("daily", every=timedelta(days=1))(lambda: ran.append("daily"))
    return ran


def test_every_job_runs_the_first_time_then_when_its_interval_has_passed(registry):
    last_runs = {}
    schedule.run_due(last_runs, now=NOW)
    schedule.run_due(last_runs, now=NOW + timedelta(seconds=30))
    schedule.run_due(last_runs, now=NOW + timedelta(minutes=1))
    assert registry == ["often", "daily", "often"]


def test_a_failing_job_is_reported_and_the_others_still_run(registry):
    def broken():
        raise RuntimeError("mail server down")

    schedule.periodic("broken", every=timedelta(seconds=1))(broken)
    outcomes = schedule.run_due({}, now=NOW)
    assert outcomes["broken"] == "failed: RuntimeError"
    assert registry == ["often", "daily"]


def test_the_apps_register_their_jobs():
    names = {job.name for job in schedule.jobs()}
    assert {"dispatch_notifications", "run_engagement_triggers", "notify_unread_messages",
            "anonymise_engagements", "send_follow_up_surveys"} <= names


@pytest.mark.django_db
def test_run_scheduler_once_runs_the_chosen_jobs(capsys, monkeypatch):
    # Inside a test's transaction every connection looks stale (autocommit is off):
    # the long-running command's clean-up would close the test's own.
    monkeypatch.setattr("parcours.core.management.commands.run_scheduler."
                        "close_old_connections", lambda: None)
    call_command("run_scheduler", "--once", "--only", "anonymise_engagements")
    assert "anonymise_engagements: 0" in capsys.readouterr().out


def test_run_scheduler_refuses_an_unknown_job():
    with pytest.raises(CommandError):
        call_command("run_scheduler", "--once", "--only", "make_coffee")
