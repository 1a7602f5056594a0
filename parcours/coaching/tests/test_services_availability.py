"""A coach's usual week and its exceptions: what is accepted, what is refused, and who
may change them."""

from datetime import time

import pytest
import time_machine

from parcours.accounts.tests.factories import member
from parcours.coaching.models import AvailabilityException, BookingSettings, WeeklyAvailability
from parcours.coaching.services.availability import (
    ExceptionInvalid,
    MeetingLinkTemplateInvalid,
    ModeRequired,
    NotACoach,
    PeriodInvalid,
    PeriodsOverlap,
    PlaceRequired,
    TimeZoneInvalid,
    WeeklyPeriod,
    add_availability_exception,
    remove_availability_exception,
    set_meeting_link_template,
    set_weekly_availability,
)
from parcours.coaching.tests.booking_for_tests import MONDAY, paris
from parcours.core.errors import NotAllowed


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def period(weekday=1, start="09:00", end="12:00", modes=("video",), place=""):
    return WeeklyPeriod(weekday=weekday, start_time=time.fromisoformat(start),
                        end_time=time.fromisoformat(end), modes=frozenset(modes), place=place)


def test_a_new_week_replaces_the_old_one_in_the_coachs_zone(karim, organisation):
    set_weekly_availability(karim, organisation, by=karim, periods=[period(weekday=0)])
    karim.time_zone = "America/Montreal"
    karim.save()

    set_weekly_availability(karim, organisation, by=karim,
                            periods=[period(weekday=2), period(weekday=4, start="14:00",
                                                               end="15:00")])

    rows = WeeklyAvailability.objects.filter(coach=karim).order_by("weekday")
    assert [(row.weekday, row.time_zone) for row in rows] == [(2, "America/Montreal"),
                                                             (4, "America/Montreal")]


@pytest.mark.parametrize("bad, refusal", [
    (period(start="12:00", end="09:00"), PeriodInvalid),
    (period(weekday=7), PeriodInvalid),
    (period(modes=()), ModeRequired),
    (period(modes=("carrier-pigeon",)), ModeRequired),
    (period(modes=("in_person",)), PlaceRequired),
])
def test_an_impossible_period_is_refused_and_the_week_kept(karim, organisation, bad, refusal):
    set_weekly_availability(karim, organisation, by=karim, periods=[period(weekday=0)])

    with pytest.raises(refusal):
        set_weekly_availability(karim, organisation, by=karim, periods=[bad])

    assert WeeklyAvailability.objects.filter(coach=karim, weekday=0).exists()


def test_overlapping_periods_of_a_day_are_refused(karim, organisation):
    with pytest.raises(PeriodsOverlap):
        set_weekly_availability(karim, organisation, by=karim, periods=[
            period(start="09:00", end="12:00"), period(start="11:30", end="13:00")])


def test_periods_that_touch_are_fine(karim, organisation):
    rows = set_weekly_availability(karim, organisation, by=karim, periods=[
        period(start="09:00", end="12:00"), period(start="12:00", end="13:00")])

    assert len(rows) == 2


def test_an_unknown_time_zone_is_refused(karim, organisation):
    with pytest.raises(TimeZoneInvalid):
        set_weekly_availability(karim, organisation, by=karim, periods=[period()],
                                time_zone="Mars/Olympus")


def test_a_manager_may_set_a_coachs_week_but_another_coach_may_not(karim, sophie,
                                                                    organisation):
    set_weekly_availability(karim, organisation, by=sophie, periods=[period()])

    with pytest.raises(NotAllowed):
        set_weekly_availability(karim, organisation, by=member(organisation, "coach"),
                                periods=[])
    assert WeeklyAvailability.objects.filter(coach=karim).count() == 1


def test_a_learner_has_no_week_to_publish(lea, organisation):
    with pytest.raises(NotACoach):
        set_weekly_availability(lea, organisation, by=lea, periods=[period()])


def test_a_manager_of_another_organisation_cannot_touch_it(karim, oscar, organisation):
    with pytest.raises(NotAllowed):
        set_weekly_availability(karim, organisation, by=oscar, periods=[])


def test_karim_takes_time_off_and_removes_it(karim, organisation):
    holiday = add_availability_exception(
        karim, organisation, by=karim, kind="unavailable",
        starts_at=paris("2026-04-06", "00:00"), ends_at=paris("2026-04-11", "00:00"),
        note="Vacances")

    assert (holiday.kind, holiday.note) == ("unavailable", "Vacances")
    remove_availability_exception(holiday, by=karim)
    assert not AvailabilityException.objects.exists()


def test_an_extra_slot_says_how_to_meet(karim, organisation):
    extra = add_availability_exception(
        karim, organisation, by=karim, kind="extra", starts_at=paris("2026-04-04", "10:00"),
        ends_at=paris("2026-04-04", "12:00"), modes=["phone"])

    assert extra.modes == ["phone"]
    with pytest.raises(ModeRequired):
        add_availability_exception(
            karim, organisation, by=karim, kind="extra",
            starts_at=paris("2026-04-04", "14:00"), ends_at=paris("2026-04-04", "15:00"),
            modes=[])


@pytest.mark.parametrize("kind, starts, ends", [
    ("holiday", ("2026-04-06", "00:00"), ("2026-04-07", "00:00")),
    ("unavailable", ("2026-04-07", "00:00"), ("2026-04-06", "00:00")),
])
def test_an_impossible_exception_is_refused(karim, organisation, kind, starts, ends):
    with pytest.raises(ExceptionInvalid):
        add_availability_exception(karim, organisation, by=karim, kind=kind,
                                   starts_at=paris(*starts), ends_at=paris(*ends))


def test_the_meeting_link_template_is_the_managers(sophie, karim, organisation):
    set_meeting_link_template(organisation, by=sophie, template="https://meet.jit.si/x-{code}")

    assert BookingSettings.objects.get().meeting_link_template == "https://meet.jit.si/x-{code}"
    with pytest.raises(MeetingLinkTemplateInvalid):
        set_meeting_link_template(organisation, by=sophie, template="https://meet.jit.si/x")
    with pytest.raises(NotAllowed):
        set_meeting_link_template(organisation, by=karim, template="")
