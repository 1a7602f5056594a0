"""When Léa is usually active, learned from her own learning events in her own zone,
and wall-clock hours in her zone across daylight-saving changes."""

from datetime import UTC, datetime, timedelta

import pytest

from parcours.core.models import LearningEvent, Verb
from parcours.engagement.models import DEFAULT_SEND_HOUR, EngagementSettings
from parcours.engagement.timing import MIN_EVENTS_FOR_BEST_HOUR, best_hour, next_local_time

NOW = datetime(2026, 4, 20, 12, 0, tzinfo=UTC)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def activity(person, organisation, at: datetime, verb: str = Verb.PROGRESSED) -> None:
    LearningEvent.objects.create(actor=person, verb=verb, object_type="journeys.pathstep",
                                 object_id="1", organisation=organisation, occurred_at=at)


def test_the_best_hour_is_the_local_hour_lea_is_most_often_active(lea, organisation):
    # Paris is UTC+2 in April: 17:xx UTC is 19:xx for Léa.
    for day in range(1, 9):
        activity(lea, organisation, NOW - timedelta(days=day, hours=-5, minutes=-day))
    for day in range(1, 5):
        activity(lea, organisation, NOW - timedelta(days=day, hours=7))

    assert best_hour(lea, organisation, now=NOW) == 19


def test_events_keep_their_local_hour_across_the_spring_daylight_saving_change(
        lea, organisation):
    # 19:15 in Paris is 18:15 UTC before 29 March 2026 and 17:15 UTC after it; in UTC
    # the habit would look split between two hours, in Léa's zone it is one.
    for day in range(22, 29):
        activity(lea, organisation, utc(2026, 3, day, 18, 15))
    for day in range(29, 31):
        activity(lea, organisation, utc(2026, 3, day, 17, 15))
    for day in range(1, 6):
        activity(lea, organisation, utc(2026, 4, day, 17, 15))
    for day in range(1, 7):
        activity(lea, organisation, utc(2026, 4, day, 6, 30))  # 08:30, fewer times

    assert best_hour(lea, organisation, now=NOW) == 19


def test_the_same_events_give_another_hour_to_someone_in_another_zone(lea, organisation):
    lea.time_zone = "America/Montreal"
    lea.save(update_fields=["time_zone"])
    for day in range(1, 13):
        activity(lea, organisation, NOW - timedelta(days=day, hours=-5))  # 17:00 UTC

    assert best_hour(lea, organisation, now=NOW) == 13  # UTC−4 in April


def test_with_too_few_events_the_organisation_default_hour_is_used(lea, organisation):
    EngagementSettings.objects.create(organisation=organisation, default_send_hour=10)
    for day in range(1, MIN_EVENTS_FOR_BEST_HOUR):
        activity(lea, organisation, NOW - timedelta(days=day, hours=-5))

    assert best_hour(lea, organisation, now=NOW) == 10


def test_an_organisation_that_chose_nothing_sends_at_the_default_hour(lea, organisation):
    assert best_hour(lea, organisation, now=NOW) == DEFAULT_SEND_HOUR


def test_events_older_than_sixty_days_are_forgotten(lea, organisation):
    for day in range(61, 75):
        activity(lea, organisation, NOW - timedelta(days=day, hours=-5))

    assert best_hour(lea, organisation, now=NOW) == DEFAULT_SEND_HOUR


def test_what_the_engine_records_about_lea_is_not_her_activity(lea, organisation):
    for day in range(1, 15):
        activity(lea, organisation, NOW - timedelta(days=day, hours=9), verb=Verb.NOTIFIED)

    assert best_hour(lea, organisation, now=NOW) == DEFAULT_SEND_HOUR


@pytest.mark.parametrize(("after", "expected"), [
    # 23:30 on the Saturday before spring forward (UTC+1) → 08:00 on Sunday (UTC+2).
    (utc(2026, 3, 28, 22, 30), utc(2026, 3, 29, 6, 0)),
    # 23:30 on the Saturday before fall back (UTC+2) → 08:00 on Sunday (UTC+1).
    (utc(2026, 10, 24, 21, 30), utc(2026, 10, 25, 7, 0)),
    # 07:00 local on a plain day → 08:00 the same day.
    (utc(2026, 6, 10, 5, 0), utc(2026, 6, 10, 6, 0)),
    # Exactly 08:00 already: the next one is tomorrow.
    (utc(2026, 6, 10, 6, 0), utc(2026, 6, 11, 6, 0)),
])
def test_the_next_eight_o_clock_is_eight_on_lea_s_clock(lea, after, expected):
    assert next_local_time(lea, 8, after=after) == expected


def test_an_hour_skipped_by_spring_forward_becomes_the_first_hour_that_exists(lea):
    # On 29 March 2026 Paris clocks jump from 02:00 to 03:00.
    assert next_local_time(lea, 2, after=utc(2026, 3, 28, 23, 0)) == utc(2026, 3, 29, 1, 0)


def test_an_hour_that_happens_twice_at_fall_back_is_taken_the_first_time(lea):
    # On 25 October 2026 Paris clocks go from 03:00 back to 02:00: 02:00 happens twice.
    assert next_local_time(lea, 2, after=utc(2026, 10, 24, 22, 0)) == utc(2026, 10, 25, 0, 0)
