"""Private calendar feeds: a secret address per person, listing their sessions."""

import hashlib
from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from parcours.accounts.tests.factories import member
from parcours.classroom.models import CalendarFeed, Registration, RegistrationStatus
from parcours.classroom.services import (
    NoCalendarFeed,
    cancel_registration,
    cancel_session,
    create_calendar_feed,
    register_learners,
    revoke_calendar_feed,
)
from parcours.classroom.tests.sessions_for_tests import scheduled, slot
from parcours.core.errors import NotAllowed

MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
DAY = [slot("2026-03-10", "09:00", "12:30"), slot("2026-03-10", "14:00", "17:30")]


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def session(organisation, sophie):
    return scheduled(organisation, sophie, title="Prise de parole", slots=DAY)


def feed_url(token: str) -> str:
    return reverse("classroom:feed_ics", args=[token])


def events_of(response) -> list:
    return list(Calendar.from_ical(response.content).walk("VEVENT"))


# The token


def test_the_token_is_stored_as_its_sha256_only(lea):
    feed, raw = create_calendar_feed(lea, by=lea)

    feed.refresh_from_db()
    assert feed.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in feed.token_hash
    assert len(raw) >= 40


def test_a_new_token_replaces_the_previous_one(client, lea):
    _feed, first = create_calendar_feed(lea, by=lea)
    _feed, second = create_calendar_feed(lea, by=lea)

    assert client.get(feed_url(first)).status_code == 404
    assert client.get(feed_url(second)).status_code == 200
    assert CalendarFeed.objects.filter(user=lea).count() == 1


def test_only_its_owner_creates_or_revokes_a_calendar_address(lea, sophie):
    with pytest.raises(NotAllowed):
        create_calendar_feed(lea, by=sophie)
    create_calendar_feed(lea, by=lea)
    with pytest.raises(NotAllowed):
        revoke_calendar_feed(lea, by=sophie)


def test_a_revoked_address_answers_like_an_unknown_one(client, lea):
    _feed, raw = create_calendar_feed(lea, by=lea)
    revoke_calendar_feed(lea, by=lea)

    revoked = client.get(feed_url(raw))
    unknown = client.get(feed_url("not-a-token"))

    assert revoked.status_code == unknown.status_code == 404
    assert revoked.content == unknown.content


def test_revoking_without_an_address_says_so(lea):
    with pytest.raises(NoCalendarFeed):
        revoke_calendar_feed(lea, by=lea)


# The feed


def test_the_feed_lists_the_owners_sessions_one_event_per_half_day(client, session, lea,
                                                                   karim):
    register_learners(session, [lea], by=karim)
    _feed, raw = create_calendar_feed(lea, by=lea)

    response = client.get(feed_url(raw))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "private" in response["Cache-Control"]
    events = events_of(response)
    slots = list(session.slots.order_by("starts_at"))
    assert [str(e["UID"]) for e in events] == [f"{session.ical_uid}-{s.pk}@parcours"
                                               for s in slots]
    assert [e.decoded("DTSTART") for e in events] == [
        datetime(2026, 3, 10, 8, 0, tzinfo=UTC), datetime(2026, 3, 10, 13, 0, tzinfo=UTC)]
    assert events[0]["DTSTART"].to_ical() == b"20260310T080000Z"
    assert {str(e["STATUS"]) for e in events} == {"CONFIRMED"}


def test_the_feed_shows_only_the_owners_sessions(client, organisation, sophie, session, lea,
                                                 karim):
    nina = member(organisation, "learner")
    other = scheduled(organisation, sophie, title="Excel", slots=[slot("2026-03-11", "09:00",
                                                                      "12:30")])
    register_learners(session, [lea], by=karim)
    register_learners(other, [nina], by=karim)
    _feed, raw = create_calendar_feed(lea, by=lea)

    summaries = {str(e["SUMMARY"]) for e in events_of(client.get(feed_url(raw)))}

    assert summaries == {"Prise de parole"}


def test_a_trainer_sees_the_sessions_they_train(client, organisation, sophie):
    tom = member(organisation, "trainer")
    scheduled(organisation, sophie, title="Prise de parole", slots=DAY, trainers=[tom])
    _feed, raw = create_calendar_feed(tom, by=tom)

    assert len(events_of(client.get(feed_url(raw)))) == 2


def test_a_waiting_place_is_tentative_and_a_cancelled_one_is_gone(client, organisation,
                                                                  sophie, lea, karim):
    full = scheduled(organisation, sophie, title="Complet", slots=DAY, capacity=1)
    left = scheduled(organisation, sophie, title="Quitté",
                     slots=[slot("2026-03-11", "09:00", "12:30")])
    register_learners(full, [member(organisation, "learner"), lea], by=karim)
    [gone] = register_learners(left, [lea], by=karim)
    cancel_registration(gone, by=lea)
    _feed, raw = create_calendar_feed(lea, by=lea)

    events = events_of(client.get(feed_url(raw)))

    assert {(str(e["SUMMARY"]), str(e["STATUS"])) for e in events} == {
        ("Complet (liste d’attente)", "TENTATIVE")}  # in Léa's language


def test_a_cancelled_session_stays_in_the_feed_marked_cancelled(client, session, sophie, lea,
                                                                karim):
    register_learners(session, [lea], by=karim)
    cancel_session(session, by=sophie, reason="Formateur malade")
    _feed, raw = create_calendar_feed(lea, by=lea)

    events = events_of(client.get(feed_url(raw)))

    assert {str(e["STATUS"]) for e in events} == {"CANCELLED"}
    assert {int(e["SEQUENCE"]) for e in events} == {1}


def test_sessions_over_for_more_than_30_days_leave_the_feed(client, session, lea, karim, clock):
    register_learners(session, [lea], by=karim)
    _feed, raw = create_calendar_feed(lea, by=lea)

    clock.move_to(datetime(2026, 4, 9, 12, 0, tzinfo=UTC))
    assert len(events_of(client.get(feed_url(raw)))) == 2
    clock.move_to(datetime(2026, 4, 10, 12, 0, tzinfo=UTC))
    assert events_of(client.get(feed_url(raw))) == []


def test_the_feed_reads_the_same_number_of_queries_whatever_the_sessions(
        client, organisation, sophie, lea, karim, django_assert_max_num_queries):
    for day in range(10, 20):
        session = scheduled(organisation, sophie, title=f"Séance {day}",
                            slots=[slot(f"2026-03-{day}", "09:00", "12:30")])
        Registration.objects.create(session=session, learner=lea,
                                    status=RegistrationStatus.REGISTERED)
    _feed, raw = create_calendar_feed(lea, by=lea)

    with django_assert_max_num_queries(4):
        assert len(events_of(client.get(feed_url(raw)))) == 10


# The page


def test_the_page_shows_the_address_once_after_creating_it(client, lea):
    client.force_login(lea)
    page = reverse("classroom:calendar_feed")

    created = client.post(page)

    assert created.status_code == 200
    raw = created.context["addresses"]["https"].rsplit("/", 1)[1].removesuffix(".ics")
    assert CalendarFeed.objects.get(user=lea).token_hash == hashlib.sha256(
        raw.encode()).hexdigest()
    assert created.context["addresses"]["webcal"].startswith("webcal://")
    assert raw in created.content.decode()
    again = client.get(page)
    assert raw not in again.content.decode()
    assert again.context["feed"] is not None


def test_the_page_revokes_the_address(client, lea):
    client.force_login(lea)
    _feed, raw = create_calendar_feed(lea, by=lea)

    response = client.post(reverse("classroom:revoke_calendar_feed"), follow=True)

    assert response.context["feed"] is None
    assert client.get(feed_url(raw)).status_code == 404


def test_the_page_is_for_signed_in_people(client):
    response = client.get(reverse("classroom:calendar_feed"))

    assert response.status_code == 302
    assert "/login/" in response["Location"]
