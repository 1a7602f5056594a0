"""Learners are reminded of their sessions two days and one hour before, once each."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from parcours.classroom.models import Registration, RegistrationStatus, Session, Slot
from parcours.classroom.notifications import send_due_reminders


@pytest.fixture
def session(organisation, sophie):
    starts = timezone.now() + timedelta(days=3)
    session = Session.objects.create(
        organisation=organisation, title="Prendre la parole en public", capacity=10,
        starts_at=starts, ends_at=starts + timedelta(hours=3), created_by=sophie)
    Slot.objects.create(session=session, part="morning", starts_at=starts,
                        ends_at=starts + timedelta(hours=3))
    return session


@pytest.fixture
def registered(session, lea):
    return Registration.objects.create(session=session, learner=lea,
                                       status=RegistrationStatus.REGISTERED)


def test_nothing_is_sent_three_days_before(registered, run_tasks):
    assert send_due_reminders() == 0


def test_lea_is_reminded_two_days_before_then_one_hour_before_once_each(
        session, registered, run_tasks):
    with time_machine.travel(session.starts_at - timedelta(days=2) + timedelta(minutes=5)):
        assert send_due_reminders() == 1
        assert send_due_reminders() == 0
        run_tasks()
    with time_machine.travel(session.starts_at - timedelta(minutes=50)):
        call_command("send_session_reminders", verbosity=0)
        run_tasks()

    assert len(mail.outbox) == 2
    assert all(message.to == ["lea@example.org"] for message in mail.outbox)
    assert mail.outbox[0].subject.startswith("Rappel")  # Léa reads French


def test_a_learner_who_cancelled_meanwhile_is_not_reminded(session, registered, run_tasks):
    with time_machine.travel(session.starts_at - timedelta(hours=30)):
        send_due_reminders()
        registered.status = RegistrationStatus.CANCELLED
        registered.save()
        run_tasks()

    assert mail.outbox == []


def test_no_reminder_for_a_cancelled_session(session, registered):
    session.status = "cancelled"
    session.save()

    with time_machine.travel(session.starts_at - timedelta(minutes=30)):
        assert send_due_reminders() == 0
