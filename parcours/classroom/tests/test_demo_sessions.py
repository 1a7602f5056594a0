"""The demo's blended programme: past sessions with signed sheets that verify, today's
session open for signing, future ones with a waiting list; run twice, nothing changes."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from parcours.accounts.management.commands._demo_sessions import SAFETY_TITLE, seed_sessions
from parcours.accounts.tests.factories import member
from parcours.classroom.documents import attendance_sheet_pdf, certificate_data
from parcours.classroom.models import (
    Attendance,
    Registration,
    Session,
    Signature,
    SurveyResponse,
)
from parcours.classroom.tests.documents_for_tests import images_drawn
from parcours.journeys.models import PathStep, PathStepStatus


@pytest.fixture(autouse=True)
def _in_english():
    # These tests read the English wording; the default language here is French.
    with translation.override("en"):
        yield

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(organisation, lea, sophie):
    julien = member(organisation, "trainer", display_name="Julien Moreau")
    learners = [lea, *(member(organisation, "learner") for _ in range(29)),
                member(organisation, "learner", display_name="Emily Carter", locale="en")]
    return {"manager": sophie, "trainer": julien, "learners": learners}


@pytest.fixture
def seeded(organisation, cast):
    assert seed_sessions(organisation, **cast) == 5
    return {session.title.rsplit(" — ", 1)[1]: session
            for session in Session.objects.filter(title__startswith=SAFETY_TITLE)}


def past(seeded) -> list[Session]:
    return sorted((s for s in seeded.values() if s.ends_at < timezone.now()),
                  key=lambda s: s.starts_at)


def test_the_past_sheets_are_signed_and_their_chains_verify(seeded, cast):
    first, second = past(seeded)
    output = StringIO()

    call_command("verify_attendance", stdout=output)

    assert "0 problems" in output.getvalue()
    assert first.slots.count() == 4 and second.slots.count() == 2
    for slot in [*first.slots.all(), *second.slots.all()]:
        assert Signature.objects.filter(slot=slot, signer=cast["trainer"]).exists()
        present = Attendance.objects.filter(slot=slot, status__in=["present", "late"])
        signed = Signature.objects.filter(slot=slot, role="learner")
        assert present.count() == signed.count() > 0
    assert images_drawn(attendance_sheet_pdf(first, language="fr")) == Signature.objects.filter(
        slot__session=first).count()


def test_absences_and_a_late_arrival_show_in_the_hours(seeded):
    first, _second = past(seeded)

    statuses = set(Attendance.objects.filter(slot__session=first).values_list("status",
                                                                             flat=True))
    late = Attendance.objects.get(slot__session=first, status="late")
    registration = first.registrations.get(learner=late.learner)

    assert statuses == {"present", "late", "absent", "excused"}
    assert certificate_data(registration).minutes_attended == 4 * 210 - 25


def test_attendance_proves_the_live_session_step_of_the_learners_path(seeded):
    first, _second = past(seeded)
    attendee = Attendance.objects.filter(slot__session=first, status="present").first().learner

    step = PathStep.objects.get(enrolment__learner=attendee, source_step=first.step)

    assert step.status == PathStepStatus.DONE


def test_todays_session_is_open_for_signing_now_and_lea_is_in_it(seeded, lea):
    today = seeded["session du jour"]
    [slot] = today.slots.all()

    assert slot.starts_at <= timezone.now() < slot.ends_at
    assert today.registrations.filter(learner=lea, status="registered").exists()
    assert Signature.objects.filter(slot=slot).count() == 3
    assert not Signature.objects.filter(slot=slot, signer=lea).exists()


def test_the_future_sessions_have_seats_and_a_waiting_list(seeded):
    future = sorted((s for s in seeded.values() if s.starts_at > timezone.now()),
                    key=lambda s: s.starts_at)

    assert len(future) == 2
    assert future[0].starts_at - timezone.now() > timedelta(days=7)
    assert future[0].registrations.filter(status="registered").count() < future[0].capacity
    statuses = list(future[1].registrations.values_list("status", flat=True))
    assert statuses.count("registered") == future[1].capacity == 5
    assert statuses.count("waitlisted") == 2


def test_learners_answered_surveys_and_emily_is_left_to_answer(seeded, cast):
    first, second = past(seeded)
    emily = cast["learners"][-1]

    assert SurveyResponse.objects.filter(session=first, kind="end").count() == 6
    assert SurveyResponse.objects.filter(session=first, kind="follow_up").count() == 3
    assert SurveyResponse.objects.filter(session=second).count() == 4
    assert second.registrations.filter(learner=emily).exists()
    assert not SurveyResponse.objects.filter(learner=emily).exists()


def test_seeding_again_changes_nothing(organisation, cast, seeded):
    counts = (Session.objects.count(), Registration.objects.count(),
              Signature.objects.count())

    assert seed_sessions(organisation, **cast) == 0
    assert (Session.objects.count(), Registration.objects.count(),
            Signature.objects.count()) == counts
