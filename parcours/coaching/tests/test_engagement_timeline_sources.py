"""The engagements part's timeline sources: appointments, shared notes, actions; each in
one query."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from parcours.coaching.models import AppointmentStatus, NoteVisibility
from parcours.coaching.selectors import Capacity
from parcours.coaching.selectors.engagements import action_entries, appointment_entries
from parcours.coaching.selectors.notes import note_entries
from parcours.coaching.services.actions import create_action_item, tick_action_item
from parcours.coaching.services.appointments import close_appointment
from parcours.coaching.services.notes import write_note
from parcours.coaching.tests import factories
from parcours.coaching.timeline import timeline


@pytest.fixture
def engagement(organisation, lea, karim):
    row = factories.engagement(organisation, lea, karim)
    for days in range(1, 4):
        past = factories.appointment(row, karim, starts_at=timezone.now() - timedelta(days))
        close_appointment(past, by=karim, actual_minutes=90, shared_note=f"Shared {days}",
                          private_note=f"Private {days}")
    factories.appointment(row, karim)
    factories.appointment(row, karim, status=AppointmentStatus.CANCELLED,
                          cancelled_at=timezone.now(), cancel_reason="Ill")
    for number in range(3):
        item = create_action_item(row, by=karim, title=f"Action {number}")
    tick_action_item(item, by=lea)
    return row


@pytest.mark.parametrize("source", [appointment_entries, note_entries, action_entries])
def test_each_source_runs_one_query(engagement, source, django_assert_num_queries):
    with django_assert_num_queries(1):
        entries = source(engagement, Capacity.COACH)
    assert entries


def test_appointments_say_held_booked_and_cancelled(engagement):
    with translation.override("en"):
        titles = sorted(e.title for e in appointment_entries(engagement,
                                                             Capacity.BENEFICIARY))
    assert titles.count("Appointment held (1 h 30)") == 3
    assert "Appointment booked" in titles and "Appointment cancelled" in titles


def test_notes_are_the_shared_ones_only_even_for_coaches(engagement, karim):
    write_note(engagement, by=karim, body="Another private", visibility=NoteVisibility.PRIVATE)
    details = sorted(e.detail for e in note_entries(engagement, Capacity.COACH))
    assert details == ["Shared 1", "Shared 2", "Shared 3"]


def test_actions_agreed_and_done(engagement):
    with translation.override("en"):
        titles = [e.title for e in action_entries(engagement, Capacity.MANAGER)]
    assert titles.count("Action done: Action 2") == 1
    assert len([t for t in titles if t.startswith("Action agreed")]) == 3


def test_the_timeline_puts_them_newest_first(engagement):
    entries = timeline(engagement, Capacity.BENEFICIARY,
                       kinds={"appointment", "note", "action"})
    assert entries == sorted(entries, key=lambda e: e.at, reverse=True)
    assert {e.kind for e in entries} == {"appointment", "note", "action"}
