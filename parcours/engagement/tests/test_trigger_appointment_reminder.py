"""Léa is reminded of her appointments with Karim; never of one cancelled or moved."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from parcours.coaching.models import AppointmentStatus
from parcours.coaching.tests.factories import appointment, engagement
from parcours.engagement.kinds import kind
from parcours.engagement.services.triggers import run_triggers
from parcours.engagement.tests.triggers_for_tests import notifications

NAME = "appointment_reminder"


@pytest.fixture
def meeting(organisation, lea, karim):
    return appointment(engagement(organisation, lea, karim), karim, place="Bureau 2")


def test_lea_is_reminded_two_days_then_one_hour_before(meeting, lea):
    with time_machine.travel(meeting.starts_at - timedelta(hours=47)):
        assert run_triggers(only=[NAME]) == {NAME: 1}
        assert run_triggers(only=[NAME]) == {NAME: 0}
    with time_machine.travel(meeting.starts_at - timedelta(minutes=40)):
        assert run_triggers(only=[NAME]) == {NAME: 1}

    reminders = notifications(NAME)
    assert [n.context["lead_hours"] for n in reminders] == [48, 1]
    assert all(n.recipient == lea for n in reminders)
    assert "Karim Benali" in reminders[0].subject
    assert "Bureau 2" in reminders[0].body


def test_a_cancelled_appointment_is_not_reminded(meeting):
    with time_machine.travel(meeting.starts_at - timedelta(hours=47)):
        run_triggers(only=[NAME])
    [reminder] = notifications(NAME)

    meeting.status, meeting.cancelled_at = AppointmentStatus.CANCELLED, timezone.now()
    meeting.save()

    assert not kind(NAME).still_relevant(reminder)
    with time_machine.travel(meeting.starts_at - timedelta(minutes=40)):
        assert run_triggers(only=[NAME]) == {NAME: 0}


def test_a_moved_appointment_drops_the_old_reminder(meeting):
    with time_machine.travel(meeting.starts_at - timedelta(hours=47)):
        run_triggers(only=[NAME])
    [reminder] = notifications(NAME)

    meeting.starts_at += timedelta(days=1)
    meeting.ends_at += timedelta(days=1)
    meeting.save()

    assert not kind(NAME).still_relevant(reminder)
