"""Booking, moving and cancelling appointments: every rule and its clear error."""

import threading
from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import connection, connections
from django.utils import translation

from parcours.accounts.tests.factories import member
from parcours.coaching.models import (
    Appointment,
    AppointmentStatus,
    AvailabilityException,
    BookingSettings,
    EngagementStatus,
    ExceptionKind,
)
from parcours.coaching.services.booking import (
    BeneficiaryBusy,
    CoachBusy,
    EngagementNotActive,
    LengthOutOfRange,
    MeetingLinkMissing,
    ModeNotOffered,
    NotACoachOfEngagement,
    NotBookedAnyMore,
    NoticeTooShort,
    PlaceRequired,
    ReasonRequired,
    SlotNotOpen,
    StartInThePast,
    book_appointment,
    cancel_appointment,
    join_appointment,
    leave_appointment,
    move_appointment,
)
from parcours.coaching.tests.booking_for_tests import MONDAY, paris, weekly
from parcours.coaching.tests.factories import appointment, engagement
from parcours.core.errors import NotAllowed
from parcours.core.models import LearningEvent, Verb

TUESDAY, WEDNESDAY = 1, 2


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def week(karim, organisation):
    """Karim sees people by video on Tuesday mornings and in his office on Wednesdays."""
    weekly(karim, organisation, TUESDAY, "09:00", "12:00")
    weekly(karim, organisation, WEDNESDAY, "14:00", "18:00", modes=("in_person", "phone"),
           place="Cap Avenir, 12 rue de la République, Lyon")


@pytest.fixture
def lea_engagement(organisation, lea, karim, week):
    return engagement(organisation, lea, karim)


def book(lea_engagement, by, at, **options):
    options.setdefault("coach", lea_engagement.coaches.get())
    options.setdefault("minutes", 60)
    options.setdefault("mode", "video")
    return book_appointment(lea_engagement, by=by, starts_at=at, **options)


def test_lea_books_an_open_slot_of_her_coach(lea_engagement, lea, karim):
    booked = book(lea_engagement, lea, paris("2026-03-24", "10:00"), minutes=90)

    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.BOOKED
    assert (booked.coach, booked.starts_at, booked.ends_at) == (
        karim, paris("2026-03-24", "10:00"), paris("2026-03-24", "11:30"))
    assert booked.booked_by == lea
    event = LearningEvent.objects.get(verb=Verb.BOOKED)
    assert event.actor == lea
    assert event.context == {"engagement": lea_engagement.pk}
    assert event.result == {"duration_minutes": 90}


def test_an_in_person_appointment_takes_place_where_the_coach_receives(lea_engagement, lea):
    booked = book(lea_engagement, lea, paris("2026-03-25", "14:00"), mode="in_person",
                  place="chez moi")

    assert booked.place == "Cap Avenir, 12 rue de la République, Lyon"


def test_a_way_to_meet_the_coach_does_not_offer_then_is_refused(lea_engagement, lea):
    with pytest.raises(ModeNotOffered):
        book(lea_engagement, lea, paris("2026-03-25", "14:00"), mode="video")


def test_lea_cannot_book_outside_her_coachs_availability(lea_engagement, lea):
    with pytest.raises(SlotNotOpen):
        book(lea_engagement, lea, paris("2026-03-24", "15:00"))


def test_lea_cannot_book_off_the_grid(lea_engagement, lea):
    with pytest.raises(SlotNotOpen):
        book(lea_engagement, lea, paris("2026-03-24", "09:10"))


def test_lea_cannot_book_during_her_coachs_holiday(lea_engagement, lea, karim, organisation):
    AvailabilityException.objects.create(
        organisation=organisation, coach=karim, kind=ExceptionKind.UNAVAILABLE,
        starts_at=paris("2026-03-24", "00:00"), ends_at=paris("2026-03-25", "00:00"))

    with pytest.raises(SlotNotOpen):
        book(lea_engagement, lea, paris("2026-03-24", "10:00"))


def test_lea_cannot_book_inside_the_notice_period(lea_engagement, lea, clock):
    clock.move_to(paris("2026-03-16", "10:00"))

    with translation.override("en"), pytest.raises(NoticeTooShort) as refusal:
        book(lea_engagement, lea, paris("2026-03-17", "09:30"))  # 23 h 30 ahead

    assert "at least 24 hours ahead" in str(refusal.value.message)


def test_lea_cannot_book_too_close_to_another_appointment(lea_engagement, lea, karim,
                                                          organisation):
    other = engagement(organisation, member(organisation, "learner"), karim,
                       type_=lea_engagement.engagement_type)
    appointment(other, karim, starts_at=paris("2026-03-24", "09:00"), minutes=60)

    with pytest.raises(SlotNotOpen):
        book(lea_engagement, lea, paris("2026-03-24", "10:00"))  # inside the 15-min buffer
    assert book(lea_engagement, lea, paris("2026-03-24", "10:30")).pk


@pytest.mark.parametrize("minutes", [15, 181, "60", None])
def test_a_length_outside_the_engagements_rules_is_refused(lea_engagement, lea, minutes):
    with translation.override("en"), pytest.raises(LengthOutOfRange) as refusal:
        book(lea_engagement, lea, paris("2026-03-24", "09:00"), minutes=minutes)

    assert str(refusal.value.message) == "Choose a length from 30 to 180 minutes."


def test_a_time_already_passed_is_refused(lea_engagement, karim):
    with pytest.raises(StartInThePast):
        book(lea_engagement, karim, MONDAY - timedelta(hours=1))


def test_double_booking_is_refused_naming_the_appointment_in_the_way(lea_engagement, lea,
                                                                     karim, organisation):
    noe = member(organisation, "learner", display_name="Noé Petit")
    other = engagement(organisation, noe, karim, type_=lea_engagement.engagement_type)
    appointment(other, karim, starts_at=paris("2026-03-24", "10:00"), minutes=60)

    with translation.override("en"), pytest.raises(CoachBusy) as refusal:
        book(lea_engagement, karim, paris("2026-03-24", "10:30"))

    assert str(refusal.value.message) == (
        "Karim Benali already has an appointment with Noé Petit on March 24, 2026 from 10:00 "
        "to 11:00.")
    assert Appointment.objects.count() == 1


def test_lea_is_not_booked_twice_at_the_same_time_either(lea_engagement, lea, karim,
                                                        organisation):
    nadia = member(organisation, "coach", display_name="Nadia Haddad")
    second = engagement(organisation, lea, nadia, type_=lea_engagement.engagement_type)
    book(lea_engagement, lea, paris("2026-03-24", "10:00"))

    with translation.override("en"), pytest.raises(BeneficiaryBusy) as refusal:
        book(second, nadia, paris("2026-03-24", "10:30"))

    assert str(refusal.value.message) == (
        "Léa Martin already has an appointment with Karim Benali on March 24, 2026 from "
        "10:00 to 11:00.")


def test_a_beneficiary_told_of_a_clash_does_not_learn_with_whom(lea_engagement, lea, karim,
                                                                 organisation):
    noe = member(organisation, "learner", display_name="Noé Petit")
    other = engagement(organisation, noe, karim, type_=lea_engagement.engagement_type)
    appointment(other, karim, starts_at=paris("2026-03-24", "10:00"), minutes=60)

    with translation.override("en"), pytest.raises(CoachBusy) as refusal:
        book(lea_engagement, lea, paris("2026-03-24", "10:30"))

    assert "Noé" not in str(refusal.value.message)
    assert "10:00" in str(refusal.value.message)


def test_an_appointment_of_the_coach_in_another_organisation_is_in_the_way_unnamed(
        lea_engagement, karim, other_organisation):
    from parcours.accounts.models import Membership, MembershipRole

    membership = Membership.objects.create(organisation=other_organisation, user=karim)
    MembershipRole.objects.create(membership=membership, role="coach")
    elsewhere = engagement(other_organisation, member(other_organisation, "learner",
                                                      display_name="Zoé Secret"), karim)
    appointment(elsewhere, karim, starts_at=paris("2026-03-20", "16:00"))

    with pytest.raises(CoachBusy) as refusal:
        book(lea_engagement, karim, paris("2026-03-20", "16:30"))

    assert "Zoé" not in str(refusal.value.message)


def test_the_coach_books_for_lea_outside_his_availability_and_without_notice(
        lea_engagement, karim):
    booked = book(lea_engagement, karim, paris("2026-03-16", "17:00"), mode="phone")

    assert booked.booked_by == karim
    assert booked.starts_at == paris("2026-03-16", "17:00")


def test_a_manager_books_for_lea_too(lea_engagement, sophie):
    assert book(lea_engagement, sophie, paris("2026-03-20", "16:00")).booked_by == sophie


def test_the_coach_must_say_where_an_in_person_appointment_outside_his_week_is(
        lea_engagement, karim):
    with pytest.raises(PlaceRequired):
        book(lea_engagement, karim, paris("2026-03-20", "16:00"), mode="in_person")


def test_only_a_coach_of_the_engagement_can_be_booked(lea_engagement, lea, organisation):
    stranger = member(organisation, "coach")

    with pytest.raises(NotACoachOfEngagement):
        book(lea_engagement, lea, paris("2026-03-24", "10:00"), coach=stranger)


@pytest.mark.parametrize("who", ["another_learner", "another_coach", "oscar"])
def test_people_outside_the_engagement_cannot_book(lea_engagement, organisation, oscar, who):
    person = {"another_learner": lambda: member(organisation, "learner"),
              "another_coach": lambda: member(organisation, "coach"),
              "oscar": lambda: oscar}[who]()

    with pytest.raises(NotAllowed):
        book(lea_engagement, person, paris("2026-03-24", "10:00"))


def test_a_closed_engagement_takes_no_more_appointments(lea_engagement, lea):
    lea_engagement.status, lea_engagement.closed_at = EngagementStatus.CLOSED, MONDAY
    lea_engagement.save()

    with pytest.raises(EngagementNotActive):
        book(lea_engagement, lea, paris("2026-03-24", "10:00"))


def test_a_video_appointment_gets_the_organisations_meeting_link(lea_engagement, lea,
                                                                  organisation):
    BookingSettings.objects.create(organisation=organisation,
                                   meeting_link_template="https://meet.jit.si/cap-{code}")

    booked = book(lea_engagement, lea, paris("2026-03-24", "10:00"))

    assert booked.meeting_url == f"https://meet.jit.si/cap-{booked.ical_uid.hex[:16]}"


def test_the_coach_gives_his_own_meeting_link(lea_engagement, karim):
    booked = book(lea_engagement, karim, paris("2026-03-24", "10:00"),
                  meeting_url="https://visio.example.org/karim")

    assert booked.meeting_url == "https://visio.example.org/karim"


# Moving


def test_lea_moves_her_appointment_to_another_open_slot(lea_engagement, lea):
    booked = book(lea_engagement, lea, paris("2026-03-24", "10:00"))

    moved = move_appointment(booked, by=lea, starts_at=paris("2026-03-31", "09:00"))

    moved.refresh_from_db()
    assert (moved.starts_at, moved.ends_at) == (paris("2026-03-31", "09:00"),
                                                paris("2026-03-31", "10:00"))
    assert moved.ical_sequence == 1
    event = LearningEvent.objects.get(verb=Verb.RESCHEDULED)
    assert datetime.fromisoformat(event.context["previous_start"]) == paris("2026-03-24",
                                                                            "10:00")


def test_moving_by_half_an_hour_overlapping_itself_is_allowed(lea_engagement, lea):
    booked = book(lea_engagement, lea, paris("2026-03-24", "10:00"))

    moved = move_appointment(booked, by=lea, starts_at=paris("2026-03-24", "10:30"))

    assert moved.starts_at == paris("2026-03-24", "10:30")


def test_moving_keeps_the_rules(lea_engagement, lea, karim):
    booked = book(lea_engagement, lea, paris("2026-03-24", "10:00"))
    book(lea_engagement, karim, paris("2026-03-31", "09:00"))

    with pytest.raises(CoachBusy):
        move_appointment(booked, by=lea, starts_at=paris("2026-03-31", "09:30"))
    with pytest.raises(SlotNotOpen):
        move_appointment(booked, by=lea, starts_at=paris("2026-03-31", "13:00"))
    booked.refresh_from_db()
    assert booked.starts_at == paris("2026-03-24", "10:00")
    assert booked.ical_sequence == 0


def test_lea_cannot_move_an_appointment_inside_the_notice_period(lea_engagement, lea, clock):
    booked = book(lea_engagement, lea, paris("2026-03-24", "10:00"))
    clock.move_to(paris("2026-03-23", "12:00"))

    with pytest.raises(NoticeTooShort):
        move_appointment(booked, by=lea, starts_at=paris("2026-03-31", "10:00"))


def test_a_cancelled_appointment_cannot_be_moved(lea_engagement, lea):
    booked = book(lea_engagement, lea, paris("2026-03-24", "10:00"))
    cancel_appointment(booked, by=lea, reason="Empêchement")

    with pytest.raises(NotBookedAnyMore):
        move_appointment(booked, by=lea, starts_at=paris("2026-03-31", "10:00"))


# Cancelling


def test_lea_cancels_with_a_reason(lea_engagement, lea):
    booked = book(lea_engagement, lea, paris("2026-03-24", "10:00"))

    cancel_appointment(booked, by=lea, reason="Entretien d'embauche ce jour-là")

    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.CANCELLED
    assert booked.cancelled_at == MONDAY
    assert booked.cancel_reason == "Entretien d'embauche ce jour-là"
    assert booked.ical_sequence == 1
    assert LearningEvent.objects.filter(verb=Verb.CANCELLED, actor=lea).count() == 1


def test_cancelling_needs_a_reason(lea_engagement, lea):
    booked = book(lea_engagement, lea, paris("2026-03-24", "10:00"))

    with pytest.raises(ReasonRequired):
        cancel_appointment(booked, by=lea, reason="  ")


def test_lea_cannot_cancel_inside_the_notice_period_but_her_coach_can(
        lea_engagement, lea, karim, clock):
    booked = book(lea_engagement, lea, paris("2026-03-24", "10:00"))
    clock.move_to(paris("2026-03-24", "08:00"))

    with pytest.raises(NoticeTooShort):
        cancel_appointment(booked, by=lea, reason="Malade")
    cancel_appointment(booked, by=karim, reason="Léa est malade")
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.CANCELLED


def test_another_learner_cannot_cancel_leas_appointment(lea_engagement, lea, organisation):
    booked = book(lea_engagement, lea, paris("2026-03-24", "10:00"))

    with pytest.raises(NotAllowed):
        cancel_appointment(booked, by=member(organisation, "learner"), reason="Non")


# Video


def test_joining_records_who_joined_when_and_sends_to_the_meeting(lea_engagement, lea, karim,
                                                                  clock):
    booked = book(lea_engagement, karim, paris("2026-03-24", "10:00"),
                  meeting_url="https://visio.example.org/karim")
    clock.move_to(paris("2026-03-24", "09:58"))

    assert join_appointment(booked, by=karim) == "https://visio.example.org/karim"
    clock.move_to(paris("2026-03-24", "10:02"))
    join_appointment(booked, by=lea)
    clock.move_to(paris("2026-03-24", "10:05"))
    join_appointment(booked, by=lea)  # a second time: the first stays
    clock.move_to(paris("2026-03-24", "11:31"))
    leave_appointment(booked, by=lea)

    booked.refresh_from_db()
    assert booked.coach_joined_at == paris("2026-03-24", "09:58")
    assert booked.beneficiary_joined_at == paris("2026-03-24", "10:02")
    assert booked.left_at == paris("2026-03-24", "11:31")
    assert LearningEvent.objects.filter(verb=Verb.JOINED).count() == 3
    assert LearningEvent.objects.filter(verb=Verb.LEFT, actor=lea).count() == 1


def test_a_manager_does_not_join_someone_elses_appointment(lea_engagement, karim, sophie):
    booked = book(lea_engagement, karim, paris("2026-03-24", "10:00"),
                  meeting_url="https://visio.example.org/karim")

    with pytest.raises(NotAllowed):
        join_appointment(booked, by=sophie)


def test_joining_without_a_link_says_so(lea_engagement, lea):
    booked = book(lea_engagement, lea, paris("2026-03-24", "10:00"))

    with pytest.raises(MeetingLinkMissing):
        join_appointment(booked, by=lea)


# The race


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SQLite runs one writing transaction at a time: no race to lose")
@pytest.mark.django_db(transaction=True)
def test_two_people_booking_karim_at_the_same_moment_one_is_refused(organisation, lea, karim):
    weekly(karim, organisation, TUESDAY, "09:00", "12:00")
    noe = member(organisation, "learner")
    first = engagement(organisation, lea, karim)
    second = engagement(organisation, noe, karim, type_=first.engagement_type)
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt(target, person):
        try:
            barrier.wait()
            book(target, person, paris("2026-03-24", "10:00"))
            outcomes.append("booked")
        except (CoachBusy, SlotNotOpen):
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(first, lea)),
               threading.Thread(target=attempt, args=(second, noe))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["booked", "refused"]
    assert Appointment.objects.filter(coach=karim, status="booked").count() == 1
