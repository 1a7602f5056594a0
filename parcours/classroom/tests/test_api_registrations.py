"""The registrations API: the same rules as the pages, through the same services."""

from datetime import UTC, datetime

import pytest
import time_machine

from parcours.accounts.tests.factories import member
from parcours.classroom.models import Registration, RegistrationStatus
from parcours.classroom.services import register_learners
from parcours.classroom.tests.sessions_for_tests import at, scheduled, slot

MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
DAY = [slot("2026-03-10", "09:00", "12:30"), slot("2026-03-10", "14:00", "17:30")]
ORG = "/api/v1/organisations/cap-avenir"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def api_as(api_as):
    """The API as a person who reads it in English."""
    return lambda user: api_as(user, locale="en")


@pytest.fixture
def session(organisation, sophie):
    return scheduled(organisation, sophie, title="Prise de parole", slots=DAY, capacity=1)


@pytest.fixture
def nina(organisation):
    return member(organisation, "learner", email="nina@example.org", display_name="Nina Roux")


def registrations_url(session) -> str:
    return f"{ORG}/sessions/{session.pk}/registrations"


def test_karim_registers_learners_by_id_and_address(api_as, session, lea, nina, karim):
    response = api_as(karim).post(registrations_url(session),
                                  {"learners": [lea.pk], "emails": ["NINA@example.org"],
                                   "funder": "CPF"})

    assert response.status_code == 201
    body = response.json()
    assert [(r["learner"]["email"], r["status"], r["waitlist_position"]) for r in body] == [
        ("lea@example.org", "registered", None), ("nina@example.org", "waitlisted", 1)]
    assert body[0]["funder"] == "CPF"
    assert body[0]["registered_by"] == "Karim Benali"
    assert body[0]["session"]["id"] == session.pk


def test_karim_lists_seats_then_the_waiting_list(api_as, session, lea, nina, karim):
    register_learners(session, [lea, nina], by=karim)

    response = api_as(karim).get(registrations_url(session))

    assert response.status_code == 200
    assert [(r["learner"]["id"], r["status"], r["waitlist_position"])
            for r in response.json()] == [(lea.pk, "registered", None),
                                          (nina.pk, "waitlisted", 1)]


def test_an_unknown_learner_is_named(api_as, session, karim, oscar):
    response = api_as(karim).post(registrations_url(session), {"learners": [oscar.pk]})

    assert response.status_code == 400
    assert str(oscar.pk) in response.json()["detail"]
    assert not Registration.objects.exists()


def test_registering_after_the_start_is_a_409(api_as, session, lea, karim, clock):
    clock.move_to(at("2026-03-10", "09:30"))

    response = api_as(karim).post(registrations_url(session), {"learners": [lea.pk]})

    assert response.status_code == 409
    assert response.json()["detail"] == "Registration is closed: the session has started."


def test_lea_registers_herself_without_learners_when_the_session_allows_it(
        api_as, organisation, sophie, lea):
    session = scheduled(organisation, sophie, slots=DAY, allows_self_registration=True)

    response = api_as(lea).post(registrations_url(session), {})

    assert response.status_code == 201
    assert response.json()[0]["learner"]["id"] == lea.pk


def test_lea_cannot_register_anyone_else(api_as, organisation, sophie, lea, nina):
    session = scheduled(organisation, sophie, slots=DAY, allows_self_registration=True)

    response = api_as(lea).post(registrations_url(session), {"learners": [nina.pk]})

    assert response.status_code == 403
    assert not Registration.objects.exists()


def test_lea_cannot_list_a_sessions_registrations(api_as, session, lea):
    assert api_as(lea).get(registrations_url(session)).status_code == 403


def test_lea_cancels_her_registration_and_the_next_person_gets_the_seat(api_as, session, lea,
                                                                       nina, karim):
    lea_seat, nina_wait = register_learners(session, [lea, nina], by=karim)

    response = api_as(lea).post(f"{registrations_url(session)}/{lea_seat.pk}/cancel")

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    nina_wait.refresh_from_db()
    assert nina_wait.status == RegistrationStatus.REGISTERED


def test_cancelling_too_late_is_a_409_with_the_reason(api_as, session, lea, karim, clock):
    [registration] = register_learners(session, [lea], by=karim)
    clock.move_to(at("2026-03-09", "09:30"))

    response = api_as(lea).post(f"{registrations_url(session)}/{registration.pk}/cancel")

    assert response.status_code == 409
    assert "too late to cancel online" in response.json()["detail"]


def test_a_learner_cannot_cancel_someone_elses_registration(api_as, session, lea, nina,
                                                            karim):
    [registration] = register_learners(session, [lea], by=karim)

    response = api_as(nina).post(f"{registrations_url(session)}/{registration.pk}/cancel")

    assert response.status_code == 404
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.REGISTERED


def test_lea_reads_her_sessions(api_as, session, lea, karim):
    register_learners(session, [lea], by=karim)

    response = api_as(lea).get(f"{ORG}/my-sessions")

    assert response.status_code == 200
    [item] = response.json()["upcoming"]
    assert (item["session"]["title"], item["status"], item["can_cancel"]) == (
        "Prise de parole", "registered", True)
    assert response.json()["past"] == []


def test_oscar_gets_403_in_another_organisation(api_as, session, lea, karim, oscar):
    [registration] = register_learners(session, [lea], by=karim)
    caller = api_as(oscar)

    assert caller.get(registrations_url(session)).status_code == 403
    assert caller.post(registrations_url(session), {"learners": [lea.pk]}).status_code == 403
    assert caller.post(f"{registrations_url(session)}/{registration.pk}/cancel"
                       ).status_code == 403
    assert caller.get(f"{ORG}/my-sessions").status_code == 403


def test_anonymous_callers_get_401(client, session):
    assert client.get(f"{ORG}/sessions/{session.pk}/registrations").status_code == 401
    assert client.get(f"{ORG}/my-sessions").status_code == 401
