"""Attendance at a live session becomes the evidence of the learner's live-session step.

classroom records `attended` when a trainer notes a learner present or late (actor: the
trainer; context: session, slot, learner, and the programme's live-session step). These
tests record the event as classroom would, so they do not depend on how attendance is
taken.
"""

import pytest

from parcours.accounts.tests.factories import member
from parcours.catalog.models import StepKind
from parcours.core import events
from parcours.core.events import record_event
from parcours.core.models import LearningEvent, Verb
from parcours.journeys import handlers
from parcours.journeys.models import Enrolment, Evidence, EvidenceKind, PathStepStatus
from parcours.journeys.services import enrol_learner
from parcours.journeys.tests.paths_for_tests import (
    MONDAY,
    module_row,
    path_step,
    programme_row,
    step_row,
)


@pytest.fixture
def programme(organisation):
    programme = programme_row(organisation, "Oral")
    module = module_row(programme, "Tout")
    step_row(module, StepKind.LIVE_SESSION, "Atelier en salle", estimated_minutes=180)
    step_row(module, StepKind.CHECKPOINT, "Bilan")
    return programme


@pytest.fixture
def enrolment(programme, lea, karim):
    return enrol_learner(programme, lea, by=karim, start_on=MONDAY, minutes_per_week=120)


def workshop(enrolment):
    return path_step(enrolment, "Atelier en salle")


def attended(trainer, learner, step, *, organisation=None, minutes=180, slot=7):
    """`attended` as classroom records it when Karim notes a learner present."""
    return record_event(
        trainer, Verb.ATTENDED, ("classroom.slot", slot),
        organisation=organisation or step.programme.organisation,
        result={"duration_minutes": minutes},
        context={"session": 3, "slot": slot, "learner": learner.pk, "status": "present",
                 "step": step.pk})


def test_the_attendance_handler_is_subscribed_when_the_app_starts():
    assert handlers.session_attended in events._handlers[Verb.ATTENDED]


def test_attendance_noted_by_the_trainer_completes_the_learners_live_session_step(
    enrolment, programme, lea, karim
):
    attended(karim, lea, programme.steps.get(title="Atelier en salle"))

    step = workshop(enrolment)
    assert step.status == PathStepStatus.DONE
    evidence = Evidence.objects.get(path_step=step)
    assert (evidence.kind, evidence.details, evidence.recorded_by) == (
        EvidenceKind.ATTENDANCE, {"session": 3, "slot": 7, "minutes": 180}, karim)
    completed = LearningEvent.objects.get(verb=Verb.COMPLETED, object_id=str(step.pk))
    assert completed.actor == lea  # the achievement is hers
    assert Enrolment.objects.get().last_activity_at is not None


def test_a_second_attended_slot_adds_no_evidence(enrolment, programme, lea, karim):
    template = programme.steps.get(title="Atelier en salle")
    attended(karim, lea, template, slot=7)
    attended(karim, lea, template, slot=8)

    assert Evidence.objects.filter(kind=EvidenceKind.ATTENDANCE).count() == 1


def test_attendance_at_a_session_without_a_step_completes_nothing(enrolment, lea, karim):
    record_event(karim, Verb.ATTENDED, ("classroom.slot", 7),
                 organisation=enrolment.organisation,
                 context={"session": 3, "slot": 7, "learner": lea.pk})

    assert workshop(enrolment).status == PathStepStatus.TODO
    assert not Evidence.objects.exists()


def test_someone_elses_attendance_does_not_complete_leas_step(
    enrolment, programme, karim, organisation
):
    nina = member(organisation, "learner")

    attended(karim, nina, programme.steps.get(title="Atelier en salle"))

    assert workshop(enrolment).status == PathStepStatus.TODO


def test_attendance_recorded_in_another_organisation_is_ignored(
    enrolment, programme, lea, oscar, other_organisation
):
    attended(oscar, lea, programme.steps.get(title="Atelier en salle"),
             organisation=other_organisation)

    assert workshop(enrolment).status == PathStepStatus.TODO


def test_attendance_never_completes_a_step_of_another_kind(enrolment, programme, lea, karim):
    attended(karim, lea, programme.steps.get(title="Bilan"))

    assert path_step(enrolment, "Bilan").status == PathStepStatus.TODO
    assert not Evidence.objects.exists()
