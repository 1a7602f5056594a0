"""Léa's step pages: what to read, how the step gets done, and the evidence she gives."""

import html
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from parcours.accounts.tests.factories import member
from parcours.catalog.models import StepKind
from parcours.journeys.models import (
    EvidenceKind,
    PathStepStatus,
    Submission,
    SubmissionStatus,
)
from parcours.journeys.services import (
    enrol_learner,
    pull_step_forward,
    review_submission,
    submit_assignment,
)
from parcours.journeys.tests.pages_for_tests import in_english
from parcours.journeys.tests.paths_for_tests import (
    MONDAY,
    choice,
    module_row,
    path_step,
    question_row,
    quiz_row,
    speaking_programme,
    step_row,
)

pytestmark = pytest.mark.django_db

START = datetime(2026, 9, 7, 7, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock(lea, karim):
    in_english(lea, karim)
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def question(organisation):
    return question_row(organisation)


@pytest.fixture
def programme(organisation, question):
    """The speaking programme (Respirer, Structurer, Pitch, Bilan, Atelier), plus a lesson
    with a check question, an external activity a coach confirms, and a quiz."""
    programme = speaking_programme(organisation)
    extra = module_row(programme, "Compléments", 2)
    step_row(extra, StepKind.LESSON, "Vérifier", check_question=question, required=False,
             body="Avant de parler, on respire.")
    step_row(extra, StepKind.EXTERNAL, "Salon", needs_coach_confirmation=True, required=False)
    step_row(extra, StepKind.QUIZ, "Quiz", quiz=quiz_row(organisation), required=False)
    step_row(extra, StepKind.LESSON, "Lire", required=False, body="À lire, simplement.")
    return programme


@pytest.fixture
def enrolment(programme, lea, karim):
    return enrol_learner(programme, lea, by=karim, start_on=MONDAY, minutes_per_week=120)


def text(response) -> str:
    return html.unescape(response.content.decode())


def page(step, name="journeys:step"):
    return reverse(name, args=["cap-avenir", step.pk])


def test_lea_reads_a_lesson_and_sees_the_time_it_asks(client, lea, enrolment):
    lesson = path_step(enrolment, "Respirer")
    client.force_login(lea)

    response = client.get(page(lesson))

    body = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Respirer</h1>" in body
    assert "0 of 5 minutes engaged" in body
    assert f'data-url="{page(lesson, "journeys:heartbeat")}"' in body
    assert 'aria-live="polite"' in body
    assert "journeys/heartbeat.js" in body
    assert "Back to my path" in body


def test_the_step_page_lists_the_path_with_each_status(client, lea, enrolment):
    client.force_login(lea)

    response = client.get(page(path_step(enrolment, "Pitch")))

    assert [step.title for step in response.context["page"].steps][:3] == [
        "Respirer", "Structurer", "Pitch"]
    assert 'aria-current="step"' in response.content.decode()


def test_the_learner_reads_why_the_coach_moved_a_step(client, lea, karim, enrolment):
    pitch = path_step(enrolment, "Pitch")
    pull_step_forward(pitch, by=karim, reason="Ton entretien est jeudi.")
    client.force_login(lea)

    body = client.get(page(pitch)).content.decode()

    assert "Your coach moved this step earlier: Ton entretien est jeudi." in body


def test_a_heartbeat_answers_the_time_engaged(client, lea, enrolment, clock):
    lesson = path_step(enrolment, "Respirer")
    client.force_login(lea)
    client.post(page(lesson, "journeys:heartbeat"), {"seconds": 0},
                HTTP_ACCEPT="application/json")
    clock.shift(timedelta(seconds=15))

    response = client.post(page(lesson, "journeys:heartbeat"), {"seconds": 15},
                           HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert response.json() == {"engaged_seconds": 15, "required_seconds": 300, "done": False}


def test_a_heartbeat_with_a_bad_number_is_refused_with_a_reason(client, lea, enrolment):
    client.force_login(lea)

    response = client.post(page(path_step(enrolment, "Respirer"), "journeys:heartbeat"),
                           {"seconds": "beaucoup"}, HTTP_ACCEPT="application/json")

    assert response.status_code == 400
    assert "seconds" in response.json()["detail"]


def test_a_heartbeat_is_only_posted(client, lea, enrolment):
    client.force_login(lea)

    response = client.get(page(path_step(enrolment, "Respirer"), "journeys:heartbeat"))

    assert response.status_code == 405


def test_story_lea_stays_on_a_lesson_until_its_minimum_and_her_next_step_moves_on(
        client, lea, enrolment, clock):
    respirer, structurer = path_step(enrolment, "Respirer"), path_step(enrolment, "Structurer")
    dashboard = reverse("journeys:dashboard", args=["cap-avenir"])
    client.force_login(lea)
    assert client.get(dashboard).context["board"].next.step == respirer

    client.get(page(respirer))
    beat = page(respirer, "journeys:heartbeat")
    answer = client.post(beat, {"seconds": 0}, HTTP_ACCEPT="application/json").json()
    while not answer["done"]:
        clock.shift(timedelta(seconds=15))
        answer = client.post(beat, {"seconds": 15}, HTTP_ACCEPT="application/json").json()

    respirer.refresh_from_db()
    assert respirer.status == PathStepStatus.DONE
    assert answer["engaged_seconds"] == 300
    assert client.get(dashboard).context["board"].next.step == structurer
    assert "You completed this step" in client.get(page(respirer)).content.decode()


def test_a_lesson_to_read_is_done_once_opened_even_without_javascript(client, lea,
                                                                     enrolment):
    lesson = path_step(enrolment, "Lire")
    client.force_login(lea)
    assert "I have read it" in text(client.get(page(lesson)))

    response = client.post(page(lesson, "journeys:heartbeat"), {"seconds": 0})

    assert response.status_code == 302
    assert response["Location"] == page(lesson)
    lesson.refresh_from_db()
    assert lesson.status == PathStepStatus.DONE


def test_a_right_answer_to_the_check_question_completes_the_lesson(client, lea, enrolment,
                                                                    question):
    lesson = path_step(enrolment, "Vérifier")
    client.force_login(lea)

    response = client.post(page(lesson, "journeys:check_answer"),
                           {"answer": choice(question, "Respirer")}, follow=True)

    lesson.refresh_from_db()
    assert lesson.status == PathStepStatus.DONE
    assert "Right answer" in response.content.decode()


def test_a_wrong_answer_says_so_and_leaves_the_lesson_to_do(client, lea, enrolment, question):
    lesson = path_step(enrolment, "Vérifier")
    client.force_login(lea)

    response = client.post(page(lesson, "journeys:check_answer"),
                           {"answer": choice(question, "Courir")}, follow=True)

    lesson.refresh_from_db()
    assert lesson.status == PathStepStatus.TODO
    assert "Not quite" in response.content.decode()


def test_an_empty_answer_shows_the_form_again_with_an_error(client, lea, enrolment):
    client.force_login(lea)

    response = client.post(page(path_step(enrolment, "Vérifier"), "journeys:check_answer"), {})

    assert response.status_code == 400
    assert response.context["check_form"].errors


def test_lea_sends_her_work_and_waits_for_her_coach(client, lea, enrolment):
    pitch = path_step(enrolment, "Pitch")
    client.force_login(lea)

    response = client.post(page(pitch, "journeys:submit"), {"text": "Mon pitch."},
                           follow=True)

    assert Submission.objects.get(path_step=pitch).text == "Mon pitch."
    assert "Waiting for your coach's review" in text(response)
    assert "submission_form" not in response.context


def test_a_refused_file_keeps_what_lea_wrote(client, lea, enrolment):
    client.force_login(lea)

    response = client.post(page(path_step(enrolment, "Pitch"), "journeys:submit"), {
        "text": "Mon pitch, version longue.",
        "file": SimpleUploadedFile("pitch.exe", b"MZ...", "application/octet-stream"),
    })

    assert response.status_code == 400
    assert "Mon pitch, version longue." in response.content.decode()
    assert response.context["submission_form"].non_field_errors()
    assert not Submission.objects.exists()


def test_lea_reads_her_coachs_feedback(client, lea, karim, enrolment):
    pitch = path_step(enrolment, "Pitch")
    submission = submit_assignment(pitch, by=lea, text="Version 1")
    review_submission(submission, by=karim, accept=False, feedback="Plus court, s'il te plaît.")
    client.force_login(lea)

    response = client.get(page(pitch))

    assert "Plus court, s'il te plaît." in text(response)
    assert "Send a new version" in text(response)


def test_lea_declares_an_external_activity_that_her_coach_then_confirms(client, lea,
                                                                        enrolment):
    salon = path_step(enrolment, "Salon")
    client.force_login(lea)

    response = client.post(page(salon, "journeys:declare"), {"note": "J'y suis allée."},
                           follow=True)

    salon.refresh_from_db()
    assert salon.status == PathStepStatus.TODO
    assert salon.evidence.get().kind == EvidenceKind.DECLARATION
    assert "Waiting for your coach's confirmation" in text(response)


def test_an_external_activity_without_confirmation_is_done_when_declared(client, lea,
                                                                          enrolment):
    atelier = path_step(enrolment, "Atelier")
    client.force_login(lea)

    client.post(page(atelier, "journeys:declare"), {"note": ""})

    atelier.refresh_from_db()
    assert atelier.status == PathStepStatus.DONE


def test_a_quiz_step_offers_to_start_the_quiz_for_this_step(client, lea, enrolment):
    quiz_step = path_step(enrolment, "Quiz")
    client.force_login(lea)

    response = client.get(page(quiz_step))

    body = response.content.decode()
    assert f'name="path_step" value="{quiz_step.pk}"' in body
    assert reverse("assessments:quiz_start", args=["cap-avenir", quiz_step.quiz_id]) in body


def test_a_checkpoint_says_the_coach_validates_it(client, lea, enrolment):
    client.force_login(lea)

    body = client.get(page(path_step(enrolment, "Bilan"))).content.decode()

    assert "Your coach will validate this step" in body


def test_another_learners_step_is_a_404(client, organisation, enrolment):
    someone = member(organisation, "learner", display_name="Paul Durand")
    client.force_login(someone)

    assert client.get(page(path_step(enrolment, "Respirer"))).status_code == 404
    assert client.post(page(path_step(enrolment, "Respirer"), "journeys:heartbeat"),
                       {"seconds": 0}).status_code == 404


def test_a_coach_cannot_open_a_learners_step_page(client, karim, enrolment):
    client.force_login(karim)

    assert client.get(page(path_step(enrolment, "Respirer"))).status_code == 403


def test_oscar_from_another_organisation_gets_a_404(client, oscar, enrolment):
    client.force_login(oscar)

    assert client.get(page(path_step(enrolment, "Respirer"))).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, enrolment):
    response = client.get(page(path_step(enrolment, "Respirer")))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_lea_downloads_her_own_file_and_nobody_else_can(client, lea, karim, organisation,
                                                        enrolment, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    submission = submit_assignment(path_step(enrolment, "Pitch"), by=lea, file=SimpleUploadedFile(
        "pitch.pdf", b"%PDF-1.4 pitch", "application/pdf"))
    url = reverse("journeys:submission_file", args=["cap-avenir", submission.pk])
    someone = member(organisation, "learner", display_name="Paul Durand")

    client.force_login(lea)
    assert b"".join(client.get(url).streaming_content) == b"%PDF-1.4 pitch"
    client.force_login(karim)
    assert client.get(url).status_code == 200
    client.force_login(someone)
    assert client.get(url).status_code == 404
    assert submission.status == SubmissionStatus.SUBMITTED
