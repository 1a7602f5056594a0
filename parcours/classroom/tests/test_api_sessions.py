"""Sessions in the API: the same rules as the pages, in JSON."""

import pytest

from parcours.classroom import services
from parcours.classroom.models import Registration, RegistrationStatus, Session
from parcours.classroom.tests.sessions_for_tests import at, scheduled, slot

pytestmark = pytest.mark.django_db

SESSIONS = "/api/v1/organisations/cap-avenir/sessions"
MARCH = {"start": "2026-03-01", "end": "2026-04-01"}


def one(session, action=""):
    return f"{SESSIONS}/{session.pk}{action}"


def request_body(**fields) -> dict:
    return {"title": "Excel : les bases", "kind": "in_person", "capacity": 12,
            "slots": [{"starts_at": "2026-03-10T09:00:00+01:00",
                       "ends_at": "2026-03-10T12:30:00+01:00"},
                      {"starts_at": "2026-03-10T13:30:00", "ends_at": "2026-03-10T17:00:00"}],
            **fields}


def test_sophie_lists_the_sessions_of_a_period(api_as, organisation, sophie, karim):
    room = services.create_room(organisation, by=sophie, name="Salle Rivoli", capacity=14)
    session = scheduled(organisation, sophie, title="Excel", trainers=[karim], room=room,
                        kind="hybrid")
    scheduled(organisation, sophie, title="En avril", slots=[slot("2026-04-02", "09:00", "12:00")])

    response = api_as(sophie).get(SESSIONS, **MARCH)

    assert response.status_code == 200
    [item] = response.json()
    assert item["id"] == session.pk
    assert (item["title"], item["kind"], item["status"], item["capacity"]) == (
        "Excel", "hybrid", "scheduled", 12)
    assert item["starts_at"] == "2026-03-10T08:00:00Z"
    assert item["slots"] == [{"id": session.slots.get().pk, "part": "morning",
                              "starts_at": "2026-03-10T08:00:00Z",
                              "ends_at": "2026-03-10T11:30:00Z"}]
    assert item["trainers"] == [{"id": karim.pk, "display_name": "Karim Benali"}]
    assert item["room"]["name"] == "Salle Rivoli"
    assert (item["seats_taken"], item["meeting_url"]) == (
        0, "https://meet.jit.si/cap-avenir-excel")
    assert (item["ical_uid"], item["ical_sequence"]) == (str(session.ical_uid), 0)


def test_lea_lists_only_her_sessions_and_the_open_ones(api_as, organisation, sophie, lea):
    hers = scheduled(organisation, sophie, title="Excel", kind="virtual")
    Registration.objects.create(session=hers, learner=lea, status=RegistrationStatus.REGISTERED)
    scheduled(organisation, sophie, title="Word", kind="virtual", allows_self_registration=True,
              slots=[slot("2026-03-11", "09:00", "12:00")])
    scheduled(organisation, sophie, title="Réunion", slots=[slot("2026-03-12", "09:00", "12:00")])

    items = api_as(lea).get(SESSIONS, **MARCH).json()

    assert [(i["title"], i["seats_taken"], i["meeting_url"] is not None) for i in items] == [
        ("Excel", None, True), ("Word", None, False)]


def test_lea_cannot_get_a_session_she_may_not_see(api_as, organisation, sophie, lea):
    session = scheduled(organisation, sophie)

    assert api_as(lea).get(one(session)).status_code == 404


def test_a_session_comes_with_its_slots_trainers_and_room(api_as, organisation, sophie, karim):
    session = scheduled(organisation, sophie, trainers=[karim],
                        slots=[slot("2026-03-10", "09:00", "12:30"),
                               slot("2026-03-10", "13:30", "17:00")])

    body = api_as(karim).get(one(session)).json()

    assert [s["part"] for s in body["slots"]] == ["morning", "afternoon"]
    assert body["seats_taken"] == 0


def test_the_period_is_checked(api_as, sophie):
    response = api_as(sophie, locale="en").get(SESSIONS, start="2026-04-01", end="2026-03-01")
    too_long = api_as(sophie).get(SESSIONS, start="2026-01-01", end="2027-06-01")

    assert response.status_code == 400
    assert response.json()["detail"] == (
        "The period must end after it starts, and last at most 366 days.")
    assert too_long.status_code == 400


def test_sophie_schedules_through_the_api(api_as, organisation, sophie, karim):
    room = services.create_room(organisation, by=sophie, name="Salle Rivoli")

    response = api_as(sophie).post(SESSIONS, request_body(trainers=[karim.pk], room=room.pk))

    assert response.status_code == 201
    session = Session.objects.get()
    assert response.json()["id"] == session.pk
    # The second slot had no offset: read in Sophie's zone, Paris.
    assert [(s.starts_at, s.ends_at) for s in session.slots.all()] == [
        slot("2026-03-10", "09:00", "12:30"), slot("2026-03-10", "13:30", "17:00")]
    assert (session.room, list(session.trainers.all())) == (room, [karim])


def test_a_double_booking_is_a_conflict_with_the_reason(api_as, organisation, sophie, karim):
    scheduled(organisation, sophie, title="Word", trainers=[karim])

    response = api_as(sophie, locale="en").post(SESSIONS, request_body(trainers=[karim.pk]))

    assert response.status_code == 409
    assert response.json() == {"detail": "Karim Benali already trains “Word” on March 10, "
                                         "2026 from 09:00 to 12:30."}


def test_bad_requests_say_why(api_as, organisation, sophie, lea, oscar, other_organisation):
    theirs = services.create_room(other_organisation, by=oscar, name="Salle Horizon")
    caller = api_as(sophie, locale="en")

    missing = caller.post(SESSIONS, {"title": "Excel"})
    virtual = caller.post(SESSIONS, request_body(kind="virtual"))
    not_a_trainer = caller.post(SESSIONS, request_body(trainers=[lea.pk]))
    other_room = caller.post(SESSIONS, request_body(room=theirs.pk))
    backwards = caller.post(SESSIONS, request_body(slots=[
        {"starts_at": "2026-03-10T12:00:00+01:00", "ends_at": "2026-03-10T09:00:00+01:00"}]))

    assert missing.status_code == 422
    assert {e["field"] for e in missing.json()["errors"]} == {"capacity", "slots"}
    assert (virtual.status_code, virtual.json()["detail"]) == (
        400, "A virtual or hybrid session needs a meeting link (https://…).")
    assert not_a_trainer.status_code == 400
    assert other_room.status_code == 400
    assert (backwards.status_code, backwards.json()["detail"]) == (
        400, "Each slot must end after it starts.")
    assert not Session.objects.exists()


@pytest.mark.parametrize("person", ["lea", "karim"])
def test_learners_and_trainers_cannot_schedule(api_as, organisation, person, request):
    response = api_as(request.getfixturevalue(person)).post(SESSIONS, request_body())

    assert response.status_code == 403
    assert not Session.objects.exists()


def test_oscar_is_refused_whatever_he_asks(api_as, organisation, sophie, oscar):
    session = scheduled(organisation, sophie)

    assert api_as(oscar).get(SESSIONS).status_code == 403
    assert api_as(oscar).get(one(session)).status_code == 403
    assert api_as(oscar).post(SESSIONS, request_body()).status_code == 403
    assert api_as(oscar).post(one(session, "/cancel"), {"reason": "x"}).status_code == 403


def test_an_anonymous_caller_must_authenticate(client, organisation, sophie):
    session = scheduled(organisation, sophie)

    assert client.get(SESSIONS).status_code == 401
    assert client.get(one(session)).status_code == 401
    assert client.post(one(session, "/cancel"), {"reason": "x"},
                       content_type="application/json").status_code == 401


def test_sophie_moves_and_cancels_a_session(api_as, organisation, sophie):
    session = scheduled(organisation, sophie)

    moved = api_as(sophie).post(one(session, "/reschedule"), {"slots": [
        {"starts_at": "2026-03-12T14:00:00+01:00", "ends_at": "2026-03-12T17:00:00+01:00"}]})
    cancelled = api_as(sophie).post(one(session, "/cancel"), {"reason": "Formatrice malade"})
    again = api_as(sophie, locale="en").post(one(session, "/cancel"), {"reason": "Encore"})

    assert moved.status_code == 200
    assert (moved.json()["slots"][0]["part"], moved.json()["ical_sequence"]) == ("afternoon", 1)
    assert (cancelled.status_code, cancelled.json()["status"]) == (200, "cancelled")
    assert cancelled.json()["ical_sequence"] == 2
    assert again.status_code == 409
    session.refresh_from_db()
    assert session.starts_at == at("2026-03-12", "14:00")


def test_a_trainer_cannot_cancel(api_as, organisation, sophie, karim):
    session = scheduled(organisation, sophie, trainers=[karim])

    assert api_as(karim).post(one(session, "/cancel"), {"reason": "Non"}).status_code == 403
