"""The paths API: the same rules as the pages, through the same selectors and services."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parcours.accounts.tests.factories import member
from parcours.assessments.models import Quiz
from parcours.catalog.models import StepKind
from parcours.journeys.models import Enrolment, PathStepStatus, Submission
from parcours.journeys.services import enrol_learner, submit_assignment
from parcours.journeys.tests.paths_for_tests import (
    MONDAY,
    choice,
    module_row,
    path_step,
    question_row,
    speaking_programme,
    step_row,
    titles,
)

ORG = "/api/v1/organisations/cap-avenir"


@pytest.fixture(autouse=True)
def monday_morning():
    with time_machine.travel(datetime(2026, 9, 7, 7, 0, tzinfo=UTC), tick=False) as clock:
        yield clock


@pytest.fixture
def api_as(api_as):
    """The API as a person who reads it in English."""
    return lambda user: api_as(user, locale="en")


@pytest.fixture
def question(organisation):
    return question_row(organisation)


@pytest.fixture
def programme(organisation, question):
    programme = speaking_programme(organisation)
    step_row(module_row(programme, "Compléments", 2), StepKind.LESSON, "Vérifier",
             check_question=question, required=False)
    return programme


@pytest.fixture
def enrolment(programme, lea, karim):
    return enrol_learner(programme, lea, by=karim, start_on=MONDAY, minutes_per_week=120)


@pytest.fixture
def nina(organisation):
    return member(organisation, "learner", email="nina@example.org", display_name="Nina Roux")


def step_url(enrolment, title, action):
    return f"{ORG}/path-steps/{path_step(enrolment, title).pk}/{action}"


def status_of(enrolment, title):
    return path_step(enrolment, title).status


# Anonymous callers


@pytest.mark.parametrize(("method", "path"), [
    ("get", "/enrolments"),
    ("post", "/enrolments"),
    ("get", "/enrolments/1"),
    ("post", "/enrolments/1/adaptations"),
    ("post", "/path-steps/1/heartbeat"),
    ("post", "/path-steps/1/submissions"),
    ("post", "/path-steps/1/validation"),
    ("post", "/submissions/1/review"),
])
def test_an_anonymous_caller_gets_401(client, method, path):
    response = getattr(client, method)(ORG + path)

    assert response.status_code == 401
    assert response.json()["detail"]


# Enrolments


def test_karim_enrols_learners_through_the_api(api_as, karim, lea, nina, programme):
    response = api_as(karim).post(f"{ORG}/enrolments", {
        "programme": programme.pk, "learners": [lea.pk, nina.pk], "start_on": "2026-09-07",
        "minutes_per_week": 120})

    assert response.status_code == 201
    body = response.json()
    assert [item["learner"]["email"] for item in body] == ["lea@example.org",
                                                          "nina@example.org"]
    assert body[0]["status"] == "on_track"
    assert body[0]["next_step"]["title"] == "Respirer"
    assert Enrolment.objects.count() == 2


def test_enrolling_someone_already_enrolled_is_409_and_enrols_nobody(
    api_as, karim, lea, nina, enrolment, programme
):
    response = api_as(karim).post(f"{ORG}/enrolments", {
        "programme": programme.pk, "learners": [nina.pk, lea.pk], "start_on": "2026-09-07",
        "minutes_per_week": 120})

    assert response.status_code == 409
    assert response.json()["detail"] == "Léa Martin is already enrolled in this programme."
    assert not Enrolment.objects.filter(learner=nina).exists()


def test_enrolling_a_coach_is_400_with_the_reason(api_as, sophie, karim, programme):
    response = api_as(sophie).post(f"{ORG}/enrolments", {
        "programme": programme.pk, "learners": [karim.pk], "start_on": "2026-09-07",
        "minutes_per_week": 120})

    assert response.status_code == 400
    assert "not a learner" in response.json()["detail"]


def test_enrolling_someone_outside_the_organisation_is_404(api_as, karim, programme, oscar):
    response = api_as(karim).post(f"{ORG}/enrolments", {
        "programme": programme.pk, "learners": [oscar.pk], "start_on": "2026-09-07",
        "minutes_per_week": 120})

    assert response.status_code == 404
    assert str(oscar.pk) in response.json()["detail"]


def test_an_enrolment_without_a_pace_is_422(api_as, karim, lea, programme):
    response = api_as(karim).post(f"{ORG}/enrolments", {
        "programme": programme.pk, "learners": [lea.pk], "start_on": "2026-09-07",
        "minutes_per_week": 0})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "minutes_per_week"


def test_lea_cannot_enrol_someone_else(api_as, lea, nina, programme):
    response = api_as(lea).post(f"{ORG}/enrolments", {
        "programme": programme.pk, "learners": [nina.pk], "start_on": "2026-09-07",
        "minutes_per_week": 120})

    assert response.status_code == 403
    assert not Enrolment.objects.exists()


def test_lea_enrols_herself_when_the_programme_allows_it(api_as, lea, programme):
    programme.allows_self_enrolment = True
    programme.save()

    response = api_as(lea).post(f"{ORG}/enrolments", {
        "programme": programme.pk, "start_on": "2026-09-07", "minutes_per_week": 60})

    assert response.status_code == 201
    assert Enrolment.objects.get().learner == lea


def test_lea_cannot_enrol_herself_when_the_programme_does_not_allow_it(api_as, lea, programme):
    response = api_as(lea).post(f"{ORG}/enrolments", {
        "programme": programme.pk, "start_on": "2026-09-07", "minutes_per_week": 60})

    assert response.status_code == 403
    assert "ask your coach" in response.json()["detail"]


def test_oscar_cannot_enrol_anyone_here(api_as, oscar, lea, programme):
    response = api_as(oscar).post(f"{ORG}/enrolments", {
        "programme": programme.pk, "learners": [lea.pk], "start_on": "2026-09-07",
        "minutes_per_week": 120})

    assert response.status_code == 403


def test_lea_lists_only_her_own_enrolments(api_as, lea, nina, karim, enrolment, programme):
    enrol_learner(programme, nina, by=karim, start_on=MONDAY, minutes_per_week=60)

    body = api_as(lea).get(f"{ORG}/enrolments").json()

    assert body["count"] == 1
    [item] = body["items"]
    assert item["id"] == enrolment.pk
    assert item["progress_percent"] == 0


def test_karim_lists_every_enrolment_and_filters_by_learner(
    api_as, karim, nina, enrolment, programme
):
    other = enrol_learner(programme, nina, by=karim, start_on=MONDAY, minutes_per_week=60)

    assert api_as(karim).get(f"{ORG}/enrolments").json()["count"] == 2
    body = api_as(karim).get(f"{ORG}/enrolments", learner=nina.pk).json()
    assert [item["id"] for item in body["items"]] == [other.pk]


def test_oscar_gets_403_on_the_enrolments_here(api_as, oscar, enrolment):
    assert api_as(oscar).get(f"{ORG}/enrolments").status_code == 403


def test_listing_enrolments_takes_the_same_queries_whatever_their_number(
    api_as, karim, programme, organisation
):
    caller = api_as(karim)
    caller.get(f"{ORG}/enrolments")  # the first call notes the token's use
    learner = member(organisation, "learner")
    enrol_learner(programme, learner, by=karim, start_on=MONDAY, minutes_per_week=60)
    with CaptureQueriesContext(connection) as few:
        assert caller.get(f"{ORG}/enrolments").status_code == 200
    for _n in range(5):
        learner = member(organisation, "learner")
        enrol_learner(programme, learner, by=karim, start_on=MONDAY, minutes_per_week=60)

    with CaptureQueriesContext(connection) as many:
        response = caller.get(f"{ORG}/enrolments")

    assert response.json()["count"] == 6
    assert len(many) == len(few)


# A path


def test_lea_reads_her_path_with_its_progress_and_next_step(api_as, lea, enrolment):
    body = api_as(lea).get(f"{ORG}/enrolments/{enrolment.pk}").json()

    assert [step["title"] for step in body["steps"]] == titles(enrolment)
    assert body["status"] == "on_track"
    assert body["next_step"] == {
        "path_step": path_step(enrolment, "Respirer").pk, "title": "Respirer",
        "reason_code": "next_in_path", "reason": "This is the next step of your path."}
    first = body["steps"][0]
    assert (first["kind"], first["status"], first["planned_on"]) == (
        "lesson", "todo", "2026-09-08")
    assert first["evidence"] == []


def test_nina_cannot_read_leas_path(api_as, nina, enrolment):
    assert api_as(nina).get(f"{ORG}/enrolments/{enrolment.pk}").status_code == 404


def test_karim_reads_leas_path_with_its_evidence(api_as, karim, lea, enrolment):
    api_as(karim).post(step_url(enrolment, "Bilan", "validation"), {"comment": "Bien."})

    body = api_as(karim).get(f"{ORG}/enrolments/{enrolment.pk}").json()

    review = next(step for step in body["steps"] if step["title"] == "Bilan")
    assert review["status"] == "done"
    [evidence] = review["evidence"]
    assert (evidence["kind"], evidence["recorded_by"], evidence["comment"]) == (
        "coach_validation", "Karim Benali", "Bien.")


def test_the_progress_of_an_enrolment_reads_on_its_own(api_as, lea, enrolment):
    body = api_as(lea).get(f"{ORG}/enrolments/{enrolment.pk}/progress").json()

    assert (body["status"], body["progress_percent"]) == ("on_track", 0)
    assert "steps" not in body


def test_oscar_gets_403_on_a_path_here(api_as, oscar, enrolment):
    assert api_as(oscar).get(f"{ORG}/enrolments/{enrolment.pk}").status_code == 403


# The learner's evidence


def test_heartbeats_complete_a_lesson_only_with_time_really_spent(
    api_as, lea, enrolment, monday_morning
):
    caller = api_as(lea)
    url = step_url(enrolment, "Respirer", "heartbeat")
    assert caller.post(url, {"seconds": 0}).json()["started_at"] is not None
    for _spam in range(50):
        caller.post(url, {"seconds": 600 if _spam == 0 else 30})
    assert status_of(enrolment, "Respirer") == PathStepStatus.TODO

    for _beat in range(10):
        monday_morning.shift(30)
        body = caller.post(url, {"seconds": 30}).json()

    assert body["status"] == "done"
    assert body["evidence"][0]["kind"] == "engaged_time"


def test_a_heartbeat_claiming_more_than_ten_minutes_is_422(api_as, lea, enrolment):
    response = api_as(lea).post(step_url(enrolment, "Respirer", "heartbeat"), {"seconds": 601})

    assert response.status_code == 422


def test_karim_cannot_send_heartbeats_for_lea(api_as, karim, enrolment):
    response = api_as(karim).post(step_url(enrolment, "Respirer", "heartbeat"), {"seconds": 0})

    assert response.status_code == 403


def test_nina_cannot_send_heartbeats_for_leas_step(api_as, nina, enrolment):
    response = api_as(nina).post(step_url(enrolment, "Respirer", "heartbeat"), {"seconds": 0})

    assert response.status_code == 404


def test_a_right_check_answer_completes_the_lesson(api_as, lea, enrolment, question):
    response = api_as(lea).post(step_url(enrolment, "Vérifier", "check-answer"),
                                {"response": choice(question, "Respirer")})

    body = response.json()
    assert body["correct"] is True
    assert body["step"]["status"] == "done"


def test_a_wrong_check_answer_does_not(api_as, lea, enrolment, question):
    body = api_as(lea).post(step_url(enrolment, "Vérifier", "check-answer"),
                            {"response": choice(question, "Courir")}).json()

    assert body["correct"] is False
    assert body["step"]["status"] == "todo"


def test_lea_sends_her_work_as_text_or_file(api_as, lea, enrolment, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    caller = api_as(lea)

    response = caller.upload(step_url(enrolment, "Pitch", "submissions"), {
        "text": "Mon pitch", "file": SimpleUploadedFile("pitch.pdf", b"%PDF-1.4")})

    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["text"], body["file_name"]) == (
        "submitted", "Mon pitch", "pitch.pdf")
    assert status_of(enrolment, "Pitch") == PathStepStatus.TODO


def test_an_empty_submission_is_400(api_as, lea, enrolment):
    response = api_as(lea).upload(step_url(enrolment, "Pitch", "submissions"), {"text": " "})

    assert response.status_code == 400
    assert response.json()["detail"] == "Write your answer or attach a file."


def test_a_program_file_is_refused(api_as, lea, enrolment):
    response = api_as(lea).upload(step_url(enrolment, "Pitch", "submissions"), {
        "file": SimpleUploadedFile("pitch.exe", b"MZ")})

    assert response.status_code == 400
    assert not Submission.objects.exists()


def test_lea_declares_an_external_activity_done(api_as, lea, enrolment):
    body = api_as(lea).post(step_url(enrolment, "Atelier", "declaration"),
                            {"note": "Super"}).json()

    assert body["status"] == "done"


def test_karim_cannot_declare_for_lea(api_as, karim, enrolment):
    response = api_as(karim).post(step_url(enrolment, "Atelier", "declaration"), {})

    assert response.status_code == 403
    assert status_of(enrolment, "Atelier") == PathStepStatus.TODO


@pytest.mark.parametrize(("title", "action", "body"), [
    ("Respirer", "submissions", None),
    ("Respirer", "declaration", {}),
    ("Bilan", "declaration", {}),
    ("Pitch", "declaration", {}),
    ("Atelier", "check-answer", {"response": 1}),
    ("Bilan", "check-answer", {"response": 1}),
])
def test_no_learner_endpoint_completes_a_step_without_its_evidence(
    api_as, lea, enrolment, title, action, body
):
    caller = api_as(lea)
    url = step_url(enrolment, title, action)

    response = (caller.upload(url, {"text": "Fait"}) if body is None
                else caller.post(url, body))

    assert response.status_code == 400
    assert status_of(enrolment, title) == PathStepStatus.TODO


# The coach's evidence


def test_karim_accepts_leas_work_and_the_step_is_done(api_as, karim, lea, enrolment):
    submission = submit_assignment(path_step(enrolment, "Pitch"), by=lea, text="Mon pitch")

    response = api_as(karim).post(f"{ORG}/submissions/{submission.pk}/review",
                                  {"accept": True, "feedback": "Clair."})

    assert response.status_code == 200
    assert response.json()["status"] == "accepted"
    assert status_of(enrolment, "Pitch") == PathStepStatus.DONE


def test_asking_for_changes_without_feedback_is_400(api_as, karim, lea, enrolment):
    submission = submit_assignment(path_step(enrolment, "Pitch"), by=lea, text="Mon pitch")

    response = api_as(karim).post(f"{ORG}/submissions/{submission.pk}/review",
                                  {"accept": False})

    assert response.status_code == 400
    assert response.json()["detail"] == "Tell the learner what to change."


@pytest.mark.parametrize("who", ["lea", "sophie"])
def test_only_a_coach_reviews_work(api_as, lea, enrolment, who, request):
    submission = submit_assignment(path_step(enrolment, "Pitch"), by=lea, text="Mon pitch")

    response = api_as(request.getfixturevalue(who)).post(
        f"{ORG}/submissions/{submission.pk}/review", {"accept": True})

    assert response.status_code == 403
    assert status_of(enrolment, "Pitch") == PathStepStatus.TODO


def test_oscar_cannot_review_work_here(api_as, oscar, lea, enrolment):
    submission = submit_assignment(path_step(enrolment, "Pitch"), by=lea, text="Mon pitch")

    response = api_as(oscar).post(f"{ORG}/submissions/{submission.pk}/review",
                                  {"accept": True})

    assert response.status_code == 403


def test_karim_validates_a_checkpoint_and_lea_cannot(api_as, karim, lea, enrolment):
    assert api_as(lea).post(step_url(enrolment, "Bilan", "validation"), {}).status_code == 403

    response = api_as(karim).post(step_url(enrolment, "Bilan", "validation"), {})

    assert response.status_code == 200
    assert response.json()["status"] == "done"


def test_validating_a_lesson_is_400(api_as, karim, enrolment):
    response = api_as(karim).post(step_url(enrolment, "Respirer", "validation"), {})

    assert response.status_code == 400
    assert response.json()["detail"] == "Only checkpoints are validated by a coach."
    assert status_of(enrolment, "Respirer") == PathStepStatus.TODO


def test_confirming_what_was_not_declared_is_400(api_as, karim, enrolment):
    response = api_as(karim).post(step_url(enrolment, "Atelier", "confirmation"), {})

    assert response.status_code == 400
    assert status_of(enrolment, "Atelier") == PathStepStatus.TODO


# Adaptations


def test_karim_pulls_a_step_forward_and_lea_reads_why(api_as, karim, lea, enrolment):
    response = api_as(karim).post(step_url(enrolment, "Bilan", "adaptations"), {
        "kind": "pull_forward", "reason": "Entretien jeudi"})

    assert response.status_code == 200
    assert response.json()["change_message"] == (
        "Your coach moved this step earlier: Entretien jeudi")
    body = api_as(lea).get(f"{ORG}/enrolments/{enrolment.pk}").json()
    assert body["next_step"]["reason_code"] == "moved_by_coach"
    assert body["next_step"]["reason"] == "Your coach moved this step earlier: Entretien jeudi"


def test_karim_changes_a_due_date_and_skips_a_step(api_as, karim, enrolment):
    caller = api_as(karim)

    changed = caller.post(step_url(enrolment, "Pitch", "adaptations"), {
        "kind": "change_due_date", "reason": "Jury avancé", "due_on": "2026-09-10"}).json()
    skipped = caller.post(step_url(enrolment, "Structurer", "adaptations"), {
        "kind": "skip", "reason": "Déjà acquis"}).json()

    assert changed["due_on"] == "2026-09-10"
    assert skipped["status"] == "skipped"


def test_an_adaptation_without_a_reason_is_400(api_as, karim, enrolment):
    response = api_as(karim).post(step_url(enrolment, "Bilan", "adaptations"), {
        "kind": "push_back", "reason": " "})

    assert response.status_code == 400
    assert response.json()["detail"] == "Say why: the learner reads the reason."


def test_a_done_step_cannot_be_adapted_through_the_api(api_as, karim, enrolment):
    api_as(karim).post(step_url(enrolment, "Bilan", "validation"), {})

    response = api_as(karim).post(step_url(enrolment, "Bilan", "adaptations"), {
        "kind": "skip", "reason": "Inutile"})

    assert response.status_code == 409


def test_karim_inserts_a_step_and_reorders_the_path(api_as, karim, enrolment):
    caller = api_as(karim)

    inserted = caller.post(f"{ORG}/enrolments/{enrolment.pk}/adaptations", {
        "kind": "insert", "reason": "Entretien jeudi", "position": 1,
        "step": {"kind": "lesson", "title": "Préparer l'entretien",
                 "estimated_minutes": 30}}).json()
    assert inserted["steps"][0]["title"] == "Préparer l'entretien"
    assert inserted["steps"][0]["added_by_coach"] is True

    order = [step["id"] for step in reversed(inserted["steps"])]
    reordered = caller.post(f"{ORG}/enrolments/{enrolment.pk}/adaptations", {
        "kind": "reorder", "reason": "Priorités", "order": order}).json()
    assert [step["id"] for step in reordered["steps"]] == order


def test_an_insert_without_a_position_is_422(api_as, karim, enrolment):
    response = api_as(karim).post(f"{ORG}/enrolments/{enrolment.pk}/adaptations", {
        "kind": "insert", "reason": "Entretien", "step": {"kind": "lesson", "title": "X"}})

    assert response.status_code == 422


@pytest.mark.parametrize("who", ["lea", "sophie"])
def test_only_a_coach_adapts_a_path(api_as, enrolment, who, request):
    caller = api_as(request.getfixturevalue(who))

    step_response = caller.post(step_url(enrolment, "Bilan", "adaptations"), {
        "kind": "pull_forward", "reason": "Je préfère"})
    path_response = caller.post(f"{ORG}/enrolments/{enrolment.pk}/adaptations", {
        "kind": "insert", "reason": "Je préfère", "position": 1,
        "step": {"kind": "lesson", "title": "Bonus"}})

    assert step_response.status_code == 403
    assert path_response.status_code == 403
    assert titles(enrolment)[0] == "Respirer"


def test_oscar_cannot_adapt_a_path_here(api_as, oscar, enrolment):
    response = api_as(oscar).post(step_url(enrolment, "Bilan", "adaptations"), {
        "kind": "pull_forward", "reason": "Intrusion"})

    assert response.status_code == 403


def test_a_draft_programme_is_404_for_a_learner(api_as, lea, organisation):
    draft = speaking_programme(organisation, published=False, allows_self_enrolment=True)

    response = api_as(lea).post(f"{ORG}/enrolments", {
        "programme": draft.pk, "start_on": "2026-09-07", "minutes_per_week": 60})

    assert response.status_code == 404


# Quizzes: the only road to a done quiz step is an attempt at or above the pass mark


@pytest.fixture
def quiz_enrolment(organisation, lea, karim, question):
    quiz = Quiz.objects.create(organisation=organisation, bank=question.bank, title="Quiz",
                               pass_mark_percent=100)
    programme = speaking_programme(organisation, title="Avec un quiz")
    step_row(module_row(programme, "Fin", 3), StepKind.QUIZ, "Quiz final", quiz=quiz)
    return enrol_learner(programme, lea, by=karim, start_on=MONDAY, minutes_per_week=120)


def take_quiz(caller, enrolment, question, answer):
    step = path_step(enrolment, "Quiz final")
    attempt = caller.post(f"{ORG}/quizzes/{step.quiz_id}/attempts",
                          {"path_step": step.pk}).json()
    return caller.post(f"{ORG}/attempts/{attempt['id']}/submit", {
        "answers": [{"question": question.pk, "response": choice(question, answer)}]})


def test_a_quiz_passed_through_the_api_completes_the_quiz_step(
    api_as, lea, quiz_enrolment, question
):
    response = take_quiz(api_as(lea), quiz_enrolment, question, "Respirer")

    assert response.status_code == 200
    assert status_of(quiz_enrolment, "Quiz final") == PathStepStatus.DONE
    body = api_as(lea).get(f"{ORG}/enrolments/{quiz_enrolment.pk}").json()
    quiz_step = next(step for step in body["steps"] if step["title"] == "Quiz final")
    assert quiz_step["evidence"][0]["kind"] == "quiz_passed"


def test_a_quiz_failed_through_the_api_leaves_the_step_to_do(
    api_as, lea, quiz_enrolment, question
):
    take_quiz(api_as(lea), quiz_enrolment, question, "Courir")

    assert status_of(quiz_enrolment, "Quiz final") == PathStepStatus.TODO
