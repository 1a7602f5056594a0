"""A step is done only when its evidence is there: time engaged, a right answer, accepted
work, a coach's validation, a declaration (and its confirmation)."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from parcours.accounts.tests.factories import member
from parcours.assessments.models import Question, QuestionBank, QuestionKind
from parcours.catalog.models import StepKind
from parcours.core.errors import Conflict, DomainError, NotAllowed
from parcours.core.models import LearningEvent, Verb
from parcours.journeys.models import (
    Enrolment,
    Evidence,
    EvidenceKind,
    PathStepStatus,
    Submission,
    SubmissionStatus,
)
from parcours.journeys.services import (
    answer_check_question,
    confirm_external,
    declare_external_done,
    enrol_learner,
    record_heartbeat,
    review_submission,
    submit_assignment,
    validate_checkpoint,
)
from parcours.journeys.tests.paths_for_tests import (
    MONDAY,
    choice,
    module_row,
    path_step,
    programme_row,
    question_row,
    speaking_programme,
    step_row,
)

START = datetime(2026, 9, 7, 7, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock():
    with translation.override("en"), time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def question(organisation):
    return question_row(organisation)


@pytest.fixture
def programme(organisation, question):
    """The speaking programme, plus a lesson with a check question, a lesson to read, and
    an external activity a coach confirms."""
    programme = speaking_programme(organisation)
    extra = module_row(programme, "Compléments", 2)
    step_row(extra, StepKind.LESSON, "Vérifier", check_question=question, required=False)
    step_row(extra, StepKind.LESSON, "Lire", required=False)
    step_row(extra, StepKind.EXTERNAL, "Salon", needs_coach_confirmation=True, required=False)
    return programme


@pytest.fixture
def enrolment(programme, lea, karim):
    return enrol_learner(programme, lea, by=karim, start_on=MONDAY, minutes_per_week=120)


@pytest.fixture
def nina(organisation):
    return member(organisation, "learner", email="nina@example.org", display_name="Nina Roux")


def step(enrolment, title):
    return path_step(enrolment, title)


def beat(enrolment, title, by, seconds):
    return record_heartbeat(step(enrolment, title), by=by, seconds=seconds)


def events(verb):
    return LearningEvent.objects.filter(verb=verb)


# Lessons: time engaged


def test_opening_a_lesson_starts_it_and_is_recorded_as_launched(enrolment, lea):
    opened = beat(enrolment, "Respirer", lea, 0)

    assert opened.started_at == START
    assert opened.engaged_seconds == 0
    assert events(Verb.LAUNCHED).get().actor == lea


def test_heartbeats_count_the_seconds_really_elapsed(enrolment, lea, clock):
    beat(enrolment, "Respirer", lea, 0)
    clock.shift(20)

    assert beat(enrolment, "Respirer", lea, 20).engaged_seconds == 20


def test_a_heartbeat_counts_at_most_thirty_seconds(enrolment, lea, clock):
    beat(enrolment, "Respirer", lea, 0)
    clock.shift(120)

    assert beat(enrolment, "Respirer", lea, 120).engaged_seconds == 30


def test_a_script_cannot_claim_ten_minutes_in_one_call(enrolment, lea):
    beat(enrolment, "Respirer", lea, 0)

    lesson = beat(enrolment, "Respirer", lea, 600)

    assert lesson.engaged_seconds == 0
    assert lesson.status == PathStepStatus.TODO


def test_heartbeat_spam_does_not_complete_a_lesson(enrolment, lea, clock):
    beat(enrolment, "Respirer", lea, 0)
    for _beat in range(200):
        clock.shift(0.1)
        beat(enrolment, "Respirer", lea, 30)

    lesson = step(enrolment, "Respirer")
    assert lesson.engaged_seconds <= 20
    assert lesson.status == PathStepStatus.TODO
    assert not Evidence.objects.exists()


def test_a_lesson_is_done_once_engaged_for_its_minimum_time(enrolment, lea, clock):
    beat(enrolment, "Respirer", lea, 0)
    for _beat in range(10):
        clock.shift(30)
        beat(enrolment, "Respirer", lea, 30)

    lesson = step(enrolment, "Respirer")
    assert lesson.status == PathStepStatus.DONE
    assert lesson.completed_at is not None
    evidence = Evidence.objects.get(path_step=lesson)
    assert (evidence.kind, evidence.details, evidence.recorded_by) == (
        EvidenceKind.ENGAGED_TIME, {"seconds": 300}, lea)
    completed = events(Verb.COMPLETED).get()
    assert completed.actor == lea
    assert completed.context["path_step"] == lesson.pk
    assert completed.context["enrolment"] == enrolment.pk
    assert completed.context["programme"] == enrolment.programme_id


def test_progress_is_recorded_once_when_the_minimum_is_reached(enrolment, lea, clock):
    beat(enrolment, "Respirer", lea, 0)
    for _beat in range(14):
        clock.shift(30)
        beat(enrolment, "Respirer", lea, 30)

    assert step(enrolment, "Respirer").engaged_seconds == 420
    [progressed] = events(Verb.PROGRESSED)
    assert progressed.result == {"duration_minutes": 5}


def test_a_lesson_with_nothing_else_to_prove_is_done_when_opened(enrolment, lea):
    assert beat(enrolment, "Lire", lea, 0).status == PathStepStatus.DONE


def test_a_lesson_with_a_check_question_is_not_done_by_opening_it(enrolment, lea, clock):
    beat(enrolment, "Vérifier", lea, 0)
    clock.shift(30)

    assert beat(enrolment, "Vérifier", lea, 30).status == PathStepStatus.TODO


def test_a_heartbeat_is_learner_activity(enrolment, lea):
    beat(enrolment, "Respirer", lea, 0)

    enrolment.refresh_from_db()
    assert enrolment.last_activity_at == START


def test_a_heartbeat_needs_a_number_of_seconds(enrolment, lea):
    with pytest.raises(DomainError):
        beat(enrolment, "Respirer", lea, -5)


def test_nobody_else_sends_heartbeats_for_leas_lesson(enrolment, karim, nina, oscar):
    for someone in (karim, nina, oscar):
        with pytest.raises(NotAllowed):
            beat(enrolment, "Respirer", someone, 0)

    assert step(enrolment, "Respirer").started_at is None


# Lessons: the check question


def test_a_right_answer_to_the_check_question_completes_the_lesson(enrolment, lea, question):
    marking = answer_check_question(step(enrolment, "Vérifier"), by=lea,
                                    response=choice(question, "Respirer"))

    assert marking.is_correct
    lesson = step(enrolment, "Vérifier")
    assert lesson.status == PathStepStatus.DONE
    assert Evidence.objects.get(path_step=lesson).kind == EvidenceKind.CHECK_ANSWERED
    assert events(Verb.ANSWERED).get().result["success"] is True


def test_a_wrong_answer_leaves_the_lesson_to_do(enrolment, lea, question):
    marking = answer_check_question(step(enrolment, "Vérifier"), by=lea,
                                    response=choice(question, "Courir"))

    assert not marking.is_correct
    assert step(enrolment, "Vérifier").status == PathStepStatus.TODO
    assert events(Verb.ANSWERED).get().result["success"] is False
    assert not Evidence.objects.exists()


def test_only_a_lesson_with_a_check_question_takes_an_answer(enrolment, lea, question):
    for title in ("Respirer", "Pitch"):
        with pytest.raises(DomainError, match="no check question"):
            answer_check_question(step(enrolment, title), by=lea,
                                  response=choice(question, "Respirer"))


def test_nina_cannot_answer_leas_check_question(enrolment, nina, question):
    with pytest.raises(NotAllowed):
        answer_check_question(step(enrolment, "Vérifier"), by=nina,
                              response=choice(question, "Respirer"))


# Assignments


def test_lea_sends_her_work_and_the_step_waits_for_review(enrolment, lea):
    submission = submit_assignment(step(enrolment, "Pitch"), by=lea, text="Mon pitch écrit.")

    assert submission.status == SubmissionStatus.SUBMITTED
    assert step(enrolment, "Pitch").status == PathStepStatus.TODO
    event = events(Verb.SUBMITTED).get()
    assert event.actor == lea
    assert event.context["submission"] == submission.pk


def test_lea_sends_a_file(enrolment, lea, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pitch = SimpleUploadedFile("pitch.pdf", b"%PDF-1.4 mon pitch", "application/pdf")

    submission = submit_assignment(step(enrolment, "Pitch"), by=lea, file=pitch)

    assert submission.file.name.endswith(".pdf")
    assert submission.file.read() == b"%PDF-1.4 mon pitch"


def test_an_empty_submission_is_refused(enrolment, lea):
    with pytest.raises(DomainError, match="Write your answer or attach a file"):
        submit_assignment(step(enrolment, "Pitch"), by=lea, text="   ")


def test_a_file_over_twenty_megabytes_is_refused(enrolment, lea):
    big = SimpleUploadedFile("pitch.pdf", b"0" * (20 * 1024 * 1024 + 1))

    with pytest.raises(DomainError, match="at most 20 MB"):
        submit_assignment(step(enrolment, "Pitch"), by=lea, file=big)


@pytest.mark.parametrize("name", ["pitch.exe", "pitch.html", "pitch.svg", "pitch"])
def test_a_file_of_another_type_is_refused(enrolment, lea, name):
    with pytest.raises(DomainError, match="Send a document, an image or a sound file"):
        submit_assignment(step(enrolment, "Pitch"), by=lea,
                          file=SimpleUploadedFile(name, b"content"))

    assert not Submission.objects.exists()


def test_a_new_version_waits_until_the_previous_one_is_reviewed(enrolment, lea):
    submit_assignment(step(enrolment, "Pitch"), by=lea, text="Version 1")

    with pytest.raises(Conflict, match="waiting for review"):
        submit_assignment(step(enrolment, "Pitch"), by=lea, text="Version 2")


def test_only_assignments_take_a_submission(enrolment, lea):
    with pytest.raises(DomainError, match="Only assignments"):
        submit_assignment(step(enrolment, "Bilan"), by=lea, text="Fait !")


def test_karim_accepts_the_work_and_the_step_is_done(enrolment, lea, karim):
    submission = submit_assignment(step(enrolment, "Pitch"), by=lea, text="Mon pitch.")

    review_submission(submission, by=karim, accept=True, feedback="Très clair.")

    submission.refresh_from_db()
    assert (submission.status, submission.reviewed_by) == (SubmissionStatus.ACCEPTED, karim)
    assignment = step(enrolment, "Pitch")
    assert assignment.status == PathStepStatus.DONE
    evidence = Evidence.objects.get(path_step=assignment)
    assert (evidence.kind, evidence.comment, evidence.recorded_by) == (
        EvidenceKind.SUBMISSION_ACCEPTED, "Très clair.", karim)
    assert evidence.details == {"submission": submission.pk}
    assert events(Verb.ACCEPTED).get().actor == karim
    assert events(Verb.COMPLETED).get().actor == lea


def test_karim_asks_for_changes_with_feedback_and_lea_sends_a_new_version(
    enrolment, lea, karim
):
    submission = submit_assignment(step(enrolment, "Pitch"), by=lea, text="Brouillon.")

    review_submission(submission, by=karim, accept=False, feedback="Ajoutez une conclusion.")

    assert step(enrolment, "Pitch").status == PathStepStatus.TODO
    assert events(Verb.RETURNED).get().actor == karim
    again = submit_assignment(step(enrolment, "Pitch"), by=lea, text="Avec conclusion.")
    assert again.status == SubmissionStatus.SUBMITTED


def test_asking_for_changes_needs_feedback(enrolment, lea, karim):
    submission = submit_assignment(step(enrolment, "Pitch"), by=lea, text="Brouillon.")

    with pytest.raises(DomainError, match="what to change"):
        review_submission(submission, by=karim, accept=False, feedback=" ")


def test_a_submission_is_reviewed_once(enrolment, lea, karim):
    submission = submit_assignment(step(enrolment, "Pitch"), by=lea, text="Mon pitch.")
    review_submission(submission, by=karim, accept=True)

    with pytest.raises(Conflict, match="already been reviewed"):
        review_submission(submission, by=karim, accept=False, feedback="Finalement non.")


def test_accepted_work_cannot_be_sent_again(enrolment, lea, karim):
    submission = submit_assignment(step(enrolment, "Pitch"), by=lea, text="Mon pitch.")
    review_submission(submission, by=karim, accept=True)

    with pytest.raises(Conflict, match="already been accepted"):
        submit_assignment(step(enrolment, "Pitch"), by=lea, text="Encore")


def test_only_a_coach_reviews_work(enrolment, lea, nina, sophie, oscar):
    submission = submit_assignment(step(enrolment, "Pitch"), by=lea, text="Mon pitch.")

    for someone in (lea, nina, sophie, oscar):
        with pytest.raises(NotAllowed):
            review_submission(submission, by=someone, accept=True)

    assert step(enrolment, "Pitch").status == PathStepStatus.TODO


def test_a_coach_who_is_also_a_learner_cannot_accept_his_own_work(organisation, programme):
    paul = member(organisation, "coach", "learner", display_name="Paul Girard")
    enrolment = enrol_learner(programme, paul, by=paul, start_on=MONDAY, minutes_per_week=60)
    submission = submit_assignment(step(enrolment, "Pitch"), by=paul, text="Mon pitch.")

    with pytest.raises(NotAllowed, match="your own work"):
        review_submission(submission, by=paul, accept=True)


# Checkpoints


def test_karim_validates_a_checkpoint(enrolment, karim):
    validate_checkpoint(step(enrolment, "Bilan"), by=karim, comment="Objectifs clairs.")

    checkpoint = step(enrolment, "Bilan")
    assert checkpoint.status == PathStepStatus.DONE
    evidence = Evidence.objects.get(path_step=checkpoint)
    assert (evidence.kind, evidence.comment) == (EvidenceKind.COACH_VALIDATION,
                                                 "Objectifs clairs.")
    assert events(Verb.VALIDATED).get().actor == karim


def test_a_checkpoint_is_validated_once(enrolment, karim):
    validate_checkpoint(step(enrolment, "Bilan"), by=karim)

    with pytest.raises(Conflict, match="already done"):
        validate_checkpoint(step(enrolment, "Bilan"), by=karim)


def test_only_checkpoints_are_validated(enrolment, karim):
    with pytest.raises(DomainError, match="Only checkpoints"):
        validate_checkpoint(step(enrolment, "Respirer"), by=karim)

    assert step(enrolment, "Respirer").status == PathStepStatus.TODO


def test_lea_cannot_validate_her_own_checkpoint(enrolment, lea, sophie, oscar):
    for someone in (lea, sophie, oscar):
        with pytest.raises(NotAllowed):
            validate_checkpoint(step(enrolment, "Bilan"), by=someone)

    assert step(enrolment, "Bilan").status == PathStepStatus.TODO


# External activities


def test_lea_declares_an_external_activity_done(enrolment, lea):
    declared = declare_external_done(step(enrolment, "Atelier"), by=lea, note="Super atelier")

    assert declared.status == PathStepStatus.DONE
    evidence = Evidence.objects.get(path_step=declared)
    assert (evidence.kind, evidence.comment) == (EvidenceKind.DECLARATION, "Super atelier")
    assert events(Verb.DECLARED).get().actor == lea


def test_an_activity_needing_confirmation_waits_for_the_coach(enrolment, lea, karim):
    declare_external_done(step(enrolment, "Salon"), by=lea)
    assert step(enrolment, "Salon").status == PathStepStatus.TODO

    confirm_external(step(enrolment, "Salon"), by=karim, comment="Vu sur place.")

    fair = step(enrolment, "Salon")
    assert fair.status == PathStepStatus.DONE
    assert list(fair.evidence.values_list("kind", flat=True)) == [
        EvidenceKind.DECLARATION, EvidenceKind.COACH_CONFIRMATION]


def test_a_coach_confirms_only_what_the_learner_declared(enrolment, karim):
    with pytest.raises(DomainError, match="not declared"):
        confirm_external(step(enrolment, "Salon"), by=karim)


def test_an_activity_is_declared_once(enrolment, lea):
    declare_external_done(step(enrolment, "Salon"), by=lea)

    with pytest.raises(Conflict, match="already declared"):
        declare_external_done(step(enrolment, "Salon"), by=lea)


def test_only_external_activities_are_declared_or_confirmed(enrolment, lea, karim):
    with pytest.raises(DomainError, match="Only external activities"):
        declare_external_done(step(enrolment, "Bilan"), by=lea)
    with pytest.raises(DomainError, match="Only external activities"):
        confirm_external(step(enrolment, "Bilan"), by=karim)


def test_nobody_declares_for_lea_and_she_cannot_confirm(enrolment, lea, karim, nina):
    for someone in (karim, nina):
        with pytest.raises(NotAllowed):
            declare_external_done(step(enrolment, "Salon"), by=someone)
    declare_external_done(step(enrolment, "Salon"), by=lea)

    with pytest.raises(NotAllowed):
        confirm_external(step(enrolment, "Salon"), by=lea)

    assert step(enrolment, "Salon").status == PathStepStatus.TODO


# Completing the programme


def test_the_programme_is_completed_with_its_last_required_step(
    organisation, lea, karim, clock
):
    programme = programme_row(organisation, "Court")
    module = module_row(programme, "Unique")
    step_row(module, StepKind.CHECKPOINT, "Bilan")
    step_row(module, StepKind.EXTERNAL, "Atelier")
    step_row(module, StepKind.LESSON, "Bonus", required=False, min_engaged_seconds=60)
    enrolment = enrol_learner(programme, lea, by=karim, start_on=MONDAY, minutes_per_week=60)

    validate_checkpoint(step(enrolment, "Bilan"), by=karim)
    enrolment.refresh_from_db()
    assert enrolment.completed_at is None
    declare_external_done(step(enrolment, "Atelier"), by=lea)

    enrolment.refresh_from_db()
    assert enrolment.completed_at == START
    finished = events(Verb.COMPLETED).get(object_type="catalog.programme")
    assert finished.actor == lea
    assert finished.context["enrolment"] == enrolment.pk
    assert events(Verb.COMPLETED).count() == 3


def test_learner_actions_are_activity_but_coach_actions_are_not(enrolment, lea, karim, clock):
    validate_checkpoint(step(enrolment, "Bilan"), by=karim)
    assert Enrolment.objects.get().last_activity_at is None

    clock.shift(60)
    submit_assignment(step(enrolment, "Pitch"), by=lea, text="Mon pitch.")

    assert Enrolment.objects.get().last_activity_at == datetime(2026, 9, 7, 7, 1, tzinfo=UTC)


def test_a_number_typed_in_a_form_is_kept_as_text_with_the_evidence(
    organisation, lea, karim
):
    question = Question.objects.create(
        bank=QuestionBank.objects.create(organisation=organisation, title="Calcul"),
        kind=QuestionKind.NUMERIC, prompt="Combien de minutes dure le pitch ?",
        numeric_answer=Decimal("2.5"))
    programme = programme_row(organisation, "Chiffres")
    step_row(module_row(programme, "Unique"), StepKind.LESSON, "Durée", check_question=question)
    enrolment = enrol_learner(programme, lea, by=karim, start_on=MONDAY, minutes_per_week=60)

    answer_check_question(step(enrolment, "Durée"), by=lea, response=Decimal("2.5"))

    assert Evidence.objects.get().details == {"question": question.pk, "response": "2.5"}
