"""Sessions at known times, for the tests of scheduling, calendars and the session pages.

Times are written as Paris wall-clock times (the organisation's zone):
`slot("2026-03-10", "09:00", "12:30")`.
"""

from contextlib import contextmanager
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from parcours.classroom.models import Session
from parcours.classroom.services import schedule_session

PARIS = ZoneInfo("Europe/Paris")


def at(day: str, hour: str, zone: ZoneInfo = PARIS) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour}").replace(tzinfo=zone)


def slot(day: str, start: str, end: str, zone: ZoneInfo = PARIS) -> tuple[datetime, datetime]:
    return at(day, start, zone), at(day, end, zone)


def scheduled(organisation, by, *, title: str = "Bureautique : Excel",
              slots=None, kind: str = "in_person", capacity: int = 12,
              **fields) -> Session:
    """A session scheduled through the service: by default one morning, 10 March 2026."""
    if kind != "in_person":
        fields.setdefault("meeting_url", "https://meet.jit.si/cap-avenir-excel")
    return schedule_session(organisation, by=by, title=title, kind=kind, capacity=capacity,
                            slots=slots or [slot("2026-03-10", "09:00", "12:30")], **fields)


@contextmanager
def refused(error, match=None):
    """The service refuses with this error, and says why (read in English)."""
    with translation.override("en"), pytest.raises(error, match=match) as caught:
        yield caught
