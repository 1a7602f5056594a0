"""Who is told what, in their language and time zone, with the calendar entry attached."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail
from icalendar import Calendar

from parcours.accounts.tests.factories import member
from parcours.classroom import notifications
from parcours.classroom.models import Registration, RegistrationStatus
from parcours.classroom.services import (
    cancel_registration,
    cancel_session,
    register_learners,
    reschedule_session,
)
from parcours.classroom.tests.sessions_for_tests import scheduled, slot

MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
DAY = [slot("2026-03-10", "09:00", "12:30"), slot("2026-03-10", "14:00", "17:30")]


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def trainer(organisation):
    return member(organisation, "trainer", email="tom@example.org", display_name="Tom Trainer",
                  locale="en")


@pytest.fixture
def amy(organisation):
    """A learner who reads English in Montréal."""
    return member(organisation, "learner", email="amy@example.org", display_name="Amy Clark",
                  locale="en", time_zone="America/Montreal")


@pytest.fixture
def session(organisation, sophie, trainer):
    return scheduled(organisation, sophie, title="Prise de parole", slots=DAY, capacity=1,
                     trainers=[trainer])


def sent_to(email: str) -> list:
    return [message for message in mail.outbox if message.to == [email]]


def only_email_to(email: str):
    [message] = sent_to(email)
    return message


def invitation(message) -> tuple[str, Calendar]:
    [(filename, content, mimetype)] = message.attachments
    assert filename.endswith(".ics")
    return mimetype, Calendar.from_ical(content)


def test_lea_gets_her_confirmation_in_french_and_paris_time(session, lea, karim, run_tasks):
    register_learners(session, [lea], by=karim)
    run_tasks()

    message = only_email_to("lea@example.org")
    assert "Prise de parole" in message.subject
    assert "10 mars 2026, 09:00–12:30" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert 'lang="fr"' in html
    assert "10 mars 2026, 09:00–12:30" in html
    mimetype, calendar = invitation(message)
    assert mimetype == "text/calendar; method=REQUEST"
    assert calendar["METHOD"] == "REQUEST"


def test_amy_gets_hers_in_english_and_montreal_time(session, amy, karim, run_tasks):
    register_learners(session, [amy], by=karim)
    run_tasks()

    message = only_email_to("amy@example.org")
    assert message.subject == "Your place in “Prise de parole” is confirmed"
    assert "March 10, 2026, 4 a.m.–7:30 a.m." in message.body
    assert "cancel before March 8, 2026, 4 a.m." in message.body
    assert 'lang="en"' in message.alternatives[0][0]


def test_a_waiting_learner_learns_her_place_and_gets_no_calendar_entry(session, lea, amy,
                                                                       karim, run_tasks):
    register_learners(session, [lea, amy], by=karim)
    run_tasks()

    message = only_email_to("amy@example.org")
    assert message.subject == "You are on the waiting list for “Prise de parole”"
    assert "you are number 1 on its waiting list" in message.body
    assert message.attachments == []


def test_cancelling_removes_the_event_from_the_learners_calendar(session, amy, karim,
                                                                 run_tasks):
    [registration] = register_learners(session, [amy], by=karim)
    run_tasks()
    mail.outbox.clear()

    cancel_registration(registration, by=amy)
    run_tasks()

    message = only_email_to("amy@example.org")
    assert "is cancelled, as you asked" in message.body
    mimetype, calendar = invitation(message)
    assert mimetype == "text/calendar; method=CANCEL"
    [event] = calendar.walk("VEVENT")
    assert event["STATUS"] == "CANCELLED"


def test_a_learner_cancelled_by_the_organisation_is_told_who_did_it(session, amy, karim,
                                                                    run_tasks):
    [registration] = register_learners(session, [amy], by=karim)
    run_tasks()
    mail.outbox.clear()

    cancel_registration(registration, by=karim)
    run_tasks()

    message = only_email_to("amy@example.org")
    assert "Cap Avenir Formation cancelled your registration for “Prise de parole”." in (
        message.body)


def test_a_confirmation_for_a_place_cancelled_meanwhile_is_not_sent(session, amy, karim,
                                                                    run_tasks):
    [registration] = register_learners(session, [amy], by=karim)
    cancel_registration(registration, by=karim)
    run_tasks()

    assert [m.subject for m in sent_to("amy@example.org")] == [
        "Your registration for “Prise de parole” is cancelled"]


def test_a_move_updates_the_calendars_of_those_with_a_seat_and_says_what_changed(
        session, amy, lea, trainer, karim, sophie, run_tasks):
    register_learners(session, [amy, lea], by=karim)
    run_tasks()
    mail.outbox.clear()

    reschedule_session(session, by=sophie, slots=[slot("2026-03-12", "09:00", "12:30")])
    run_tasks()

    message = only_email_to("amy@example.org")
    assert message.subject == "“Prise de parole” has changed: see the new schedule"
    assert "It was planned:\n- March 10, 2026, 4 a.m.–7:30 a.m." in message.body
    assert "New schedule:\n- March 12, 2026, 4 a.m.–7:30 a.m." in message.body
    _mimetype, calendar = invitation(message)
    [event] = calendar.walk("VEVENT")
    assert event["SEQUENCE"] == 1
    assert event["UID"] == f"{session.ical_uid}@parcours"
    _mimetype, calendar = invitation(only_email_to("tom@example.org"))
    assert calendar["METHOD"] == "REQUEST"
    waiting = only_email_to("lea@example.org")
    assert waiting.attachments == []


def test_only_the_latest_of_two_quick_moves_is_sent(session, amy, karim, sophie, run_tasks):
    register_learners(session, [amy], by=karim)
    run_tasks()
    mail.outbox.clear()

    reschedule_session(session, by=sophie, slots=[slot("2026-03-12", "09:00", "12:30")])
    reschedule_session(session, by=sophie, slots=[slot("2026-03-13", "09:00", "12:30")])
    run_tasks()

    message = only_email_to("amy@example.org")
    _mimetype, calendar = invitation(message)
    assert calendar.walk("VEVENT")[0]["SEQUENCE"] == 2


def test_a_cancelled_session_is_removed_from_calendars_with_the_reason(
        session, amy, trainer, karim, sophie, run_tasks):
    register_learners(session, [amy], by=karim)
    run_tasks()
    mail.outbox.clear()

    cancel_session(session, by=sophie, reason="The trainer is ill")
    run_tasks()

    for email in ("amy@example.org", "tom@example.org"):
        message = only_email_to(email)
        assert message.subject == "“Prise de parole” is cancelled"
        mimetype, calendar = invitation(message)
        assert mimetype == "text/calendar; method=CANCEL"
        [event] = calendar.walk("VEVENT")
        assert (calendar["METHOD"], event["STATUS"], event["SEQUENCE"]) == (
            "CANCEL", "CANCELLED", 1)
    assert "Reason: The trainer is ill" in only_email_to("amy@example.org").body


def test_everyone_concerned_is_the_learners_with_a_place_or_waiting_and_the_trainers(
        session, amy, lea, trainer, karim):
    amy_seat, _lea_waiting = register_learners(session, [amy, lea], by=karim)
    nina = member(session.organisation, "learner")
    Registration.objects.create(session=session, learner=nina,
                                status=RegistrationStatus.CANCELLED)

    assert notifications.concerned_by(session.pk) == sorted([amy.pk, lea.pk, trainer.pk])
