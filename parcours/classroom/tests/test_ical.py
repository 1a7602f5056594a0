"""The session as an iCalendar invitation: one event per session, updated in place."""

from datetime import UTC, datetime

import pytest
import time_machine
from icalendar import Calendar

from parcours.classroom import ical
from parcours.classroom.models import Room
from parcours.classroom.services import cancel_session, reschedule_session
from parcours.classroom.tests.sessions_for_tests import scheduled, slot

MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
DAY = [slot("2026-03-10", "09:00", "12:30"), slot("2026-03-10", "14:00", "17:30")]


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def session(organisation, sophie):
    room = Room.objects.create(organisation=organisation, name="Salle Lumière",
                               venue="Cap Avenir Lyon", address="12 rue de la République\nLyon")
    return scheduled(organisation, sophie, title="Prise de parole", slots=DAY, room=room,
                     description="Apporter un texte de deux minutes.")


def parsed(data: bytes) -> tuple[Calendar, list]:
    calendar = Calendar.from_ical(data)
    return calendar, list(calendar.walk("VEVENT"))


def test_the_invitation_is_one_event_for_the_whole_session_in_utc(session, lea):
    calendar, [event] = parsed(ical.session_event(session, for_user=lea))

    assert calendar["METHOD"] == "REQUEST"
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    assert event["UID"] == f"{session.ical_uid}@parcours"
    assert event["SEQUENCE"] == 0
    assert event["SUMMARY"] == "Prise de parole"
    assert event.decoded("DTSTART") == datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
    assert event.decoded("DTEND") == datetime(2026, 3, 10, 16, 30, tzinfo=UTC)
    assert event["DTSTART"].to_ical() == b"20260310T080000Z"
    assert event["STATUS"] == "CONFIRMED"


def test_the_invitation_says_where_what_and_links_to_the_session_page(session, lea, settings):
    settings.SITE_URL = "https://parcours.example.org"
    _calendar, [event] = parsed(ical.session_event(session, for_user=lea))

    assert event["LOCATION"] == ("Cap Avenir Lyon — Salle Lumière, 12 rue de la République, "
                                 "Lyon")
    page = f"https://parcours.example.org/o/cap-avenir/sessions/{session.pk}/"
    assert event["URL"] == page
    assert page in event["DESCRIPTION"]
    assert "Apporter un texte de deux minutes." in event["DESCRIPTION"]
    assert "Cap Avenir Formation" in event["ORGANIZER"].params["CN"]
    assert str(event["ATTENDEE"]) == "mailto:lea@example.org"


def test_the_half_days_are_listed_in_the_persons_language_and_time_zone(session, lea):
    lea.locale, lea.time_zone = "en", "America/Montreal"

    _calendar, [event] = parsed(ical.session_event(session, for_user=lea))

    assert "Half-days:" in event["DESCRIPTION"]
    assert "4 a.m." in event["DESCRIPTION"]  # 09:00 in Paris, Montréal already on summer time


def test_a_virtual_session_is_located_at_its_link(organisation, sophie, lea):
    session = scheduled(organisation, sophie, slots=DAY, kind="virtual")

    _calendar, [event] = parsed(ical.session_event(session, for_user=lea))

    assert event["LOCATION"] == "https://meet.jit.si/cap-avenir-excel"


def test_the_uid_stays_and_the_sequence_goes_up_when_the_session_moves(session, sophie, lea):
    _calendar, [before] = parsed(ical.session_event(session, for_user=lea))

    reschedule_session(session, by=sophie, slots=[slot("2026-03-12", "09:00", "12:30")])
    session.refresh_from_db()
    _calendar, [after] = parsed(ical.session_event(session, for_user=lea))

    assert after["UID"] == before["UID"]
    assert after["SEQUENCE"] > before["SEQUENCE"]
    assert after.decoded("DTSTART") == datetime(2026, 3, 12, 8, 0, tzinfo=UTC)


def test_a_cancelled_session_cancels_the_event(session, sophie, lea):
    cancel_session(session, by=sophie, reason="Formateur malade")
    session.refresh_from_db()

    calendar, [event] = parsed(ical.session_event(session, method=ical.CANCEL, for_user=lea))

    assert calendar["METHOD"] == "CANCEL"
    assert event["STATUS"] == "CANCELLED"
    assert event["UID"] == f"{session.ical_uid}@parcours"
    assert event["SEQUENCE"] == 1


def test_an_unknown_method_is_a_programming_error(session):
    with pytest.raises(ValueError, match="iTIP"):
        ical.session_event(session, method="REPLY")
