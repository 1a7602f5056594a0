"""Open slots: a coach's usual week on their own clock, exceptions, appointments with
their buffer, the notice period and the grid."""

from datetime import timedelta

import pytest
import time_machine

from parcours.accounts.tests.factories import member
from parcours.coaching.models import AvailabilityException, ExceptionKind
from parcours.coaching.slots import BookingRules, open_slots
from parcours.coaching.tests.booking_for_tests import MONDAY, paris, utc, weekly
from parcours.coaching.tests.factories import appointment, engagement, engagement_type

RULES = BookingRules(notice_hours=24, min_minutes=30, max_minutes=180, default_minutes=60,
                     buffer_minutes=15)
TUESDAY = 1


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def starts(coach, start, end, *, minutes=60, rules=RULES, **options):
    return [slot.starts_at for slot in open_slots([coach], start=start, end=end,
                                                  length_minutes=minutes,
                                                  engagement_rules=rules, **options)]


def test_a_tuesday_morning_in_paris_keeps_its_local_hours_across_the_change_to_summer_time(
        karim, organisation):
    weekly(karim, organisation, TUESDAY, "09:00", "11:00")

    found = starts(karim, paris("2026-03-23", "00:00"), paris("2026-04-01", "00:00"))

    assert found == [
        utc("2026-03-24", "08:00"), utc("2026-03-24", "08:30"), utc("2026-03-24", "09:00"),
        # Summer time: 09:00 in Paris is now 07:00 UTC.
        utc("2026-03-31", "07:00"), utc("2026-03-31", "07:30"), utc("2026-03-31", "08:00"),
    ]


def test_a_coach_in_montreal_is_offered_on_montreal_hours(organisation):
    coach = member(organisation, "coach", time_zone="America/Montreal")
    weekly(coach, organisation, TUESDAY, "09:00", "10:00", zone="America/Montreal")

    found = starts(coach, paris("2026-03-23", "00:00"), paris("2026-03-25", "00:00"))

    assert found == [utc("2026-03-24", "13:00")]  # 09:00 EDT


def test_a_holiday_removes_the_slots_it_covers(karim, organisation):
    weekly(karim, organisation, TUESDAY, "09:00", "12:00")
    AvailabilityException.objects.create(
        organisation=organisation, coach=karim, kind=ExceptionKind.UNAVAILABLE,
        starts_at=paris("2026-03-24", "00:00"), ends_at=paris("2026-03-25", "00:00"))

    found = starts(karim, paris("2026-03-23", "00:00"), paris("2026-04-01", "00:00"))

    assert found and all(moment.date().isoformat() == "2026-03-31" for moment in found)


def test_an_extra_slot_adds_times_outside_the_usual_week(karim, organisation):
    AvailabilityException.objects.create(
        organisation=organisation, coach=karim, kind=ExceptionKind.EXTRA,
        starts_at=paris("2026-03-28", "10:00"), ends_at=paris("2026-03-28", "11:30"),
        offers_phone=True, offers_video=False)

    slots = open_slots([karim], start=MONDAY, end=MONDAY + timedelta(days=14),
                       length_minutes=60, engagement_rules=RULES)

    assert [slot.starts_at for slot in slots] == [paris("2026-03-28", "10:00"),
                                                  paris("2026-03-28", "10:30")]
    assert slots[0].modes == ("phone",)


def test_an_appointment_and_its_buffer_are_not_offered(karim, lea, organisation):
    weekly(karim, organisation, TUESDAY, "09:00", "13:00")
    booked = engagement(organisation, lea, karim)
    appointment(booked, karim, starts_at=paris("2026-03-24", "10:30"), minutes=60)

    found = starts(karim, paris("2026-03-24", "00:00"), paris("2026-03-25", "00:00"))

    # 60 minutes and 15 minutes of buffer: 09:00 ends at 10:00, 09:30 would end at 10:30
    # with no buffer; after 11:30, the next grid time clear of the buffer is 12:00.
    assert found == [paris("2026-03-24", "09:00"), paris("2026-03-24", "12:00")]


def test_a_cancelled_appointment_frees_its_time(karim, lea, organisation):
    weekly(karim, organisation, TUESDAY, "09:00", "10:00")
    booked = engagement(organisation, lea, karim)
    cancelled = appointment(booked, karim, starts_at=paris("2026-03-24", "09:00"))
    cancelled.status, cancelled.cancelled_at = "cancelled", MONDAY
    cancelled.save()

    assert starts(karim, paris("2026-03-24", "00:00"),
                  paris("2026-03-25", "00:00")) == [paris("2026-03-24", "09:00")]


def test_the_appointment_being_moved_does_not_stand_in_its_own_way(karim, lea, organisation):
    weekly(karim, organisation, TUESDAY, "09:00", "10:00")
    booked = engagement(organisation, lea, karim)
    moving = appointment(booked, karim, starts_at=paris("2026-03-24", "09:00"))

    day = (paris("2026-03-24", "00:00"), paris("2026-03-25", "00:00"))
    assert starts(karim, *day) == []
    assert starts(karim, *day, ignoring=moving.pk) == [paris("2026-03-24", "09:00")]


def test_nothing_is_offered_inside_the_notice_period(karim, organisation):
    weekly(karim, organisation, TUESDAY, "09:00", "12:00")  # tomorrow
    short = BookingRules(notice_hours=2)
    long_notice = BookingRules(notice_hours=48)

    tomorrow = (paris("2026-03-17", "00:00"), paris("2026-03-18", "00:00"))
    assert len(starts(karim, *tomorrow, rules=short)) == 5
    assert starts(karim, *tomorrow, rules=long_notice) == []


def test_the_notice_period_cuts_a_morning_in_the_middle(karim, organisation, clock):
    weekly(karim, organisation, TUESDAY, "09:00", "12:00")
    clock.move_to(paris("2026-03-16", "10:10"))  # Monday: notice of 24 h ends Tue 10:10

    found = starts(karim, paris("2026-03-17", "00:00"), paris("2026-03-18", "00:00"))

    assert found == [paris("2026-03-17", "10:30"), paris("2026-03-17", "11:00")]


def test_start_times_sit_on_the_grid_of_the_coachs_clock(karim, organisation):
    weekly(karim, organisation, TUESDAY, "09:10", "11:00")

    day = (paris("2026-03-24", "00:00"), paris("2026-03-25", "00:00"))
    assert starts(karim, *day) == [paris("2026-03-24", "09:30"), paris("2026-03-24", "10:00")]
    assert starts(karim, *day, grid_minutes=15) == [
        paris("2026-03-24", "09:15"), paris("2026-03-24", "09:30"),
        paris("2026-03-24", "09:45"), paris("2026-03-24", "10:00")]


def test_a_slot_must_end_within_the_period(karim, organisation):
    weekly(karim, organisation, TUESDAY, "09:00", "12:00")

    day = (paris("2026-03-24", "00:00"), paris("2026-03-25", "00:00"))
    assert starts(karim, *day, minutes=120) == [paris("2026-03-24", "09:00"),
                                                paris("2026-03-24", "09:30"),
                                                paris("2026-03-24", "10:00")]


def test_availability_published_in_another_organisation_does_not_count(
        karim, organisation, other_organisation):
    weekly(karim, other_organisation, TUESDAY, "09:00", "10:00")

    day = (paris("2026-03-24", "00:00"), paris("2026-03-25", "00:00"))
    assert starts(karim, *day, organisation=organisation) == []
    assert starts(karim, *day, organisation=other_organisation) == [paris("2026-03-24", "09:00")]


def test_many_coaches_are_computed_with_one_query_per_kind_of_row(
        organisation, lea, django_assert_num_queries):
    coaches = [member(organisation, "coach") for _ in range(5)]
    kind = engagement_type(organisation)
    for coach in coaches:
        weekly(coach, organisation, TUESDAY, "09:00", "12:00")
        AvailabilityException.objects.create(
            organisation=organisation, coach=coach, kind=ExceptionKind.UNAVAILABLE,
            starts_at=paris("2026-03-31", "00:00"), ends_at=paris("2026-04-01", "00:00"))
        appointment(engagement(organisation, lea, coach, type_=kind), coach,
                    starts_at=paris("2026-03-24", "09:00"))

    with django_assert_num_queries(3):
        slots = open_slots(coaches, start=MONDAY, end=MONDAY + timedelta(weeks=8),
                           length_minutes=60, engagement_rules=RULES)

    assert {slot.coach_id for slot in slots} == {coach.pk for coach in coaches}
    assert all(slot.starts_at != paris("2026-03-24", "09:00") for slot in slots)
    assert all(slot.starts_at.date().isoformat() != "2026-03-31" for slot in slots)
