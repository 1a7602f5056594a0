"""The booking API: availability, open slots in the caller's zone, booking, moving,
cancelling, and refusals for everyone outside."""

import pytest
import time_machine

from parcours.accounts.tests.factories import member
from parcours.coaching.models import Appointment, AvailabilityException, WeeklyAvailability
from parcours.coaching.tests.booking_for_tests import MONDAY, paris, weekly
from parcours.coaching.tests.factories import appointment, engagement

TUESDAY = 1
BASE = "/api/v1/organisations/cap-avenir"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def lea_engagement(organisation, lea, karim):
    weekly(karim, organisation, TUESDAY, "09:00", "10:30")
    return engagement(organisation, lea, karim)


def test_karim_replaces_and_reads_his_usual_week(api_as, karim):
    caller = api_as(karim)

    response = caller.put(f"{BASE}/coaching/availability", {"weekly": [
        {"weekday": 1, "start_time": "09:00", "end_time": "12:00", "modes": ["video"]},
        {"weekday": 4, "start_time": "14:00", "end_time": "16:30",
         "modes": ["in_person"], "place": "Bureau 3"}]})

    assert response.status_code == 200
    assert [(p["weekday"], p["start_time"], p["time_zone"]) for p in
            response.json()["weekly"]] == [(1, "09:00:00", "Europe/Paris"),
                                           (4, "14:00:00", "Europe/Paris")]
    assert WeeklyAvailability.objects.filter(coach=karim).count() == 2
    assert caller.get(f"{BASE}/coaching/availability").json()["weekly"][1]["place"] == \
        "Bureau 3"


def test_an_impossible_week_gets_a_400_with_the_reason(api_as, karim):
    response = api_as(karim, locale="en").put(f"{BASE}/coaching/availability", {"weekly": [
        {"weekday": 1, "start_time": "12:00", "end_time": "09:00"}]})

    assert response.status_code == 400
    assert "end after its start" in response.json()["detail"]


def test_karim_adds_and_removes_a_holiday(api_as, karim, client, token_for):
    caller = api_as(karim)

    added = caller.post(f"{BASE}/coaching/availability/exceptions", {
        "kind": "unavailable", "starts_at": "2026-04-06T00:00:00+02:00",
        "ends_at": "2026-04-11T00:00:00+02:00", "note": "Vacances"})

    assert added.status_code == 201
    assert added.json()["starts_at"] == "2026-04-06T00:00:00+02:00"
    exception_id = added.json()["id"]
    url = f"{BASE}/coaching/availability/exceptions/{exception_id}"
    removed = client.delete(url, headers={"Authorization": f"Bearer {token_for(karim)}"})
    assert removed.status_code == 204
    assert not AvailabilityException.objects.filter(pk=exception_id).exists()


def test_karim_cannot_remove_another_coachs_holiday(client, token_for, karim, organisation):
    other = member(organisation, "coach")
    holiday = AvailabilityException.objects.create(
        organisation=organisation, coach=other, kind="unavailable",
        starts_at=paris("2026-04-06", "00:00"), ends_at=paris("2026-04-07", "00:00"))

    response = client.delete(f"{BASE}/coaching/availability/exceptions/{holiday.pk}",
                             headers={"Authorization": f"Bearer {token_for(karim)}"})

    assert response.status_code == 404
    assert AvailabilityException.objects.filter(pk=holiday.pk).exists()


def test_a_learner_cannot_read_availability(api_as, lea):
    assert api_as(lea).get(f"{BASE}/coaching/availability").status_code == 403


def test_open_slots_come_in_the_callers_zone_with_offsets(api_as, lea, karim, lea_engagement):
    lea.time_zone = "America/Montreal"
    lea.save()

    response = api_as(lea).get(f"{BASE}/engagements/{lea_engagement.pk}/slots",
                               **{"from": "2026-03-23", "days": 3})

    assert response.status_code == 200
    assert [slot["starts_at"] for slot in response.json()] == [
        "2026-03-24T04:00:00-04:00", "2026-03-24T04:30:00-04:00"]
    assert response.json()[0]["coach"] == {"id": karim.pk, "display_name": "Karim Benali"}
    assert response.json()[0]["modes"] == ["video"]


def test_a_length_outside_the_rules_is_refused_when_listing_slots(api_as, lea,
                                                                   lea_engagement):
    response = api_as(lea).get(f"{BASE}/engagements/{lea_engagement.pk}/slots", minutes=500)

    assert response.status_code == 400


def test_lea_books_an_open_slot(api_as, lea, karim, lea_engagement):
    response = api_as(lea).post(f"{BASE}/engagements/{lea_engagement.pk}/appointments", {
        "coach": karim.pk, "starts_at": "2026-03-24T09:30:00+01:00", "minutes": 60,
        "mode": "video"})

    assert response.status_code == 201
    body = response.json()
    assert body["starts_at"] == "2026-03-24T09:30:00+01:00"
    assert body["minutes"] == 60
    assert body["status"] == "booked"
    assert body["join_url"].endswith(f"/coaching/appointments/{body['id']}/join/")
    assert Appointment.objects.get().starts_at == paris("2026-03-24", "09:30")


def test_double_booking_gets_a_409_naming_the_clash(api_as, karim, lea, lea_engagement):
    appointment(lea_engagement, karim, starts_at=paris("2026-03-20", "16:00"))

    response = api_as(karim, locale="en").post(
        f"{BASE}/engagements/{lea_engagement.pk}/appointments", {
            "coach": karim.pk, "starts_at": "2026-03-20T16:30:00+01:00", "minutes": 60,
            "mode": "phone"})

    assert response.status_code == 409
    assert response.json()["detail"] == ("Karim Benali already has an appointment with Léa "
                                         "Martin on March 20, 2026 from 16:00 to 17:00.")


def test_a_time_without_offset_is_refused_clearly(api_as, karim, lea_engagement):
    response = api_as(karim, locale="en").post(
        f"{BASE}/engagements/{lea_engagement.pk}/appointments", {
            "coach": karim.pk, "starts_at": "2026-03-20T16:30:00", "minutes": 60,
            "mode": "phone"})

    assert response.status_code == 400
    assert "starts" in response.json()["detail"]


def test_lea_moves_then_cancels_her_appointment(api_as, lea, karim, lea_engagement):
    booked = appointment(lea_engagement, karim, starts_at=paris("2026-03-24", "09:00"))
    caller = api_as(lea)

    moved = caller.post(f"{BASE}/coaching/appointments/{booked.pk}/move",
                        {"starts_at": "2026-03-31T09:30:00+02:00"})
    cancelled = caller.post(f"{BASE}/coaching/appointments/{booked.pk}/cancel",
                            {"reason": "Nouvel emploi"})

    assert moved.status_code == 200
    assert moved.json()["ical_sequence"] == 1
    assert cancelled.status_code == 200
    assert (cancelled.json()["status"], cancelled.json()["ical_sequence"]) == ("cancelled", 2)


def test_lists_and_detail(api_as, lea, karim, lea_engagement):
    booked = appointment(lea_engagement, karim, starts_at=paris("2026-03-24", "09:00"))
    caller = api_as(lea)

    mine = caller.get(f"{BASE}/coaching/appointments").json()
    of_engagement = caller.get(f"{BASE}/engagements/{lea_engagement.pk}/appointments").json()
    detail = caller.get(f"{BASE}/coaching/appointments/{booked.pk}").json()

    assert [a["id"] for a in mine] == [a["id"] for a in of_engagement] == [booked.pk]
    assert detail["coach"]["display_name"] == "Karim Benali"
    assert detail["beneficiary"]["display_name"] == "Léa Martin"


def test_another_beneficiary_gets_404_everywhere(api_as, organisation, karim, lea_engagement):
    booked = appointment(lea_engagement, karim, starts_at=paris("2026-03-24", "09:00"))
    noe = member(organisation, "learner")
    caller = api_as(noe)

    assert caller.get(f"{BASE}/engagements/{lea_engagement.pk}/slots").status_code == 404
    assert caller.get(f"{BASE}/engagements/{lea_engagement.pk}/appointments").status_code \
        == 404
    assert caller.get(f"{BASE}/coaching/appointments/{booked.pk}").status_code == 404
    assert caller.post(f"{BASE}/coaching/appointments/{booked.pk}/cancel",
                       {"reason": "Non"}).status_code == 404
    assert caller.post(f"{BASE}/engagements/{lea_engagement.pk}/appointments", {
        "coach": karim.pk, "starts_at": "2026-03-24T09:30:00+01:00", "minutes": 60,
        "mode": "video"}).status_code == 404
    assert caller.get(f"{BASE}/coaching/appointments").json() == []


def test_another_organisation_gets_403(api_as, oscar, lea_engagement):
    caller = api_as(oscar)

    assert caller.get(f"{BASE}/engagements/{lea_engagement.pk}/slots").status_code == 403
    assert caller.get(f"{BASE}/coaching/appointments").status_code == 403


def test_an_anonymous_caller_gets_401(client, lea_engagement):
    assert client.get(f"{BASE}/engagements/{lea_engagement.pk}/slots").status_code == 401
    assert client.get(f"{BASE}/coaching/availability").status_code == 401
