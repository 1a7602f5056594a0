"""Closing an appointment in one go: the hours record, its notes and its actions."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from parcours.accounts.tests.factories import member
from parcours.coaching import hours
from parcours.coaching.models import AppointmentStatus, Note, NoteVisibility
from parcours.coaching.services.actions import ActionDraft
from parcours.coaching.services.appointments import (
    AlreadyClosed,
    AlreadyMissed,
    AppointmentCancelled,
    DurationInvalid,
    NotStartedYet,
    PhaseInvalid,
    close_appointment,
    mark_missed,
    suggested_minutes,
)
from parcours.coaching.services.engagements import EngagementClosed, close_engagement
from parcours.coaching.tests import factories
from parcours.core.errors import NotAllowed
from parcours.core.models import LearningEvent, Verb


@pytest.fixture
def engagement(organisation, lea, karim):
    return factories.engagement(organisation, lea, karim)


@pytest.fixture
def past(engagement, karim):
    return factories.appointment(engagement, karim, minutes=90,
                                 starts_at=timezone.now() - timedelta(hours=3))


def test_closing_records_the_duration_phase_notes_and_actions(engagement, past, karim, lea):
    investigation = engagement.phases.get(name="Investigation")
    close_appointment(past, by=karim, actual_minutes=90, phase=investigation,
                      shared_note="We explored three trades.",
                      private_note="Seems tired; ask about sleep.",
                      action_items=[ActionDraft(title="Call two bakers"),
                                    ActionDraft(title="Send the test", assignee="coach")])
    past.refresh_from_db()
    assert past.status == AppointmentStatus.CLOSED
    assert (past.actual_minutes, past.phase, past.closed_by) == (90, investigation, karim)
    notes = {note.visibility: note for note in Note.objects.filter(appointment=past)}
    assert notes[NoteVisibility.SHARED].body == "We explored three trades."
    assert notes[NoteVisibility.PRIVATE].phase == investigation
    assert list(past.action_items.order_by("id").values_list("title", "assignee")) == [
        ("Call two bakers", "beneficiary"), ("Send the test", "coach")]
    event = LearningEvent.objects.get(verb=Verb.CLOSED_APPOINTMENT)
    assert event.result == {"duration_minutes": 90}
    assert event.context["engagement"] == engagement.pk
    assert hours.hours_of(engagement).left_text == "22 h 30"


def test_without_a_phase_the_current_phase_gets_the_hours(engagement, past, karim):
    close_appointment(past, by=karim, actual_minutes=60)
    past.refresh_from_db()
    assert past.phase.name == "Preliminary"


def test_the_duration_is_prefilled_from_the_booking(past):
    assert suggested_minutes(past) == 90


def test_the_duration_is_prefilled_from_the_video_call_when_recorded(past):
    past.coach_joined_at = past.starts_at - timedelta(minutes=2)
    past.beneficiary_joined_at = past.starts_at + timedelta(minutes=5)
    past.left_at = past.starts_at + timedelta(minutes=77)
    assert suggested_minutes(past) == 72


def test_an_appointment_is_closed_once(past, karim):
    close_appointment(past, by=karim, actual_minutes=60)
    with pytest.raises(AlreadyClosed):
        close_appointment(past, by=karim, actual_minutes=60)
    assert LearningEvent.objects.filter(verb=Verb.CLOSED_APPOINTMENT).count() == 1


def test_an_appointment_cannot_be_closed_before_it_starts(engagement, karim):
    future = factories.appointment(engagement, karim)
    with pytest.raises(NotStartedYet) as refused:
        close_appointment(future, by=karim, actual_minutes=60)
    with translation.override("en"):
        assert "not started yet" in str(refused.value.message)
    future.refresh_from_db()
    assert future.status == AppointmentStatus.BOOKED


def test_a_cancelled_or_missed_appointment_cannot_be_closed(engagement, past, karim):
    mark_missed(past, by=karim)
    with pytest.raises(AlreadyMissed):
        close_appointment(past, by=karim, actual_minutes=60)
    cancelled = factories.appointment(engagement, karim, status=AppointmentStatus.CANCELLED,
                                      starts_at=timezone.now() - timedelta(days=1),
                                      cancelled_at=timezone.now())
    with pytest.raises(AppointmentCancelled):
        close_appointment(cancelled, by=karim, actual_minutes=60)


@pytest.mark.parametrize("minutes", [0, -5, 721, "90", 1.5, True])
def test_the_duration_must_be_whole_minutes_within_a_day(past, karim, minutes):
    with pytest.raises(DurationInvalid):
        close_appointment(past, by=karim, actual_minutes=minutes)


def test_the_phase_must_be_one_of_the_engagement(organisation, past, karim):
    elsewhere = factories.engagement(organisation, member(organisation, "learner"), karim,
                                     type_=past.engagement.engagement_type)
    with pytest.raises(PhaseInvalid):
        close_appointment(past, by=karim, actual_minutes=60,
                          phase=elsewhere.phases.first())


def test_only_the_engagement_coaches_close_it(organisation, past, sophie, lea):
    for person in (sophie, lea, member(organisation, "coach")):
        with pytest.raises(NotAllowed):
            close_appointment(past, by=person, actual_minutes=60)


def test_a_refused_closing_keeps_nothing(past, karim):
    with pytest.raises(DurationInvalid):
        close_appointment(past, by=karim, actual_minutes=0, shared_note="Kept?",
                          action_items=[ActionDraft(title="Kept?")])
    assert not Note.objects.exists()
    assert not past.action_items.exists()


def test_a_closed_engagement_takes_no_more_hours(engagement, past, karim):
    close_engagement(engagement, by=karim)
    with pytest.raises(EngagementClosed):
        close_appointment(past, by=karim, actual_minutes=60)


def test_a_missed_appointment_counts_no_hours(engagement, past, karim):
    mark_missed(past, by=karim)
    past.refresh_from_db()
    assert past.status == AppointmentStatus.MISSED
    assert hours.hours_of(engagement).used == 0
    with pytest.raises(NotAllowed):
        mark_missed(factories.appointment(engagement, karim,
                                          starts_at=timezone.now() - timedelta(hours=1)),
                    by=engagement.beneficiary)
