"""Léa takes a quiz in her browser: start, answer, send, read her results, try again."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parcours.accounts.tests.factories import member
from parcours.assessments import services
from parcours.assessments.models import Attempt, QuestionKind
from parcours.assessments.tests import factories as make
from parcours.assessments.views import path_link

pytestmark = pytest.mark.django_db

NINE = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def url(name, *args):
    return reverse(f"assessments:{name}", args=["cap-avenir", *args])


@pytest.fixture
def quiz(bank, organisation, sophie):
    make.single(bank, sophie, prompt="Capitale de la France ?", feedback_correct="Bravo !",
                explanation="Paris est la capitale depuis 987.",
                choices=make.choices("Paris", "Lyon", correct={"Paris"},
                                     feedback={"Lyon": "Lyon est la capitale des Gaules."}))
    make.numeric(bank, sophie, prompt="Combien font 7 ÷ 2 ?")
    return services.create_quiz(organisation, by=sophie, title="Culture générale", bank=bank,
                                pass_mark_percent=50, max_attempts=2)


def form_data(attempt, answers):
    """The POST a browser sends: field q<id> per question, by prompt."""
    data = {}
    for question in attempt.quiz.bank.questions.all():
        if question.prompt in answers:
            value = answers[question.prompt]
            if question.kind == QuestionKind.SINGLE_CHOICE:
                value = str(question.choices.get(text=value).pk)
            data[f"q{question.pk}"] = value
    return data


def test_lea_starts_a_quiz_and_sees_every_question_in_one_form(client, sign_in, lea, quiz):
    sign_in(lea)

    started = client.post(url("quiz_start", quiz.pk))

    attempt = Attempt.objects.get(learner=lea)
    assert started["Location"] == url("attempt_take", attempt.pk)
    page = client.get(started["Location"]).content.decode()
    assert "Capitale de la France ?" in page
    assert "Combien font 7 ÷ 2 ?" in page
    assert "<legend>" in page
    assert 'inputmode="decimal"' in page


def test_lea_sends_her_answers_and_reads_her_results_with_feedback(client, sign_in, lea, quiz):
    sign_in(lea)
    client.post(url("quiz_start", quiz.pk))
    attempt = Attempt.objects.get(learner=lea)

    sent = client.post(url("attempt_submit", attempt.pk), form_data(
        attempt, {"Capitale de la France ?": "Lyon", "Combien font 7 ÷ 2 ?": "3,5"}))

    assert sent["Location"] == url("attempt_results", attempt.pk)
    page = client.get(sent["Location"]).content.decode()
    attempt.refresh_from_db()
    assert attempt.score_percent == 50
    assert "50 %" in page
    assert "Lyon est la capitale des Gaules." in page
    assert "Paris est la capitale depuis 987." in page
    assert "3,5" in page
    assert "Try again" in page


def test_a_number_that_is_not_one_is_refused_and_everything_typed_stays(client, sign_in, lea, quiz):
    sign_in(lea)
    client.post(url("quiz_start", quiz.pk))
    attempt = Attempt.objects.get(learner=lea)

    response = client.post(url("attempt_submit", attempt.pk), form_data(
        attempt, {"Capitale de la France ?": "Paris", "Combien font 7 ÷ 2 ?": "trois et demi"}))

    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="trois et demi"' in page
    assert "checked" in page
    attempt.refresh_from_db()
    assert attempt.submitted_at is None


def test_ordering_questions_are_answered_with_select_boxes(client, sign_in, lea, bank, organisation,
                                                           sophie):
    question = make.ordering(bank, sophie)
    quiz = services.create_quiz(organisation, by=sophie, title="Journée", bank=bank)
    sign_in(lea)
    client.post(url("quiz_start", quiz.pk))
    attempt = Attempt.objects.get(learner=lea)
    matin, midi, soir = question.choices.order_by("position")

    page = client.get(url("attempt_take", attempt.pk)).content.decode()
    client.post(url("attempt_submit", attempt.pk), {
        f"q{question.pk}_{matin.pk}": "1", f"q{question.pk}_{midi.pk}": "2",
        f"q{question.pk}_{soir.pk}": "3"})

    assert f'name="q{question.pk}_{matin.pk}"' in page and "<select" in page
    attempt.refresh_from_db()
    assert attempt.score_percent == 100


def test_two_items_in_the_same_place_are_refused_with_a_reason(client, sign_in, lea, bank,
                                                               organisation, sophie):
    question = make.ordering(bank, sophie)
    quiz = services.create_quiz(organisation, by=sophie, title="Journée", bank=bank)
    sign_in(lea)
    client.post(url("quiz_start", quiz.pk))
    attempt = Attempt.objects.get(learner=lea)
    matin, midi, soir = question.choices.order_by("position")

    response = client.post(url("attempt_submit", attempt.pk), {
        f"q{question.pk}_{matin.pk}": "1", f"q{question.pk}_{midi.pk}": "1",
        f"q{question.pk}_{soir.pk}": "3"})

    assert response.status_code == 400
    assert "different position" in response.content.decode()


def test_saving_keeps_the_answers_for_later(client, sign_in, lea, quiz):
    sign_in(lea)
    client.post(url("quiz_start", quiz.pk))
    attempt = Attempt.objects.get(learner=lea)

    saved = client.post(url("attempt_save", attempt.pk),
                        form_data(attempt, {"Combien font 7 ÷ 2 ?": "3,5"}))
    page = client.get(saved["Location"]).content.decode()

    assert 'value="3,5"' in page


def test_autosave_answers_htmx_with_a_status_line(client, sign_in, lea, quiz):
    sign_in(lea)
    client.post(url("quiz_start", quiz.pk))
    attempt = Attempt.objects.get(learner=lea)

    response = client.post(url("attempt_save", attempt.pk),
                           form_data(attempt, {"Capitale de la France ?": "Paris"}),
                           HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert "Answers saved at" in response.content.decode()
    assert attempt.answers.get(response__isnull=False).response == (
        quiz.bank.questions.first().choices.get(text="Paris").pk)


def test_a_timed_quiz_shows_a_countdown_and_the_server_keeps_the_time(client, sign_in, lea, bank,
                                                                      organisation, sophie):
    make.single(bank, sophie)
    quiz = services.create_quiz(organisation, by=sophie, title="Chrono", bank=bank,
                                time_limit_seconds=300)
    sign_in(lea)
    with time_machine.travel(NINE, tick=False):
        client.post(url("quiz_start", quiz.pk))
        attempt = Attempt.objects.get(learner=lea)
        page = client.get(url("attempt_take", attempt.pk)).content.decode()
    assert 'data-seconds-left="300"' in page
    question = quiz.bank.questions.get()

    with time_machine.travel(NINE + timedelta(minutes=6), tick=False):
        late = client.get(url("attempt_take", attempt.pk))
        client.post(url("attempt_submit", attempt.pk),
                    {f"q{question.pk}": str(question.choices.get(is_correct=True).pk)})

    assert "Time is up" in late.content.decode()
    attempt.refresh_from_db()
    assert attempt.submitted_at is not None
    assert attempt.score_percent == 0


def test_no_retake_is_offered_once_the_attempts_are_used(client, sign_in, lea, quiz):
    sign_in(lea)
    for _n in range(2):
        client.post(url("quiz_start", quiz.pk))
        attempt = Attempt.objects.get(learner=lea, submitted_at=None)
        client.post(url("attempt_submit", attempt.pk), {})

    results = client.get(url("attempt_results", attempt.pk))
    refused = client.post(url("quiz_start", quiz.pk), follow=True)

    assert "Try again" not in results.content.decode()
    assert "all 2 attempts" in refused.content.decode()
    assert Attempt.objects.count() == 2


def test_a_quiz_started_from_a_path_step_links_back_to_the_path(client, sign_in, lea, quiz,
                                                                organisation):
    step = make.path_step_for(lea, organisation, quiz=quiz)
    sign_in(lea)

    client.post(url("quiz_start", quiz.pk), {"path_step": step.pk})

    attempt = Attempt.objects.get(learner=lea)
    assert attempt.path_step == step
    page = client.get(url("attempt_take", attempt.pk)).content.decode()
    assert "Back to my path" in page
    assert path_link(organisation, step.pk) in page


def test_the_results_page_takes_the_same_queries_whatever_the_number_of_questions(
    client, sign_in, lea, bank, organisation, sophie
):
    quiz = services.create_quiz(organisation, by=sophie, title="Long", bank=bank)
    make.single(bank, sophie)
    sign_in(lea)

    def queries_for_results():
        attempt = services.start_attempt(quiz, by=lea)
        services.submit_attempt(attempt, by=lea)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("attempt_results", attempt.pk)).status_code == 200
        return len(queries)

    few = queries_for_results()
    for kind in (make.multiple, make.ordering, make.short, make.true_false, make.numeric):
        kind(bank, sophie)
    assert queries_for_results() == few


# Who may see what


def test_another_learner_cannot_open_leas_attempt_or_its_results(client, sign_in, lea, quiz,
                                                                 organisation):
    attempt = services.start_attempt(quiz, by=lea)
    services.submit_attempt(attempt, by=lea)
    client.force_login(member(organisation, "learner"))

    assert client.get(url("attempt_results", attempt.pk)).status_code == 404
    assert client.get(url("attempt_take", attempt.pk)).status_code == 404
    assert client.post(url("attempt_submit", attempt.pk), {}).status_code == 404


def test_karim_her_coach_reads_leas_results_but_cannot_answer(client, sign_in, lea, karim, quiz):
    attempt = services.start_attempt(quiz, by=lea)
    services.submit_attempt(attempt, by=lea)
    sign_in(karim)

    results = client.get(url("attempt_results", attempt.pk))

    assert results.status_code == 200
    assert "Léa Martin" in results.content.decode()
    assert "Try again" not in results.content.decode()
    assert client.post(url("attempt_save", attempt.pk), {}).status_code == 403


def test_oscar_from_another_organisation_sees_nothing(client, sign_in, oscar, lea, quiz):
    attempt = services.start_attempt(quiz, by=lea)
    sign_in(oscar)

    assert client.get(url("attempt_results", attempt.pk)).status_code == 404
    assert client.get(url("quiz_detail", quiz.pk)).status_code == 404
    assert client.post(url("quiz_start", quiz.pk)).status_code == 404


def test_lea_cannot_start_a_quiz_for_someone_elses_step(client, sign_in, lea, quiz, organisation):
    step = make.path_step_for(member(organisation, "learner"), organisation, quiz=quiz)
    sign_in(lea)

    response = client.post(url("quiz_start", quiz.pk), {"path_step": step.pk})

    assert response.status_code == 404
    assert not Attempt.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, quiz):
    response = client.post(url("quiz_start", quiz.pk))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_quiz_page_tells_lea_the_rules_before_she_starts(client, sign_in, lea, quiz):
    page = sign_in(lea).get(url("quiz_detail", quiz.pk)).content.decode()

    assert "2 questions" in page
    assert "Pass mark: 50 %" in page
    assert "2 attempts allowed" in page
    assert "Start the quiz" in page


def test_sophie_sees_the_quiz_page_without_a_start_button(client, sign_in, sophie, quiz):
    page = sign_in(sophie).get(url("quiz_detail", quiz.pk)).content.decode()

    assert "Culture générale" in page
    assert "Start the quiz" not in page
