"""Karim takes attendance in the sessions he trains; it becomes Léa's evidence."""

from datetime import timedelta

import pytest
import time_machine

from parcours.accounts.tests.factories import member
from parcours.catalog.models import StepKind
from parcours.classroom.models import Attendance, AttendanceStatus, SessionStatus
from parcours.classroom.services.attendance import (
    ArrivalTimeOutsideSlot,
    ArrivalTimeRequired,
    CancelledSession,
    LearnerNotRegistered,
    NotTrainerOfSession,
    TooEarlyForAttendance,
    UnknownAttendanceStatus,
    record_attendance,
)
from parcours.classroom.tests.attendance_for_tests import (
    DURING,
    MORNING_STARTS,
    register,
    session_row,
    slot_of,
)
from parcours.core.errors import NotAllowed
from parcours.core.models import LearningEvent, Verb
from parcours.journeys.models import EvidenceKind, PathStepStatus
from parcours.journeys.services import enrol_learner
from parcours.journeys.tests.paths_for_tests import module_row, programme_row, step_row


@pytest.fixture(autouse=True)
def during_the_morning():
    with time_machine.travel(DURING, tick=False) as clock:
        yield clock


@pytest.fixture
def session(organisation, karim, lea):
    return session_row(organisation, trainers=[karim], learners=[lea])


@pytest.fixture
def slot(session):
    return slot_of(session)


def test_karim_notes_lea_present_and_the_attendance_is_recorded(slot, karim, lea):
    attendance = record_attendance(slot, by=karim, learner=lea, status=AttendanceStatus.PRESENT)

    attendance.refresh_from_db()
    assert (attendance.status, attendance.arrived_at, attendance.recorded_by) == (
        AttendanceStatus.PRESENT, None, karim)
    event = LearningEvent.objects.get(verb=Verb.ATTENDED)
    assert event.actor == karim
    assert event.object_type == "classroom.slot" and event.object_id == str(slot.pk)
    assert event.context == {"session": slot.session_id, "slot": slot.pk, "learner": lea.pk,
                             "status": "present"}
    assert event.result == {"duration_minutes": 210}


def test_a_late_learner_needs_an_arrival_time(slot, karim, lea):
    with pytest.raises(ArrivalTimeRequired):
        record_attendance(slot, by=karim, learner=lea, status=AttendanceStatus.LATE)

    assert not Attendance.objects.exists()


def test_a_late_learner_attends_from_their_arrival(slot, karim, lea):
    arrival = MORNING_STARTS + timedelta(minutes=30)

    record_attendance(slot, by=karim, learner=lea, status=AttendanceStatus.LATE,
                      arrived_at=arrival)

    assert Attendance.objects.get().arrived_at == arrival
    assert LearningEvent.objects.get(verb=Verb.ATTENDED).result == {"duration_minutes": 180}


def test_an_arrival_time_outside_the_slot_is_refused(slot, karim, lea):
    with pytest.raises(ArrivalTimeOutsideSlot):
        record_attendance(slot, by=karim, learner=lea, status=AttendanceStatus.LATE,
                          arrived_at=MORNING_STARTS - timedelta(hours=2))


def test_absent_and_excused_record_no_attendance_event(slot, karim, lea):
    record_attendance(slot, by=karim, learner=lea, status=AttendanceStatus.ABSENT)
    record_attendance(slot, by=karim, learner=lea, status=AttendanceStatus.EXCUSED)

    assert Attendance.objects.get().status == AttendanceStatus.EXCUSED
    assert not LearningEvent.objects.filter(verb=Verb.ATTENDED).exists()


def test_noting_the_same_status_twice_records_one_event(slot, karim, lea):
    record_attendance(slot, by=karim, learner=lea, status=AttendanceStatus.PRESENT)
    record_attendance(slot, by=karim, learner=lea, status=AttendanceStatus.PRESENT)

    assert Attendance.objects.count() == 1
    assert LearningEvent.objects.filter(verb=Verb.ATTENDED).count() == 1


def test_an_unknown_status_is_refused(slot, karim, lea):
    with pytest.raises(UnknownAttendanceStatus):
        record_attendance(slot, by=karim, learner=lea, status="asleep")


def test_a_learner_not_registered_cannot_be_noted(slot, karim, organisation):
    nina = member(organisation, "learner", display_name="Nina Petit")

    with pytest.raises(LearnerNotRegistered, match="Nina Petit"):
        record_attendance(slot, by=karim, learner=nina, status=AttendanceStatus.PRESENT)


def test_a_learner_on_the_waiting_list_cannot_be_noted(slot, session, karim, organisation):
    nina = member(organisation, "learner")
    register(session, nina, status="waitlisted")

    with pytest.raises(LearnerNotRegistered):
        record_attendance(slot, by=karim, learner=nina, status=AttendanceStatus.PRESENT)


def test_nobody_is_present_before_the_slot_opens(slot, karim, lea, during_the_morning):
    during_the_morning.move_to(MORNING_STARTS - timedelta(minutes=16))

    with pytest.raises(TooEarlyForAttendance):
        record_attendance(slot, by=karim, learner=lea, status=AttendanceStatus.PRESENT)
    record_attendance(slot, by=karim, learner=lea, status=AttendanceStatus.EXCUSED)


def test_a_cancelled_session_takes_no_attendance(slot, session, karim, lea):
    session.status = SessionStatus.CANCELLED
    session.save()

    with pytest.raises(CancelledSession):
        record_attendance(slot, by=karim, learner=lea, status=AttendanceStatus.PRESENT)


def test_a_coach_who_does_not_train_the_session_cannot_take_attendance(slot, lea, organisation):
    amel = member(organisation, "trainer")

    with pytest.raises(NotTrainerOfSession):
        record_attendance(slot, by=amel, learner=lea, status=AttendanceStatus.PRESENT)


def test_sophie_who_schedules_sessions_can_take_attendance(slot, sophie, lea):
    record_attendance(slot, by=sophie, learner=lea, status=AttendanceStatus.PRESENT)

    assert Attendance.objects.get().recorded_by == sophie


def test_lea_cannot_note_herself_present(slot, lea):
    with pytest.raises(NotAllowed):
        record_attendance(slot, by=lea, learner=lea, status=AttendanceStatus.PRESENT)


def test_oscar_from_another_organisation_cannot_take_attendance(slot, oscar, lea):
    with pytest.raises(NotAllowed):
        record_attendance(slot, by=oscar, learner=lea, status=AttendanceStatus.PRESENT)

    assert not Attendance.objects.exists()


def test_attendance_completes_leas_live_session_step(organisation, karim, lea):
    programme = programme_row(organisation, "Oral")
    workshop = step_row(module_row(programme, "Tout"), StepKind.LIVE_SESSION, "Atelier")
    enrolment = enrol_learner(programme, lea, by=karim, start_on=MORNING_STARTS.date(),
                              minutes_per_week=120)
    session = session_row(organisation, trainers=[karim], learners=[lea], step=workshop,
                          programme=programme)

    record_attendance(slot_of(session), by=karim, learner=lea, status=AttendanceStatus.PRESENT)

    step = enrolment.steps.get(title="Atelier")
    assert step.status == PathStepStatus.DONE
    evidence = step.evidence.get()
    assert evidence.kind == EvidenceKind.ATTENDANCE
    assert evidence.details == {"session": session.pk, "slot": slot_of(session).pk,
                                "minutes": 210}
    assert LearningEvent.objects.get(verb=Verb.ATTENDED).context["step"] == workshop.pk
