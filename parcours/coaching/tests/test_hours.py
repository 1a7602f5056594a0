"""Hours used and left, per phase and in total, with warnings at 80 % and 100 %."""

from datetime import timedelta

import pytest
from django.utils import timezone

from parcours.coaching import hours
from parcours.coaching.models import AppointmentStatus
from parcours.coaching.services.appointments import close_appointment
from parcours.coaching.tests import factories


@pytest.fixture
def engagement(organisation, lea, karim):
    return factories.engagement(organisation, lea, karim)


def held(engagement, coach, minutes, *, phase=None, days_ago=1):
    appointment = factories.appointment(
        engagement, coach, starts_at=timezone.now() - timedelta(days=days_ago), minutes=60)
    return close_appointment(appointment, by=coach, actual_minutes=minutes, phase=phase)


def phase_named(engagement, name):
    return engagement.phases.get(name=name)


def test_minutes_read_as_coaches_say_them():
    assert hours.format_minutes(22 * 60 + 30) == "22 h 30"
    assert hours.format_minutes(24 * 60) == "24 h"
    assert hours.format_minutes(45) == "0 h 45"
    assert hours.format_minutes(5) == "0 h 05"


def test_24_hours_contracted_and_90_minutes_held_leave_22_h_30(engagement, karim):
    held(engagement, karim, 90)
    total = hours.hours_of(engagement)
    assert (total.allowed, total.used, total.left) == (1440, 90, 1350)
    assert total.left_text == "22 h 30"
    assert total.level == hours.Level.OK


def test_hours_are_counted_per_phase(engagement, karim):
    preliminary = phase_named(engagement, "Preliminary")
    investigation = phase_named(engagement, "Investigation")
    held(engagement, karim, 120, phase=preliminary)
    held(engagement, karim, 60, phase=preliminary)
    held(engagement, karim, 45, phase=investigation)
    lines = {line.phase.name: line for line in hours.hours_of(engagement).phases}
    assert (lines["Preliminary"].used, lines["Preliminary"].left) == (180, 60)
    assert (lines["Investigation"].used, lines["Investigation"].left) == (45, 915)
    assert lines["Conclusion"].used == 0
    assert hours.hours_of(engagement).used == 225


def test_booked_missed_and_cancelled_appointments_use_no_hours(engagement, karim):
    factories.appointment(engagement, karim)
    factories.appointment(engagement, karim, starts_at=timezone.now() - timedelta(days=2),
                          status=AppointmentStatus.MISSED)
    factories.appointment(engagement, karim, starts_at=timezone.now() - timedelta(days=3),
                          status=AppointmentStatus.CANCELLED, cancelled_at=timezone.now())
    assert hours.hours_of(engagement).used == 0


def test_a_warning_comes_at_80_percent_of_the_contracted_hours(engagement, karim):
    engagement.contracted_minutes = 600
    held(engagement, karim, 479)
    assert hours.hours_of(engagement).level == hours.Level.OK
    held(engagement, karim, 1)
    assert hours.hours_of(engagement).level == hours.Level.NEAR


def test_used_up_at_100_percent_and_the_overrun_is_shown(engagement, karim):
    engagement.contracted_minutes = 120
    held(engagement, karim, 120)
    assert hours.hours_of(engagement).level == hours.Level.USED_UP
    held(engagement, karim, 30)
    total = hours.hours_of(engagement)
    assert (total.left, total.over, total.over_text) == (0, 30, "0 h 30")


def test_a_phase_warns_on_its_own_planned_hours(engagement, karim):
    preliminary = phase_named(engagement, "Preliminary")  # 4 h planned
    held(engagement, karim, 200, phase=preliminary)
    result = hours.hours_of(engagement)
    assert result.level == hours.Level.OK
    assert result.phases[0].level == hours.Level.NEAR
    held(engagement, karim, 40, phase=preliminary)
    assert hours.hours_of(engagement).phases[0].level == hours.Level.USED_UP


def test_the_current_phase_is_the_first_whose_hours_are_not_used_up(engagement, karim):
    assert hours.current_phase(engagement).name == "Preliminary"
    held(engagement, karim, 240, phase=phase_named(engagement, "Preliminary"))
    assert hours.current_phase(engagement).name == "Investigation"


def test_hours_take_one_query_when_the_phases_are_loaded(engagement, karim,
                                                         django_assert_num_queries):
    held(engagement, karim, 90)
    phases = list(engagement.phases.all())
    with django_assert_num_queries(1):
        hours.hours_of(engagement, phases=phases)


def test_a_list_of_engagements_carries_hours_used_in_its_own_query(organisation, engagement,
                                                                   karim, lea,
                                                                   django_assert_num_queries):
    held(engagement, karim, 90)
    other = factories.engagement(organisation, lea, karim, title="Second",
                                 type_=engagement.engagement_type)
    held(other, karim, 30)
    from parcours.coaching.models import Engagement
    with django_assert_num_queries(1):
        used = {e.title: hours.budget_of(e).used
                for e in hours.with_used_minutes(Engagement.objects.all())}
    assert used == {engagement.title: 90, "Second": 30}


@pytest.mark.parametrize("typed, minutes", [
    ("24", 1440), ("24 h", 1440), ("22 h 30", 1350), ("22h30", 1350), ("22:30", 1350),
    ("1 h 05", 65), ("90 min", 90), ("0", 0),
])
def test_hours_are_typed_as_people_write_them(typed, minutes):
    from parcours.coaching.forms_engagements import parse_duration

    assert parse_duration(typed) == minutes


@pytest.mark.parametrize("typed", ["", "lots", "22,5", "1 h 75", "-3", "2 h 30 h"])
def test_durations_that_cannot_be_read_are_refused(typed):
    from parcours.coaching.forms_engagements import parse_duration

    with pytest.raises(ValueError):
        parse_duration(typed)
