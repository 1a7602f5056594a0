"""Léa and Karim sign the morning slot: drawn, by QR code, by personal link, or through
the virtual class; each signature chains onto the one before it."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import translation

from parcours.accounts.tests.factories import member
from parcours.classroom import signing
from parcours.classroom.models import (
    Attendance,
    AttendanceStatus,
    SessionKind,
    Signature,
    SignatureMethod,
    SignerRole,
    VirtualVisit,
)
from parcours.classroom.services.attendance import (
    AlreadySigned,
    NotAVirtualClass,
    NotRegistered,
    NotTrainerOfSession,
    NotYourCode,
    NotYourLink,
    NoVirtualVisit,
    QrCodeExpired,
    QrCodeInvalid,
    SignatureImageInvalid,
    SignatureMethodRefused,
    SigningClosed,
    SigningLinkInvalid,
    VirtualClassClosed,
    accept_virtual_attendance,
    close_virtual_class,
    join_virtual_class,
    leave_virtual_class,
    qr_code_token,
    record_attendance,
    scan_qr_code,
    sign_on_trainer_device,
    sign_slot,
    sign_with_link,
    sign_with_qr_code,
    signing_link,
    verify_slot,
)
from parcours.classroom.tests.attendance_for_tests import (
    DURING,
    MORNING_ENDS,
    MORNING_STARTS,
    SIGNATURE,
    session_row,
    slot_of,
)
from parcours.core.errors import NotAllowed
from parcours.core.models import LearningEvent, Verb


@pytest.fixture(autouse=True)
def _in_english():
    # These tests read the English wording; the default language here is French.
    with translation.override("en"):
        yield

DEVICE = {"interface": "web", "user_agent": "Mobile Safari", "ip": "192.0.2.10"}


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(DURING, tick=False) as clock:
        yield clock


@pytest.fixture
def nina(organisation):
    return member(organisation, "learner", display_name="Nina Petit")


@pytest.fixture
def session(organisation, karim, lea, nina):
    return session_row(organisation, trainers=[karim], learners=[lea, nina])


@pytest.fixture
def slot(session):
    return slot_of(session)


# Drawn signatures


def test_lea_signs_the_slot_on_her_phone(slot, lea):
    signature = sign_slot(slot, by=lea, method=SignatureMethod.DRAWN, image=SIGNATURE,
                          device=DEVICE)

    signature.refresh_from_db()
    assert (signature.signer, signature.role, signature.method) == (
        lea, SignerRole.LEARNER, SignatureMethod.DRAWN)
    assert signature.signed_at == DURING
    assert signature.device == DEVICE
    assert signature.image == SIGNATURE
    assert signature.previous_hash == ""
    assert signature.record_hash == signing.hash_of(signature)


def test_signing_counts_lea_present_and_records_both_events(slot, lea):
    signature = sign_slot(slot, by=lea, method=SignatureMethod.DRAWN, image=SIGNATURE)

    assert Attendance.objects.get(learner=lea).status == AttendanceStatus.PRESENT
    signed = LearningEvent.objects.get(verb=Verb.SIGNED)
    assert signed.actor == lea
    assert signed.context == {"session": slot.session_id, "slot": slot.pk, "role": "learner",
                              "method": "drawn", "learner": lea.pk,
                              "record_hash": signature.record_hash}
    assert LearningEvent.objects.get(verb=Verb.ATTENDED).context["learner"] == lea.pk


def test_signing_keeps_what_the_trainer_noted(slot, karim, lea):
    record_attendance(slot, by=karim, learner=lea, status=AttendanceStatus.EXCUSED)

    sign_slot(slot, by=lea, method=SignatureMethod.DRAWN, image=SIGNATURE)

    assert Attendance.objects.get(learner=lea).status == AttendanceStatus.EXCUSED


def test_karim_signs_the_slot_as_its_trainer(slot, karim):
    signature = sign_slot(slot, by=karim, method=SignatureMethod.DRAWN, image=SIGNATURE)

    assert signature.role == SignerRole.TRAINER
    assert not Attendance.objects.exists()
    assert LearningEvent.objects.get(verb=Verb.SIGNED).context["trainer"] == karim.pk


def test_each_signature_chains_onto_the_one_before_it(slot, karim, lea, nina, clock):
    first = sign_slot(slot, by=lea, method=SignatureMethod.DRAWN, image=SIGNATURE)
    clock.shift(timedelta(seconds=40))
    second = sign_slot(slot, by=nina, method=SignatureMethod.DRAWN, image=SIGNATURE)
    clock.shift(timedelta(seconds=40))
    third = sign_slot(slot, by=karim, method=SignatureMethod.DRAWN, image=SIGNATURE)

    assert second.previous_hash == first.record_hash
    assert third.previous_hash == second.record_hash
    assert verify_slot(slot) == []


def test_a_signature_after_a_clock_set_back_still_ends_the_chain(slot, lea, nina, clock):
    first = sign_slot(slot, by=lea, method=SignatureMethod.DRAWN, image=SIGNATURE)
    clock.move_to(DURING - timedelta(seconds=5))

    second = sign_slot(slot, by=nina, method=SignatureMethod.DRAWN, image=SIGNATURE)

    assert second.signed_at == first.signed_at
    assert verify_slot(slot) == []


def test_lea_signs_once_per_slot(slot, lea):
    sign_slot(slot, by=lea, method=SignatureMethod.DRAWN, image=SIGNATURE)

    with pytest.raises(AlreadySigned):
        sign_slot(slot, by=lea, method=SignatureMethod.DRAWN, image=SIGNATURE)
    assert Signature.objects.count() == 1


@pytest.mark.parametrize("image", [
    "",
    "not an image",
    "data:image/jpeg;base64,/9j/4AAQSkZJRg==",
    "data:image/png;base64,%%%not-base64%%%",
    "data:image/png;base64,R0lGODlhAQABAAAAACw=",  # a GIF dressed as a PNG
    "data:image/png;base64," + "A" * 300_000,  # over 200 KB
])
def test_a_drawn_signature_needs_a_real_png_image(slot, lea, image):
    with pytest.raises(SignatureImageInvalid):
        sign_slot(slot, by=lea, method=SignatureMethod.DRAWN, image=image)

    assert not Signature.objects.exists()


def test_a_typed_name_becomes_a_signature_image(slot, lea):
    image = signing.typed_signature("Léa Martin")

    sign_slot(slot, by=lea, method=SignatureMethod.DRAWN, image=image)

    assert signing.png_from_data_url(Signature.objects.get().image) is not None


def test_qr_codes_and_links_cannot_be_claimed_without_their_token(slot, lea):
    with pytest.raises(SignatureMethodRefused):
        sign_slot(slot, by=lea, method=SignatureMethod.QR_CODE, image=SIGNATURE)


@pytest.mark.parametrize("moment", [
    MORNING_STARTS - timedelta(minutes=16),
    MORNING_ENDS + timedelta(minutes=31),
])
def test_signing_outside_the_slot_is_refused(slot, lea, clock, moment):
    clock.move_to(moment)

    with pytest.raises(SigningClosed):
        sign_slot(slot, by=lea, method=SignatureMethod.DRAWN, image=SIGNATURE)


@pytest.mark.parametrize("moment", [
    MORNING_STARTS - timedelta(minutes=15),
    MORNING_ENDS + timedelta(minutes=30),
])
def test_signing_opens_15_minutes_before_and_closes_30_minutes_after(slot, lea, clock,
                                                                      moment):
    clock.move_to(moment)

    sign_slot(slot, by=lea, method=SignatureMethod.DRAWN, image=SIGNATURE)


def test_a_learner_not_registered_cannot_sign(slot, organisation):
    paul = member(organisation, "learner")

    with pytest.raises(NotRegistered):
        sign_slot(slot, by=paul, method=SignatureMethod.DRAWN, image=SIGNATURE)


def test_oscar_from_another_organisation_cannot_sign(slot, oscar):
    with pytest.raises(NotAllowed):
        sign_slot(slot, by=oscar, method=SignatureMethod.DRAWN, image=SIGNATURE)


# On the trainer's device


def test_lea_signs_on_karims_phone(slot, karim, lea):
    signature = sign_on_trainer_device(slot, by=karim, learner=lea, image=SIGNATURE,
                                       device=DEVICE)

    assert (signature.signer, signature.role) == (lea, SignerRole.LEARNER)
    assert signature.device == {**DEVICE, "trainer_device": karim.pk}
    assert Attendance.objects.get(learner=lea).recorded_by == karim


def test_a_learner_cannot_hand_her_phone_to_sign_for_someone_else(slot, lea, nina):
    with pytest.raises(NotTrainerOfSession):
        sign_on_trainer_device(slot, by=lea, learner=nina, image=SIGNATURE)

    assert not Signature.objects.exists()


# QR codes


def test_lea_signs_by_scanning_the_code_on_karims_screen(slot, karim, lea):
    token = qr_code_token(slot, by=karim)

    signature = sign_with_qr_code(token, by=lea, image=SIGNATURE, device=DEVICE)

    assert (signature.signer, signature.method) == (lea, SignatureMethod.QR_CODE)


def test_the_code_changes_every_30_seconds(slot, karim, clock):
    before = qr_code_token(slot, by=karim)
    clock.shift(timedelta(seconds=30))

    assert qr_code_token(slot, by=karim) != before


def test_a_code_scanned_at_the_edge_of_its_window_is_still_accepted(slot, karim, lea, clock):
    token = qr_code_token(slot, by=karim)
    clock.shift(timedelta(seconds=31))

    sign_with_qr_code(token, by=lea)

    assert Signature.objects.get().signer == lea


def test_the_qr_code_is_refused_after_expiry(slot, karim, lea, clock):
    token = qr_code_token(slot, by=karim)
    clock.shift(timedelta(seconds=61))

    with pytest.raises(QrCodeExpired, match="scan the one on the screen now"):
        sign_with_qr_code(token, by=lea, image=SIGNATURE)
    with pytest.raises(QrCodeExpired):
        scan_qr_code(token, by=lea)
    assert not Signature.objects.exists()


def test_the_qr_code_reused_by_the_same_learner_is_refused(slot, karim, lea):
    token = qr_code_token(slot, by=karim)
    sign_with_qr_code(token, by=lea, image=SIGNATURE)

    with pytest.raises(AlreadySigned):
        sign_with_qr_code(token, by=lea, image=SIGNATURE)
    assert Signature.objects.count() == 1


def test_one_code_serves_every_learner_once(slot, karim, lea, nina):
    token = qr_code_token(slot, by=karim)

    sign_with_qr_code(token, by=lea)
    sign_with_qr_code(token, by=nina)

    assert set(Signature.objects.values_list("signer", flat=True)) == {lea.pk, nina.pk}


def test_a_forged_code_is_refused(slot, lea):
    with pytest.raises(QrCodeInvalid):
        sign_with_qr_code(f"{slot.pk}:forged", by=lea)


def test_a_code_for_a_personal_link_is_not_a_qr_code(slot, lea):
    with pytest.raises(QrCodeInvalid):
        sign_with_qr_code(signing.link_token(slot.pk, lea.pk), by=lea)


def test_scanning_gives_a_ticket_that_outlives_the_30_second_code(slot, karim, lea, clock):
    scanned = scan_qr_code(qr_code_token(slot, by=karim), by=lea)
    clock.shift(timedelta(minutes=2))  # drawing a signature takes time

    sign_with_qr_code(scanned.ticket, by=lea, image=SIGNATURE)

    assert Signature.objects.get().method == SignatureMethod.QR_CODE


def test_a_ticket_left_open_too_long_is_refused(slot, karim, lea, clock):
    scanned = scan_qr_code(qr_code_token(slot, by=karim), by=lea)
    clock.shift(timedelta(minutes=6))

    with pytest.raises(QrCodeExpired):
        sign_with_qr_code(scanned.ticket, by=lea, image=SIGNATURE)


def test_a_learner_cannot_sign_for_someone_else_with_their_scanned_code(slot, karim, lea, nina):
    leas_ticket = scan_qr_code(qr_code_token(slot, by=karim), by=lea).ticket

    with pytest.raises(NotYourCode):
        sign_with_qr_code(leas_ticket, by=nina, image=SIGNATURE)
    assert not Signature.objects.exists()


def test_whoever_uses_a_code_signs_only_for_themselves(slot, karim, lea, nina):
    token = qr_code_token(slot, by=karim)

    signature = sign_with_qr_code(token, by=nina)

    assert signature.signer == nina
    assert not Signature.objects.filter(signer=lea).exists()


def test_only_the_sessions_trainer_shows_the_qr_code(slot, lea, organisation):
    with pytest.raises(NotAllowed):
        qr_code_token(slot, by=lea)
    with pytest.raises(NotTrainerOfSession):
        qr_code_token(slot, by=member(organisation, "trainer"))


def test_no_qr_code_outside_the_slot(slot, karim, clock):
    clock.move_to(MORNING_ENDS + timedelta(hours=1))

    with pytest.raises(SigningClosed):
        qr_code_token(slot, by=karim)


# Personal signing links


def test_lea_signs_through_her_personal_link(slot, lea):
    link = signing_link(slot, lea)
    token = link.rstrip("/").rsplit("/", 1)[-1]

    signature = sign_with_link(token, by=lea, image=SIGNATURE)

    assert link.startswith("/o/cap-avenir/sign-link/")
    assert (signature.signer, signature.method) == (lea, SignatureMethod.LINK)


def test_a_learner_cannot_sign_with_someone_elses_link(slot, lea, nina):
    token = signing.link_token(slot.pk, lea.pk)

    with pytest.raises(NotYourLink):
        sign_with_link(token, by=nina, image=SIGNATURE)
    assert not Signature.objects.exists()


def test_a_personal_link_works_only_during_the_slot(slot, lea, clock):
    token = signing.link_token(slot.pk, lea.pk)
    clock.move_to(MORNING_ENDS + timedelta(days=1))

    with pytest.raises(SigningClosed):
        sign_with_link(token, by=lea)


def test_a_tampered_link_is_refused(slot, lea):
    token = signing.link_token(slot.pk, lea.pk)

    with pytest.raises(SigningLinkInvalid):
        sign_with_link(token[:-2] + "xx", by=lea)


# Virtual classes


@pytest.fixture
def virtual_slot(organisation, karim, lea, nina):
    return slot_of(session_row(organisation, kind=SessionKind.VIRTUAL, trainers=[karim],
                               learners=[lea, nina], title="Classe virtuelle"))


def test_joining_the_virtual_class_records_the_visit_and_gives_the_link(virtual_slot, lea):
    visit, url = join_virtual_class(virtual_slot, by=lea)

    assert url == "https://meet.example.org/prise-de-parole"
    assert (visit.person, visit.joined_at, visit.left_at) == (lea, DURING, None)


def test_leaving_closes_the_visit(virtual_slot, lea, clock):
    join_virtual_class(virtual_slot, by=lea)
    clock.shift(timedelta(minutes=90))

    assert leave_virtual_class(virtual_slot, by=lea) == 1

    assert VirtualVisit.objects.get().left_at == DURING + timedelta(minutes=90)


def test_karim_closing_the_class_ends_every_visit(virtual_slot, karim, lea, nina):
    join_virtual_class(virtual_slot, by=lea)
    join_virtual_class(virtual_slot, by=nina)

    assert close_virtual_class(virtual_slot, by=karim) == 2
    assert not VirtualVisit.objects.filter(left_at__isnull=True).exists()


def test_karim_accepts_leas_time_in_the_virtual_class_as_attendance(virtual_slot, karim, lea,
                                                                    clock):
    join_virtual_class(virtual_slot, by=lea)
    clock.shift(timedelta(hours=3))
    leave_virtual_class(virtual_slot, by=lea)

    signature = accept_virtual_attendance(virtual_slot, by=karim, learner=lea)

    assert (signature.signer, signature.method, signature.image) == (
        lea, SignatureMethod.VIRTUAL, "")
    assert signature.device == {"accepted_by": karim.pk, "visits": [{
        "joined_at": "2026-09-07T07:20:00.000000Z", "left_at": "2026-09-07T10:20:00.000000Z"}]}
    assert Attendance.objects.get(learner=lea).status == AttendanceStatus.PRESENT
    assert verify_slot(virtual_slot) == []


def test_no_virtual_attendance_without_a_visit(virtual_slot, karim, nina):
    with pytest.raises(NoVirtualVisit):
        accept_virtual_attendance(virtual_slot, by=karim, learner=nina)


def test_a_learner_cannot_accept_her_own_virtual_attendance(virtual_slot, lea):
    join_virtual_class(virtual_slot, by=lea)

    with pytest.raises(NotAllowed):
        accept_virtual_attendance(virtual_slot, by=lea, learner=lea)


def test_lea_signs_herself_from_the_virtual_class(virtual_slot, lea):
    join_virtual_class(virtual_slot, by=lea)

    signature = sign_slot(virtual_slot, by=lea, method=SignatureMethod.VIRTUAL)

    assert signature.device["visits"][0]["joined_at"] == "2026-09-07T07:20:00.000000Z"


def test_no_virtual_signature_without_joining_through_parcours(virtual_slot, lea):
    with pytest.raises(NoVirtualVisit):
        sign_slot(virtual_slot, by=lea, method=SignatureMethod.VIRTUAL)


def test_an_in_person_session_has_no_virtual_class(slot, lea):
    with pytest.raises(NotAVirtualClass):
        join_virtual_class(slot, by=lea)


def test_the_virtual_class_is_closed_long_before_it_starts(virtual_slot, lea, clock):
    clock.move_to(MORNING_STARTS - timedelta(hours=1))

    with pytest.raises(VirtualClassClosed):
        join_virtual_class(virtual_slot, by=lea)


def test_someone_not_registered_cannot_join_the_virtual_class(virtual_slot, organisation):
    with pytest.raises(NotRegistered):
        join_virtual_class(virtual_slot, by=member(organisation, "learner"))
