"""The attendance API: the same rules as the pages, through the same services."""

from datetime import timedelta

import pytest
import time_machine

from parcours.accounts.tests.factories import member
from parcours.classroom.models import Attendance, SessionKind, Signature, SignatureMethod
from parcours.classroom.services.attendance import join_virtual_class, sign_slot
from parcours.classroom.tests.attendance_for_tests import (
    DURING,
    MORNING_ENDS,
    MORNING_STARTS,
    SIGNATURE,
    session_row,
    slot_of,
)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(DURING, tick=False) as clock:
        yield clock


@pytest.fixture
def api_as(api_as):
    """The API as a person who reads it in English."""
    return lambda user: api_as(user, locale="en")


@pytest.fixture
def nina(organisation):
    return member(organisation, "learner", display_name="Nina Petit")


@pytest.fixture
def slot(organisation, karim, lea, nina):
    return slot_of(session_row(organisation, trainers=[karim], learners=[lea, nina]))


def path(slot, resource):
    return f"/api/v1/organisations/cap-avenir/slots/{slot.pk}/{resource}"


def test_karim_reads_the_slots_attendance(api_as, karim, lea, nina, slot):
    sign_slot(slot, by=lea, method=SignatureMethod.DRAWN, image=SIGNATURE)

    response = api_as(karim).get(path(slot, "attendance"))

    assert response.status_code == 200
    assert response.json() == [
        {"learner": {"id": lea.pk, "display_name": "Léa Martin"}, "status": "present",
         "arrived_at": None, "recorded_by": "Léa Martin",
         "signed_at": "2026-09-07T07:20:00Z", "signature_method": "drawn",
         "minutes_in_class": 0},
        {"learner": {"id": nina.pk, "display_name": "Nina Petit"},
         "status": None, "arrived_at": None, "recorded_by": None, "signed_at": None,
         "signature_method": None, "minutes_in_class": 0},
    ]


def test_karim_notes_lea_late(api_as, karim, lea, slot):
    arrival = MORNING_STARTS + timedelta(minutes=10)

    response = api_as(karim).post(path(slot, "attendance"), {
        "learner": lea.pk, "status": "late", "arrived_at": arrival.isoformat()})

    assert response.status_code == 200
    assert response.json()["status"] == "late"
    assert Attendance.objects.get().arrived_at == arrival


def test_a_late_learner_without_an_arrival_time_is_a_400(api_as, karim, lea, slot):
    response = api_as(karim).post(path(slot, "attendance"), {"learner": lea.pk,
                                                             "status": "late"})

    assert response.status_code == 400
    assert response.json() == {"detail": "Give the arrival time of a learner who came late."}


def test_noting_someone_not_registered_is_a_404(api_as, karim, slot, organisation):
    response = api_as(karim).post(path(slot, "attendance"), {
        "learner": member(organisation, "learner").pk, "status": "present"})

    assert response.status_code == 404


def test_lea_signs_through_the_api(api_as, lea, slot):
    response = api_as(lea).post(path(slot, "signatures"), {
        "method": "drawn", "image": SIGNATURE, "input": "pen"})

    assert response.status_code == 201
    body = response.json()
    assert (body["signer"]["id"], body["role"], body["method"]) == (lea.pk, "learner", "drawn")
    assert body["device"]["interface"] == "api" and body["device"]["input"] == "pen"
    assert body["previous_hash"] == "" and len(body["record_hash"]) == 64
    assert body["image"] is None


def test_signing_twice_is_a_409(api_as, lea, slot):
    api_as(lea).post(path(slot, "signatures"), {"method": "drawn", "image": SIGNATURE})

    response = api_as(lea).post(path(slot, "signatures"), {"method": "drawn",
                                                           "image": SIGNATURE})

    assert response.status_code == 409
    assert response.json() == {"detail": "You have already signed for this slot."}


def test_signing_after_the_slot_is_a_409(api_as, lea, slot, clock):
    clock.move_to(MORNING_ENDS + timedelta(hours=1))

    response = api_as(lea).post(path(slot, "signatures"), {"method": "drawn",
                                                           "image": SIGNATURE})

    assert response.status_code == 409
    assert "Signing closed at 13:00" in response.json()["detail"]


def test_a_drawn_signature_without_an_image_is_a_400(api_as, lea, slot):
    response = api_as(lea).post(path(slot, "signatures"), {"method": "drawn"})

    assert response.status_code == 400


def test_a_learner_cannot_sign_for_someone_else_through_the_api(api_as, lea, nina, slot):
    # Whatever the body says, the signer is the token's owner.
    response = api_as(nina).post(path(slot, "signatures"), {
        "method": "drawn", "image": SIGNATURE, "signer": lea.pk})

    assert response.status_code == 201
    assert response.json()["signer"]["id"] == nina.pk
    assert not Signature.objects.filter(signer=lea).exists()


def test_a_learner_cannot_claim_a_qr_code_signature(api_as, lea, slot):
    response = api_as(lea).post(path(slot, "signatures"), {"method": "qr_code",
                                                           "image": SIGNATURE})

    assert response.status_code == 400


def test_lea_signs_from_the_virtual_class(api_as, organisation, karim, lea):
    slot = slot_of(session_row(organisation, kind=SessionKind.VIRTUAL, trainers=[karim],
                               learners=[lea]))
    join_virtual_class(slot, by=lea)

    response = api_as(lea).post(path(slot, "signatures"), {"method": "virtual"})

    assert response.status_code == 201
    assert response.json()["device"]["visits"][0]["joined_at"] == "2026-09-07T07:20:00.000000Z"


def test_karim_reads_every_signature_with_images(api_as, karim, lea, nina, slot):
    for person in (lea, nina, karim):
        sign_slot(slot, by=person, method=SignatureMethod.DRAWN, image=SIGNATURE)

    response = api_as(karim).get(path(slot, "signatures"), include_images="true")

    body = response.json()
    assert [s["signer"]["display_name"] for s in body] == ["Léa Martin", "Nina Petit",
                                                           "Karim Benali"]
    assert body[1]["previous_hash"] == body[0]["record_hash"]
    assert body[0]["image"] == SIGNATURE


def test_lea_reads_only_her_own_signature(api_as, karim, lea, nina, slot):
    for person in (lea, nina):
        sign_slot(slot, by=person, method=SignatureMethod.DRAWN, image=SIGNATURE)

    response = api_as(lea).get(path(slot, "signatures"))

    assert [s["signer"]["id"] for s in response.json()] == [lea.pk]


def test_lea_cannot_read_or_note_attendance(api_as, lea, slot):
    assert api_as(lea).get(path(slot, "attendance")).status_code == 403
    assert api_as(lea).post(path(slot, "attendance"), {"learner": lea.pk,
                                                       "status": "present"}).status_code == 403
    assert not Attendance.objects.exists()


def test_someone_not_in_the_session_cannot_read_its_signatures(api_as, slot, organisation):
    assert api_as(member(organisation, "learner")).get(
        path(slot, "signatures")).status_code == 403


def test_oscar_from_another_organisation_gets_a_403(api_as, oscar, slot):
    for resource in ("attendance", "signatures"):
        assert api_as(oscar).get(path(slot, resource)).status_code == 403
    assert api_as(oscar).post(path(slot, "signatures"), {
        "method": "drawn", "image": SIGNATURE}).status_code == 403


def test_a_slot_of_another_organisation_is_a_404_for_karim(api_as, karim, oscar,
                                                           other_organisation):
    theirs = slot_of(session_row(other_organisation, trainers=[oscar]))

    assert api_as(karim).get(path(theirs, "attendance")).status_code == 404


def test_an_anonymous_caller_gets_a_401(client, slot):
    assert client.get(path(slot, "attendance")).status_code == 401
    assert client.post(path(slot, "signatures"), {"method": "drawn"},
                       content_type="application/json").status_code == 401
