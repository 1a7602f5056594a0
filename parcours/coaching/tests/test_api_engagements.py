"""The engagements API: engagements, hours, closing, shared notes, comments, actions;
and who is refused."""

from datetime import timedelta

import pytest
from django.utils import timezone

from parcours.accounts.tests.factories import member
from parcours.coaching.models import ActionItem, AppointmentStatus, Engagement, NoteVisibility
from parcours.coaching.services.appointments import close_appointment
from parcours.coaching.services.notes import write_note
from parcours.coaching.tests import factories

BASE = "/api/v1/organisations/cap-avenir/engagements"


@pytest.fixture
def engagement(organisation, lea, karim):
    return factories.engagement(organisation, lea, karim, funder="CPF")


def test_a_manager_lists_every_engagement_with_its_hours(api_as, organisation, engagement,
                                                         sophie, karim):
    past = factories.appointment(engagement, karim, starts_at=timezone.now() - timedelta(1))
    close_appointment(past, by=karim, actual_minutes=90)
    response = api_as(sophie).get(BASE)
    assert response.status_code == 200
    [row] = response.json()
    assert row["capacity"] == "manager"
    assert row["hours"] == {"contracted_minutes": 1440, "used_minutes": 90,
                            "left_minutes": 1350, "over_minutes": 0, "level": "ok",
                            "left_text": "22 h 30"}


def test_a_learner_lists_only_their_own_engagements(api_as, organisation, engagement, karim,
                                                    lea):
    factories.engagement(organisation, member(organisation, "learner"), karim,
                         type_=engagement.engagement_type)
    rows = api_as(lea).get(BASE).json()
    assert [row["id"] for row in rows] == [engagement.pk]
    assert rows[0]["capacity"] == "beneficiary" and rows[0]["funder"] == ""


def test_a_coach_opens_an_engagement_they_coach(api_as, organisation, karim, lea):
    kind = factories.engagement_type(organisation)
    response = api_as(karim).post(BASE, {"engagement_type": kind.pk, "beneficiary": lea.pk,
                                         "coaches": [karim.pk], "funder": "OPCO"})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert [p["name"] for p in body["phases"]] == ["Preliminary", "Investigation",
                                                   "Conclusion"]
    assert body["hours"]["contracted_minutes"] == 1440
    assert Engagement.objects.get().funder == "OPCO"


def test_opening_with_people_of_another_organisation_is_refused(api_as, organisation,
                                                                sophie, karim, oscar):
    kind = factories.engagement_type(organisation)
    response = api_as(sophie, locale="en").post(BASE, {
        "engagement_type": kind.pk, "beneficiary": oscar.pk, "coaches": [karim.pk]})
    assert response.status_code == 400
    assert str(oscar.pk) in response.json()["detail"]


def test_opening_with_another_organisations_type_is_refused(api_as, other_organisation,
                                                            sophie, karim, lea):
    foreign = factories.engagement_type(other_organisation)
    response = api_as(sophie).post(BASE, {"engagement_type": foreign.pk,
                                          "beneficiary": lea.pk, "coaches": [karim.pk]})
    assert response.status_code == 400
    assert not Engagement.objects.exists()


def test_a_learner_cannot_open_an_engagement(api_as, organisation, karim, lea):
    kind = factories.engagement_type(organisation)
    response = api_as(lea).post(BASE, {"engagement_type": kind.pk, "beneficiary": lea.pk,
                                       "coaches": [karim.pk]})
    assert response.status_code == 403


def test_hours_per_phase(api_as, engagement, karim, lea):
    past = factories.appointment(engagement, karim, starts_at=timezone.now() - timedelta(1))
    close_appointment(past, by=karim, actual_minutes=200)
    body = api_as(lea).get(f"{BASE}/{engagement.pk}/hours").json()
    preliminary = body["phases"][0]
    assert (preliminary["name"], preliminary["used_minutes"], preliminary["level"]) == (
        "Preliminary", 200, "near")
    assert body["left_text"] == "20 h 40"


def test_a_coach_closes_an_appointment_through_the_api(api_as, engagement, karim):
    past = factories.appointment(engagement, karim, starts_at=timezone.now() - timedelta(1))
    response = api_as(karim).post(f"{BASE}/{engagement.pk}/appointments/{past.pk}/close", {
        "actual_minutes": 90, "shared_note": "Good session",
        "action_items": [{"title": "Call two bakers", "due_on": "2026-12-04"}]})
    assert response.status_code == 200, response.json()
    assert response.json()["actual_minutes"] == 90
    past.refresh_from_db()
    assert past.status == AppointmentStatus.CLOSED
    assert ActionItem.objects.get(appointment=past).title == "Call two bakers"
    again = api_as(karim).post(f"{BASE}/{engagement.pk}/appointments/{past.pk}/close",
                               {"actual_minutes": 90})
    assert again.status_code == 409


def test_closing_a_future_appointment_is_a_400_with_a_reason(api_as, engagement, karim):
    future = factories.appointment(engagement, karim)
    response = api_as(karim, locale="en").post(
        f"{BASE}/{engagement.pk}/appointments/{future.pk}/close", {"actual_minutes": 60})
    assert response.status_code == 400
    assert "not started yet" in response.json()["detail"]


def test_the_beneficiary_and_managers_cannot_close(api_as, engagement, karim, lea, sophie):
    past = factories.appointment(engagement, karim, starts_at=timezone.now() - timedelta(1))
    for person in (lea, sophie):
        response = api_as(person).post(
            f"{BASE}/{engagement.pk}/appointments/{past.pk}/close", {"actual_minutes": 60})
        assert response.status_code == 403


def test_a_bad_duration_is_a_422_or_400_never_a_500(api_as, engagement, karim):
    past = factories.appointment(engagement, karim, starts_at=timezone.now() - timedelta(1))
    url = f"{BASE}/{engagement.pk}/appointments/{past.pk}/close"
    assert api_as(karim).post(url, {"actual_minutes": "lots"}).status_code == 422
    assert api_as(karim).post(url, {"actual_minutes": 0}).status_code == 400


def test_notes_and_comments(api_as, engagement, karim, lea):
    created = api_as(karim).post(f"{BASE}/{engagement.pk}/notes", {"body": "Shared text"})
    assert created.status_code == 201
    note_id = created.json()["id"]
    comment = api_as(lea).post(f"{BASE}/{engagement.pk}/notes/{note_id}/comments",
                               {"body": "Thank you"})
    assert comment.status_code == 201
    notes = api_as(lea).get(f"{BASE}/{engagement.pk}/notes").json()
    assert notes[0]["body"] == "Shared text"
    assert notes[0]["comments"][0]["body"] == "Thank you"


def test_actions_are_created_listed_and_ticked(api_as, engagement, karim, lea):
    created = api_as(karim).post(f"{BASE}/{engagement.pk}/actions",
                                 {"title": "Update the CV", "due_on": "2026-12-10"})
    assert created.status_code == 201
    item_id = created.json()["id"]
    assert api_as(lea).post(f"{BASE}/{engagement.pk}/actions",
                            {"title": "Mine"}).status_code == 403
    ticked = api_as(lea).post(f"{BASE}/{engagement.pk}/actions/{item_id}/tick")
    assert ticked.status_code == 200 and ticked.json()["done_at"]
    assert api_as(lea).post(f"{BASE}/{engagement.pk}/actions/{item_id}/tick"
                            ).status_code == 409
    listed = api_as(karim).get(f"{BASE}/{engagement.pk}/actions").json()
    assert [a["title"] for a in listed] == ["Update the CV"]


def test_another_beneficiary_gets_404s(api_as, organisation, engagement, karim):
    stranger = member(organisation, "learner")
    note = write_note(engagement, by=karim, body="Shared", visibility=NoteVisibility.SHARED)
    item = ActionItem.objects.create(engagement=engagement, title="Lea's")
    caller = api_as(stranger)
    assert caller.get(f"{BASE}/{engagement.pk}").status_code == 404
    assert caller.get(f"{BASE}/{engagement.pk}/hours").status_code == 404
    assert caller.get(f"{BASE}/{engagement.pk}/notes").status_code == 404
    assert caller.post(f"{BASE}/{engagement.pk}/notes/{note.pk}/comments",
                       {"body": "Hi"}).status_code == 404
    assert caller.post(f"{BASE}/{engagement.pk}/actions/{item.pk}/tick").status_code == 404
    assert caller.get(BASE).json() == []


def test_another_organisation_gets_403s(api_as, engagement, oscar):
    caller = api_as(oscar)
    assert caller.get(BASE).status_code == 403
    assert caller.get(f"{BASE}/{engagement.pk}").status_code == 403
    horizon = f"/api/v1/organisations/horizon/engagements/{engagement.pk}"
    assert caller.get(horizon).status_code == 404


def test_a_learner_cannot_use_coach_endpoints(api_as, engagement, karim, lea):
    assert api_as(lea).post(f"{BASE}/{engagement.pk}/notes",
                            {"body": "By Léa"}).status_code == 403


def test_anonymous_callers_are_refused(client, engagement):
    assert client.get(BASE).status_code == 401
    assert client.get(f"{BASE}/{engagement.pk}/notes").status_code == 401
