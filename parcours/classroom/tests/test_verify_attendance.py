"""`manage.py verify_attendance` finds any signature altered, removed or inserted after
signing, and exits with 1 when it does."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import translation

from parcours.accounts.tests.factories import member
from parcours.classroom.models import Signature, SignatureMethod
from parcours.classroom.services.attendance import sign_slot
from parcours.classroom.tests.attendance_for_tests import (
    DURING,
    SIGNATURE,
    session_row,
    slot_of,
)


@pytest.fixture(autouse=True)
def _in_english():
    # These tests read the English wording; the default language here is French.
    with translation.override("en"):
        yield


@pytest.fixture
def nina(organisation):
    return member(organisation, "learner", display_name="Nina Petit")


@pytest.fixture
def signed_slot(organisation, karim, lea, nina):
    """Léa, then Nina, then Karim signed the morning slot, a minute apart."""
    slot = slot_of(session_row(organisation, trainers=[karim], learners=[lea, nina]))
    with time_machine.travel(DURING, tick=False) as clock:
        for person in (lea, nina, karim):
            sign_slot(slot, by=person, method=SignatureMethod.DRAWN, image=SIGNATURE)
            clock.shift(timedelta(minutes=1))
    return slot


def verify(*args):
    out = StringIO()
    try:
        call_command("verify_attendance", *args, stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue() + str(error)
    return 0, out.getvalue()


def test_untouched_signatures_pass(signed_slot):
    code, output = verify()

    assert code == 0
    assert "Checked 3 signatures in 1 slots: 0 problems." in output


def test_a_changed_signature_is_detected_by_verify_attendance(signed_slot, lea):
    altered = Signature.objects.get(signer=lea)
    Signature.objects.filter(pk=altered.pk).update(image="data:image/png;base64,Zm9yZ2Vk")

    code, output = verify()

    assert code == 1
    assert f"Slot {signed_slot.pk}" in output
    assert (f"Signature #{altered.pk} (Léa Martin, 2026-09-07T07:20:00.000000Z) was altered "
            "after signing") in output
    assert "1 problems." in output


def test_a_signature_moved_to_another_time_is_detected(signed_slot, nina):
    moved = Signature.objects.get(signer=nina)
    Signature.objects.filter(pk=moved.pk).update(signed_at=moved.signed_at - timedelta(hours=1))

    code, output = verify()

    assert code == 1
    assert f"Signature #{moved.pk}" in output


def test_a_signature_removed_from_the_middle_breaks_the_chain(signed_slot, nina, karim):
    Signature.objects.filter(signer=nina).delete()

    code, output = verify()

    assert code == 1
    karims = Signature.objects.get(signer=karim)
    assert f"Signature #{karims.pk} (Karim Benali" in output
    assert "does not follow the signature before it" in output


def test_the_last_signature_removed_is_found_from_the_learning_events(signed_slot, karim):
    removed = Signature.objects.get(signer=karim).pk
    Signature.objects.filter(pk=removed).delete()

    code, output = verify()

    assert code == 1
    assert f"Signature #{removed}, recorded on 2026-09-07T07:22:00.000000Z" in output
    assert "is missing or was altered" in output


def test_only_the_sessions_slots_are_checked_with_the_session_option(
    signed_slot, organisation, karim, lea
):
    other = slot_of(session_row(organisation, title="Autre", trainers=[karim], learners=[lea],
                                starts_at=DURING + timedelta(days=1)))
    with time_machine.travel(other.starts_at, tick=False):
        tampered = sign_slot(other, by=lea, method=SignatureMethod.DRAWN, image=SIGNATURE)
    Signature.objects.filter(pk=tampered.pk).update(device={"forged": True})

    assert verify("--session", str(signed_slot.session_id))[0] == 0
    assert verify()[0] == 1


def test_an_unknown_session_is_explained(db):
    code, output = verify("--session", "999")

    assert code == 1
    assert "No session 999" in output
