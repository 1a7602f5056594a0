"""Staff look at sessions, registrations, attendance and signatures in the admin; they
change nothing there, and a signature can be neither changed nor deleted."""

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.accounts.tests.factories import UserFactory
from parcours.classroom import services
from parcours.classroom.models import (
    Attendance,
    AttendanceStatus,
    Registration,
    RegistrationStatus,
    Signature,
)
from parcours.classroom.tests.sessions_for_tests import scheduled

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def session(organisation, sophie, karim):
    room = services.create_room(organisation, by=sophie, name="Salle Rivoli")
    return scheduled(organisation, sophie, trainers=[karim], room=room)


@pytest.fixture
def signed(session, lea, karim):
    slot = session.slots.get()
    registration = Registration.objects.create(session=session, learner=lea,
                                               status=RegistrationStatus.REGISTERED)
    attendance = Attendance.objects.create(slot=slot, learner=lea,
                                           status=AttendanceStatus.PRESENT, recorded_by=karim)
    signature = Signature.objects.create(slot=slot, signer=lea, role="learner", method="drawn",
                                         signed_at=timezone.now(), record_hash="a" * 64)
    return registration, attendance, signature


def test_staff_see_rooms_sessions_series_and_proofs(staff, session, signed):
    registration, attendance, signature = signed
    pages = [reverse(f"admin:classroom_{name}_changelist")
             for name in ("room", "session", "sessionseries", "registration", "attendance",
                          "signature")]
    pages += [reverse("admin:classroom_session_change", args=[session.pk]),
              reverse("admin:classroom_room_change", args=[session.room_id]),
              reverse("admin:classroom_registration_change", args=[registration.pk]),
              reverse("admin:classroom_attendance_change", args=[attendance.pk]),
              reverse("admin:classroom_signature_change", args=[signature.pk])]

    for page in pages:
        assert staff.get(page).status_code == 200, page


def test_the_session_page_lists_its_slots_and_trainers(staff, session):
    body = staff.get(reverse("admin:classroom_session_change", args=[session.pk])
                     ).content.decode()

    assert "Karim Benali" in body
    assert "Salle Rivoli" in body


def test_a_signature_can_be_neither_changed_nor_deleted(staff, signed):
    _registration, _attendance, signature = signed

    changed = staff.post(reverse("admin:classroom_signature_change", args=[signature.pk]),
                         {"image": "forged", "record_hash": "b" * 64})
    deleted = staff.post(reverse("admin:classroom_signature_delete", args=[signature.pk]),
                         {"post": "yes"})
    bulk = staff.post(reverse("admin:classroom_signature_changelist"),
                      {"action": "delete_selected", "_selected_action": [signature.pk]})

    assert (changed.status_code, deleted.status_code) == (403, 403)
    assert bulk.status_code in (200, 302)
    signature.refresh_from_db()
    assert (signature.image, signature.record_hash) == ("", "a" * 64)


def test_staff_cannot_move_a_session_behind_the_services_back(staff, session):
    response = staff.post(reverse("admin:classroom_session_change", args=[session.pk]),
                          {"title": "Changé", "capacity": "1"})

    assert response.status_code == 403
    session.refresh_from_db()
    assert session.title == "Bureautique : Excel"
