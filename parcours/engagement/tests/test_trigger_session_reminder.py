"""Léa is reminded of her session two days and one hour before; never of a session
cancelled, nor of one she left. The engine took this over from classroom's job."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command

from parcours.classroom.models import RegistrationStatus, SessionStatus
from parcours.engagement.kinds import kind
from parcours.engagement.services.triggers import configure_trigger, run_triggers
from parcours.engagement.tests.triggers_for_tests import notifications, session_with_seat
from parcours.engagement.triggers.session_reminder import reminder_due

NAME = "session_reminder"


@pytest.fixture
def seat(organisation, lea, sophie):
    return session_with_seat(organisation, lea, by=sophie)


def test_the_nearest_reminder_whose_window_has_opened_is_the_one_due():
    from datetime import UTC, datetime
    start = datetime(2026, 10, 12, 9, tzinfo=UTC)
    assert reminder_due(start, start - timedelta(days=3), [48, 1]) is None
    assert reminder_due(start, start - timedelta(hours=47), [48, 1]) == 48
    assert reminder_due(start, start - timedelta(minutes=30), [48, 1]) == 1
    assert reminder_due(start, start + timedelta(minutes=1), [48, 1]) is None


def test_nothing_is_written_three_days_before(seat):
    assert run_triggers(only=[NAME]) == {NAME: 0}


def test_lea_is_reminded_two_days_then_one_hour_before_once_each(seat, lea):
    session = seat.session
    with time_machine.travel(session.starts_at - timedelta(days=2) + timedelta(minutes=5)):
        assert run_triggers(only=[NAME]) == {NAME: 1}
        assert run_triggers(only=[NAME]) == {NAME: 0}
    with time_machine.travel(session.starts_at - timedelta(minutes=50)):
        call_command("run_engagement_triggers", only=[NAME], verbosity=0)
        call_command("run_engagement_triggers", only=[NAME], verbosity=0)

    reminders = notifications(NAME)
    assert [n.context["lead_hours"] for n in reminders] == [48, 1]
    assert all(n.recipient == lea for n in reminders)
    assert not reminders[0].nudge  # transactional: not counted against the weekly cap
    assert "« Prendre la parole en public »" in reminders[0].subject
    assert reminders[0].url == f"/o/cap-avenir/sessions/{session.pk}/"


def test_a_learner_registered_late_gets_one_reminder_not_two(seat):
    with time_machine.travel(seat.session.starts_at - timedelta(minutes=30)):
        run_triggers(only=[NAME])

    assert [n.context["lead_hours"] for n in notifications(NAME)] == [1]


def test_a_reminder_for_a_registration_cancelled_meanwhile_is_not_sent(seat):
    with time_machine.travel(seat.session.starts_at - timedelta(hours=30)):
        run_triggers(only=[NAME])
    [reminder] = notifications(NAME)
    assert kind(NAME).still_relevant(reminder)

    seat.status = RegistrationStatus.CANCELLED
    seat.save()

    assert not kind(NAME).still_relevant(reminder)


def test_a_reminder_for_a_session_cancelled_meanwhile_is_not_sent(seat):
    with time_machine.travel(seat.session.starts_at - timedelta(hours=30)):
        run_triggers(only=[NAME])
    [reminder] = notifications(NAME)

    seat.session.status = SessionStatus.CANCELLED
    seat.session.save()

    assert not kind(NAME).still_relevant(reminder)


def test_a_session_moved_later_drops_the_old_reminder_and_gets_new_ones(seat):
    session = seat.session
    with time_machine.travel(session.starts_at - timedelta(hours=30)):
        run_triggers(only=[NAME])
    [old] = notifications(NAME)

    session.starts_at += timedelta(days=1)
    session.save()

    assert not kind(NAME).still_relevant(old)
    with time_machine.travel(session.starts_at - timedelta(hours=30)):
        assert run_triggers(only=[NAME]) == {NAME: 1}


def test_no_reminder_is_written_for_a_cancelled_session(seat):
    seat.session.status = SessionStatus.CANCELLED
    seat.session.save()

    with time_machine.travel(seat.session.starts_at - timedelta(minutes=30)):
        assert run_triggers(only=[NAME]) == {NAME: 0}


def test_an_organisation_can_switch_reminders_off_or_change_the_lead(seat, organisation,
                                                                     sophie):
    configure_trigger(organisation, NAME, by=sophie, enabled=False)
    with time_machine.travel(seat.session.starts_at - timedelta(minutes=30)):
        assert run_triggers(only=[NAME]) == {NAME: 0}

    configure_trigger(organisation, NAME, by=sophie, enabled=True,
                      params={"hours_before": [72]})
    with time_machine.travel(seat.session.starts_at - timedelta(hours=70)):
        assert run_triggers(only=[NAME]) == {NAME: 1}
