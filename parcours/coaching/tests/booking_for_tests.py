"""Helpers for the booking stories: a coach's usual week and times read on a clock."""

import zoneinfo
from datetime import UTC, datetime, time

from parcours.coaching.models import WeeklyAvailability

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
# Monday 16 March 2026, 09:00 in Paris; Europe moves to summer time on Sunday 29 March.
MONDAY = datetime(2026, 3, 16, 8, 0, tzinfo=UTC)


def weekly(coach, organisation, weekday: int, start: str, end: str, *,
           zone: str = "Europe/Paris", modes=("video",), place: str = "") -> WeeklyAvailability:
    return WeeklyAvailability.objects.create(
        organisation=organisation, coach=coach, weekday=weekday,
        start_time=time.fromisoformat(start), end_time=time.fromisoformat(end), time_zone=zone,
        offers_in_person="in_person" in modes, offers_phone="phone" in modes,
        offers_video="video" in modes, place=place)


def paris(day: str, hour: str) -> datetime:
    """A moment given on a Paris clock, as an aware datetime."""
    return datetime.fromisoformat(f"{day}T{hour}").replace(tzinfo=PARIS)


def utc(day: str, hour: str) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour}").replace(tzinfo=UTC)
