"""Each booking sends both people an invitation for their calendar: the same UID, a
higher SEQUENCE when it moves, METHOD:CANCEL when it is cancelled; and appointments
appear in everyone's private calendar feed."""

import pytest
import time_machine
from django.core import mail
from icalendar import Calendar

from parcours.classroom.ical import feed_calendar
from parcours.coaching import ical
from parcours.coaching.services.booking import (
    book_appointment,
    cancel_appointment,
    move_appointment,
)
from parcours.coaching.tests.booking_for_tests import MONDAY, paris, utc, weekly
from parcours.coaching.tests.factories import engagement

TUESDAY = 1


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def lea_engagement(organisation, lea, karim):
    weekly(karim, organisation, TUESDAY, "09:00", "12:00")
    karim.locale, karim.time_zone = "en", "America/Montreal"
    karim.save()
    return engagement(organisation, lea, karim, title="Bilan de compétences — Léa Martin")


@pytest.fixture
def booked(lea_engagement, lea, karim):
    return book_appointment(lea_engagement, by=lea, coach=karim,
                            starts_at=paris("2026-03-24", "10:00"), minutes=90, mode="video")


def invitation_to(email: str) -> tuple[str, Calendar, object]:
    [message] = [m for m in mail.outbox if m.to == [email]]
    [(filename, content, mimetype)] = message.attachments
    assert filename == "appointment.ics"
    calendar = Calendar.from_ical(content)
    [event] = calendar.walk("VEVENT")
    return mimetype, calendar, (message, event)


def test_booking_sends_lea_and_karim_an_invitation_each(booked, run_tasks):
    run_tasks()

    assert len(mail.outbox) == 2
    for email in ("lea@example.org", "karim@example.org"):
        mimetype, calendar, (_message, event) = invitation_to(email)
        assert mimetype == "text/calendar; method=REQUEST"
        assert calendar["METHOD"] == "REQUEST"
        assert event["UID"] == f"{booked.ical_uid}@parcours"
        assert event["SEQUENCE"] == 0
        assert event["STATUS"] == "CONFIRMED"
        assert event.decoded("DTSTART") == utc("2026-03-24", "09:00")
        assert event.decoded("DTEND") == utc("2026-03-24", "10:30")
        assert str(event["ATTENDEE"]) == f"mailto:{email}"


def test_each_one_reads_it_in_their_language_and_time_zone(booked, run_tasks):
    run_tasks()

    _m, _c, (to_lea, lea_event) = invitation_to("lea@example.org")
    _m, _c, (to_karim, karim_event) = invitation_to("karim@example.org")
    assert "Karim Benali" in lea_event["SUMMARY"]  # the other person, for each reader
    assert karim_event["SUMMARY"] == "Appointment with Léa Martin"
    assert "5 a.m." in to_karim.body  # 10:00 in Paris is 05:00 in Montréal
    assert "America/Montreal" in to_karim.body
    assert "10:00" in to_lea.body
    assert "Europe/Paris" in to_lea.body


def test_the_invitation_leads_to_the_parcours_join_link(booked, run_tasks, settings):
    settings.SITE_URL = "https://parcours.example.org"
    run_tasks()

    _m, _c, (_message, event) = invitation_to("karim@example.org")
    join = f"https://parcours.example.org/o/cap-avenir/coaching/appointments/{booked.pk}/join/"
    assert event["LOCATION"] == join
    assert event["URL"] == (f"https://parcours.example.org/o/cap-avenir/coaching/"
                            f"appointments/{booked.pk}/")


def test_moving_updates_the_same_event_with_a_higher_sequence(booked, lea, run_tasks):
    run_tasks()
    mail.outbox.clear()

    move_appointment(booked, by=lea, starts_at=paris("2026-03-31", "09:00"))
    run_tasks()

    for email in ("lea@example.org", "karim@example.org"):
        _mimetype, calendar, (message, event) = invitation_to(email)
        assert calendar["METHOD"] == "REQUEST"
        assert event["UID"] == f"{booked.ical_uid}@parcours"
        assert event["SEQUENCE"] == 1
        assert event.decoded("DTSTART") == utc("2026-03-31", "07:00")
    _m, _c, (to_karim, _event) = invitation_to("karim@example.org")
    assert "changed" in to_karim.subject


def test_cancelling_sends_a_cancel_for_the_same_event(booked, lea, run_tasks):
    run_tasks()
    mail.outbox.clear()

    cancel_appointment(booked, by=lea, reason="Entretien d'embauche")
    run_tasks()

    for email in ("lea@example.org", "karim@example.org"):
        mimetype, calendar, (_message, event) = invitation_to(email)
        assert mimetype == "text/calendar; method=CANCEL"
        assert calendar["METHOD"] == "CANCEL"
        assert event["UID"] == f"{booked.ical_uid}@parcours"
        assert event["SEQUENCE"] == 1
        assert event["STATUS"] == "CANCELLED"
    _m, _c, (to_karim, _event) = invitation_to("karim@example.org")
    assert "Entretien d'embauche" in to_karim.body


def test_an_email_superseded_by_a_newer_change_is_not_sent(booked, lea):
    move_appointment(booked, by=lea, starts_at=paris("2026-03-31", "09:00"))
    from parcours.coaching.tasks import send_appointment_email

    assert send_appointment_email.func(booked.pk, lea.pk, "booked", 0).startswith("skipped")


def test_appointments_are_in_both_calendar_feeds(booked, lea, karim, organisation):
    for person in (lea, karim):
        calendar = Calendar.from_ical(feed_calendar(person))
        uids = [str(event["UID"]) for event in calendar.walk("VEVENT")]
        assert f"{booked.ical_uid}@parcours" in uids


def test_a_cancelled_appointment_shows_cancelled_in_the_feed(booked, lea):
    cancel_appointment(booked, by=lea, reason="Malade")

    [entry] = ical.appointment_entries(lea)
    assert entry.status == "CANCELLED"
    assert entry.sequence == 1


def test_someone_else_does_not_get_it_in_their_feed(booked, sophie, oscar):
    assert ical.appointment_entries(sophie) == []
    assert ical.appointment_entries(oscar) == []
