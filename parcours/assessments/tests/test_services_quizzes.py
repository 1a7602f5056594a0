"""Léa takes Sophie's quizzes: pass mark, attempts, time limit, draws, events."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import translation

from parcours.accounts.tests.factories import member
from parcours.assessments import services
from parcours.assessments.marking import InvalidPattern, InvalidResponse
from parcours.assessments.models import Answer, Attempt, QuestionKind
from parcours.assessments.tests import factories as make
from parcours.core.errors import NotAllowed
from parcours.core.models import LearningEvent, Verb

pytestmark = pytest.mark.django_db

NINE = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def right(attempt, count=None):
    questions = list(attempt.quiz.bank.questions.filter(pk__in=attempt.questions))
    return {q.pk: make.right_response(q) for q in questions[:count]}


# Authoring


def test_sophie_writes_a_question_of_each_kind(bank, sophie):
    make.single(bank, sophie)
    make.multiple(bank, sophie)
    make.true_false(bank, sophie)
    make.short(bank, sophie)
    make.numeric(bank, sophie)
    make.ordering(bank, sophie)

    kinds = list(bank.questions.values_list("kind", "position"))
    assert kinds == [(kind, position) for position, kind in enumerate(
        ["single", "multiple", "true_false", "short", "numeric", "ordering"])]


@pytest.mark.parametrize("kind, extra, reason", [
    ("single", {"choices": make.choices("Paris", "Lyon")}, "exactly one"),
    ("single", {"choices": make.choices("Paris", correct={"Paris"})}, "two choices"),
    ("multiple", {"choices": make.choices("a", "b")}, "at least one"),
    ("short", {}, "accepted answer"),
    ("numeric", {}, "expected number"),
    ("true_false", {}, "true or false"),
])
def test_an_incomplete_question_is_refused_with_a_reason(bank, sophie, kind, extra, reason):
    with pytest.raises(services.InvalidQuestion) as refused, translation.override("en"):
        services.add_question(bank, by=sophie, kind=kind, prompt="?", **extra)

    with translation.override("en"):
        assert reason in str(refused.value.message)
    assert not bank.questions.exists()


def test_a_dangerous_pattern_is_refused_when_sophie_writes_it(bank, sophie):
    with pytest.raises(InvalidPattern):
        make.short(bank, sophie, accepted=(r"(a+)+b",), answer_is_pattern=True)


def test_editing_a_question_keeps_its_choices_so_past_answers_still_point_at_them(
    bank, sophie
):
    question = make.single(bank, sophie)
    paris = question.choices.get(text="Paris")

    services.update_question(question, by=sophie, prompt="La capitale ?", choices=[
        {"id": paris.pk, "text": "Paris (75)", "is_correct": True, "position": 0},
        {"text": "Nice", "position": 1},
    ])

    assert list(question.choices.values_list("id", "text")) == [
        (paris.pk, "Paris (75)"), (question.choices.get(text="Nice").pk, "Nice")]


def test_karim_a_coach_cannot_write_questions(bank, karim):
    with pytest.raises(NotAllowed):
        make.single(bank, karim)


def test_oscar_cannot_write_in_a_bank_of_another_organisation(bank, oscar):
    with pytest.raises(NotAllowed):
        make.single(bank, oscar)


def test_a_quiz_cannot_draw_from_another_organisations_bank(organisation, sophie, oscar,
                                                            other_organisation):
    their_bank = services.create_bank(other_organisation, by=oscar, title="Horizon")

    with pytest.raises(NotAllowed):
        services.create_quiz(organisation, by=sophie, title="Quiz", bank=their_bank)


def test_a_quiz_with_attempts_cannot_be_deleted(organisation, sophie, lea):
    quiz = make.quiz_of(organisation, sophie)
    services.start_attempt(quiz, by=lea)

    with pytest.raises(services.InUse):
        services.delete_quiz(quiz, by=sophie)


# Taking a quiz


def test_lea_passes_at_the_pass_mark(organisation, sophie, lea):
    quiz = make.quiz_of(organisation, sophie, questions=4, pass_mark_percent=75)
    attempt = services.start_attempt(quiz, by=lea)

    services.submit_attempt(attempt, by=lea, responses=right(attempt, count=3))

    attempt.refresh_from_db()
    assert attempt.score_percent == 75
    assert attempt.passed is True


def test_lea_fails_below_the_pass_mark_and_unanswered_questions_count_as_wrong(
    organisation, sophie, lea
):
    quiz = make.quiz_of(organisation, sophie, questions=4, pass_mark_percent=75)
    attempt = services.start_attempt(quiz, by=lea)

    services.submit_attempt(attempt, by=lea, responses=right(attempt, count=2))

    attempt.refresh_from_db()
    assert attempt.score_percent == 50
    assert attempt.passed is False
    assert attempt.answers.count() == 4
    assert attempt.answers.filter(response__isnull=True, is_correct=False).count() == 2


def test_questions_weigh_their_points_in_the_score(bank, organisation, sophie, lea):
    heavy = make.numeric(bank, sophie, points=3)
    make.single(bank, sophie)
    quiz = services.create_quiz(organisation, by=sophie, title="Calcul", bank=bank)
    attempt = services.start_attempt(quiz, by=lea)

    services.submit_attempt(attempt, by=lea, responses={heavy.pk: "3,5"})

    attempt.refresh_from_db()
    assert attempt.score_percent == 75


def test_answers_saved_along_the_way_are_marked_when_lea_sends(organisation, sophie, lea):
    quiz = make.quiz_of(organisation, sophie, questions=2)
    attempt = services.start_attempt(quiz, by=lea)
    services.save_answers(attempt, by=lea, responses=right(attempt))

    services.submit_attempt(attempt, by=lea)

    attempt.refresh_from_db()
    assert attempt.score_percent == 100


def test_an_answer_that_does_not_fit_says_which_question(organisation, sophie, lea):
    quiz = make.quiz_of(organisation, sophie, questions=2)
    attempt = services.start_attempt(quiz, by=lea)

    with pytest.raises(InvalidResponse) as refused, translation.override("en"):
        services.save_answers(attempt, by=lea, responses={attempt.questions[1]: 123456})

    assert str(refused.value.message).startswith("Question 2:")
    assert not Answer.objects.exists()


def test_a_sent_attempt_cannot_be_sent_again(organisation, sophie, lea):
    quiz = make.quiz_of(organisation, sophie)
    attempt = services.start_attempt(quiz, by=lea)
    services.submit_attempt(attempt, by=lea)

    with pytest.raises(services.AttemptClosed):
        services.submit_attempt(attempt, by=lea)


def test_starting_again_carries_on_with_the_attempt_in_progress(organisation, sophie, lea):
    quiz = make.quiz_of(organisation, sophie)

    first = services.start_attempt(quiz, by=lea)
    again = services.start_attempt(quiz, by=lea)

    assert again.pk == first.pk
    assert Attempt.objects.count() == 1


def test_a_retake_is_a_new_attempt_with_the_next_number(organisation, sophie, lea):
    quiz = make.quiz_of(organisation, sophie)
    services.submit_attempt(services.start_attempt(quiz, by=lea), by=lea)

    retake = services.start_attempt(quiz, by=lea)

    assert retake.number == 2


def test_lea_cannot_start_beyond_the_attempts_allowed(organisation, sophie, lea):
    quiz = make.quiz_of(organisation, sophie, max_attempts=2)
    for _n in range(2):
        services.submit_attempt(services.start_attempt(quiz, by=lea), by=lea)

    with pytest.raises(services.AttemptsExhausted) as refused, translation.override("en"):
        services.start_attempt(quiz, by=lea)

    assert "all 2 attempts" in str(refused.value.message)
    assert Attempt.objects.count() == 2


def test_attempts_outside_the_path_count_towards_the_limit(organisation, sophie, lea):
    quiz = make.quiz_of(organisation, sophie, max_attempts=1)
    step = make.path_step_for(lea, organisation, quiz=quiz)
    services.submit_attempt(services.start_attempt(quiz, by=lea), by=lea)

    with pytest.raises(services.AttemptsExhausted):
        services.start_attempt(quiz, by=lea, path_step=step)


def test_karim_cannot_answer_leas_attempt(organisation, sophie, lea, karim):
    quiz = make.quiz_of(organisation, sophie)
    attempt = services.start_attempt(quiz, by=lea)

    with pytest.raises(NotAllowed):
        services.submit_attempt(attempt, by=karim)
    with pytest.raises(NotAllowed):
        services.save_answers(attempt, by=karim, responses={})


def test_oscar_cannot_start_a_quiz_of_another_organisation(organisation, sophie, oscar):
    quiz = make.quiz_of(organisation, sophie)

    with pytest.raises(NotAllowed):
        services.start_attempt(quiz, by=oscar)


def test_a_quiz_without_questions_cannot_be_started(bank, organisation, sophie, lea):
    quiz = services.create_quiz(organisation, by=sophie, title="Vide", bank=bank)

    with pytest.raises(services.QuizHasNoQuestions):
        services.start_attempt(quiz, by=lea)


# Random draws and order


def test_a_draw_gives_that_many_different_questions_of_the_bank(organisation, sophie, lea):
    quiz = make.quiz_of(organisation, sophie, questions=10, draw_count=4)

    attempt = services.start_attempt(quiz, by=lea)

    assert len(attempt.questions) == len(set(attempt.questions)) == 4
    assert set(attempt.questions) <= set(quiz.bank.questions.values_list("pk", flat=True))


def test_draws_differ_from_one_attempt_to_the_next(organisation, sophie, lea):
    quiz = make.quiz_of(organisation, sophie, questions=10, draw_count=3)

    drawn = set()
    for _n in range(6):
        attempt = services.start_attempt(quiz, by=lea)
        drawn.add(tuple(attempt.questions))
        services.submit_attempt(attempt, by=lea)

    assert len(drawn) > 1  # 120 possible draws: six equal ones in a row would be a bug


def test_random_order_keeps_every_question_of_the_bank(organisation, sophie, lea):
    quiz = make.quiz_of(organisation, sophie, questions=8, shuffle_questions=True)

    attempt = services.start_attempt(quiz, by=lea)

    assert sorted(attempt.questions) == sorted(quiz.bank.questions.values_list("pk", flat=True))


def test_without_random_order_questions_come_in_the_banks_order(organisation, sophie, lea):
    quiz = make.quiz_of(organisation, sophie, questions=5)

    attempt = services.start_attempt(quiz, by=lea)

    assert attempt.questions == list(
        quiz.bank.questions.order_by("position").values_list("pk", flat=True))


# Time limit, kept by the server


def test_answers_sent_after_the_time_limit_do_not_count(organisation, sophie, lea):
    quiz = make.quiz_of(organisation, sophie, questions=2, time_limit_seconds=600)
    with time_machine.travel(NINE, tick=False):
        attempt = services.start_attempt(quiz, by=lea)
        services.save_answers(attempt, by=lea, responses=right(attempt, count=1))

    with time_machine.travel(NINE + timedelta(minutes=10, seconds=6), tick=False):
        services.submit_attempt(attempt, by=lea, responses=right(attempt))

    attempt.refresh_from_db()
    assert attempt.deadline_at == NINE + timedelta(minutes=10)
    assert attempt.score_percent == 50


def test_answers_sent_within_a_few_seconds_of_the_limit_still_count(organisation, sophie, lea):
    quiz = make.quiz_of(organisation, sophie, questions=2, time_limit_seconds=600)
    with time_machine.travel(NINE, tick=False):
        attempt = services.start_attempt(quiz, by=lea)

    with time_machine.travel(NINE + timedelta(minutes=10, seconds=4), tick=False):
        services.submit_attempt(attempt, by=lea, responses=right(attempt))

    attempt.refresh_from_db()
    assert attempt.score_percent == 100


def test_answers_cannot_be_saved_once_time_is_up(organisation, sophie, lea):
    quiz = make.quiz_of(organisation, sophie, questions=2, time_limit_seconds=60)
    with time_machine.travel(NINE, tick=False):
        attempt = services.start_attempt(quiz, by=lea)

    with time_machine.travel(NINE + timedelta(minutes=5), tick=False), pytest.raises(
        services.TimeIsUp
    ):
        services.save_answers(attempt, by=lea, responses=right(attempt))


def test_an_attempt_whose_time_ran_out_is_marked_when_lea_starts_again(
    organisation, sophie, lea
):
    quiz = make.quiz_of(organisation, sophie, questions=2, time_limit_seconds=60,
                        max_attempts=1)
    with time_machine.travel(NINE, tick=False):
        attempt = services.start_attempt(quiz, by=lea)
        services.save_answers(attempt, by=lea, responses=right(attempt))

    with time_machine.travel(NINE + timedelta(hours=1), tick=False), pytest.raises(
        services.AttemptsExhausted
    ):
        services.start_attempt(quiz, by=lea)

    attempt.refresh_from_db()
    assert attempt.submitted_at == NINE + timedelta(hours=1)
    assert attempt.score_percent == 100
    assert LearningEvent.objects.filter(verb=Verb.PASSED).count() == 1


# Learning events


def test_sending_records_passed_with_the_score_and_the_path_step(organisation, sophie, lea):
    quiz = make.quiz_of(organisation, sophie, questions=2, pass_mark_percent=50)
    step = make.path_step_for(lea, organisation, quiz=quiz)
    attempt = services.start_attempt(quiz, by=lea, path_step=step)

    services.submit_attempt(attempt, by=lea, responses=right(attempt, count=1))

    event = LearningEvent.objects.get(verb=Verb.PASSED)
    assert event.actor == lea
    assert event.organisation == organisation
    assert (event.object_type, event.object_id) == ("assessments.quiz", str(quiz.pk))
    assert event.result == {"score": 50.0, "success": True, "completion": True}
    assert event.context == {"attempt": attempt.pk, "quiz": quiz.pk, "path_step": step.pk}


def test_sending_below_the_pass_mark_records_failed(organisation, sophie, lea):
    quiz = make.quiz_of(organisation, sophie, questions=2)
    attempt = services.start_attempt(quiz, by=lea)

    services.submit_attempt(attempt, by=lea)

    event = LearningEvent.objects.get(verb=Verb.FAILED)
    assert event.result == {"score": 0.0, "success": False, "completion": True}
    assert event.context["path_step"] is None


def test_starting_an_attempt_records_launched(organisation, sophie, lea):
    quiz = make.quiz_of(organisation, sophie)

    attempt = services.start_attempt(quiz, by=lea)
    services.start_attempt(quiz, by=lea)

    event = LearningEvent.objects.get(verb=Verb.LAUNCHED)
    assert event.context == {"attempt": attempt.pk, "quiz": quiz.pk, "path_step": None}


def test_lea_cannot_start_a_quiz_for_a_step_of_someone_elses_path(organisation, sophie, lea):
    quiz = make.quiz_of(organisation, sophie)
    someone = make.path_step_for(member(organisation, "learner"), organisation, quiz=quiz)

    with pytest.raises(NotAllowed):
        services.start_attempt(quiz, by=lea, path_step=someone)


def test_a_step_for_another_quiz_is_refused(organisation, sophie, lea):
    quiz = make.quiz_of(organisation, sophie)
    other = make.quiz_of(organisation, sophie, title="Grammaire")
    step = make.path_step_for(lea, organisation, quiz=other)

    with pytest.raises(services.StepDoesNotFit):
        services.start_attempt(quiz, by=lea, path_step=step)


def test_every_kind_of_question_is_marked_in_an_attempt(bank, organisation, sophie, lea):
    for write in (make.single, make.multiple, make.true_false, make.short, make.numeric,
                  make.ordering):
        write(bank, sophie)
    quiz = services.create_quiz(organisation, by=sophie, title="Tout", bank=bank)
    attempt = services.start_attempt(quiz, by=lea)
    questions = bank.questions.all()

    services.submit_attempt(attempt, by=lea, responses={
        q.pk: make.right_response(q) if q.kind != QuestionKind.ORDERING
        else make.wrong_response(q) for q in questions})

    attempt.refresh_from_db()
    assert attempt.score_percent == Decimal("83.33")
    assert list(attempt.answers.filter(is_correct=False).values_list(
        "question__kind", flat=True)) == ["ordering"]


def test_a_bank_that_quizzes_draw_from_cannot_be_deleted(organisation, sophie):
    quiz = make.quiz_of(organisation, sophie)

    with pytest.raises(services.InUse):
        services.delete_bank(quiz.bank, by=sophie)
