"""Quizzes and flashcards become evidence through the events assessments records.

These tests record the events as assessments would, so they do not depend on the quiz
engine: `passed` / `failed` with the attempt's score, `reviewed-card` after a review.
"""

import pytest
from django.utils import timezone

from parcours.accounts.tests.factories import member
from parcours.assessments.models import Card, CardReview
from parcours.catalog.models import StepKind
from parcours.core import events
from parcours.core.events import record_event
from parcours.core.models import Verb
from parcours.journeys import handlers
from parcours.journeys.models import Enrolment, Evidence, EvidenceKind, PathStepStatus
from parcours.journeys.services import enrol_learner
from parcours.journeys.tests.paths_for_tests import (
    MONDAY,
    deck_row,
    module_row,
    path_step,
    programme_row,
    quiz_row,
    step_row,
)


@pytest.fixture
def quiz(organisation):
    return quiz_row(organisation, pass_mark_percent=70)


@pytest.fixture
def deck(organisation):
    deck = deck_row(organisation)
    for word in ("le trac", "la voix", "le souffle"):
        Card.objects.create(deck=deck, front=word, back="…")
    return deck


@pytest.fixture
def enrolment(organisation, lea, karim, quiz, deck):
    programme = programme_row(organisation, "Oral")
    module = module_row(programme, "Tout")
    step_row(module, StepKind.QUIZ, "Quiz final", quiz=quiz)
    step_row(module, StepKind.LESSON, "Mots de l'oral", deck=deck, reviews_required=3,
             min_engaged_seconds=600)
    step_row(module, StepKind.LESSON, "Lecture", deck=deck)
    return enrol_learner(programme, lea, by=karim, start_on=MONDAY, minutes_per_week=120)


def quiz_step(enrolment):
    return path_step(enrolment, "Quiz final")


def attempt_marked(learner, quiz, step, *, score=85, verb=Verb.PASSED, organisation=None,
                   attempt=41):
    return record_event(
        learner, verb, quiz, organisation=organisation or quiz.organisation,
        result={"score": score, "success": verb == Verb.PASSED, "completion": True},
        context={"attempt": attempt, "quiz": quiz.pk,
                 "path_step": step.pk if step else None})


def card_reviewed(learner, deck, step, times=1):
    for _time in range(times):
        card = deck.cards.first()
        CardReview.objects.create(card=card, learner=learner, path_step=step, rating=3,
                                  reviewed_at=timezone.now())
        record_event(learner, Verb.REVIEWED_CARD, card, organisation=deck.organisation,
                     result={"response": "good"},
                     context={"deck": deck.pk, "path_step": step.pk if step else None})


def test_the_handlers_are_subscribed_when_the_app_starts():
    assert handlers.quiz_attempt_marked in events._handlers[Verb.PASSED]
    assert handlers.card_reviewed in events._handlers[Verb.REVIEWED_CARD]


# Quizzes


def test_a_passed_attempt_at_the_steps_quiz_completes_it(enrolment, lea, quiz):
    attempt_marked(lea, quiz, quiz_step(enrolment), score=85)

    step = quiz_step(enrolment)
    assert step.status == PathStepStatus.DONE
    evidence = Evidence.objects.get(path_step=step)
    assert (evidence.kind, evidence.details, evidence.recorded_by) == (
        EvidenceKind.QUIZ_PASSED, {"score": 85, "attempt": 41}, lea)
    assert Enrolment.objects.get().last_activity_at is not None


def test_a_failed_attempt_leaves_the_step_to_do_but_counts_as_activity(enrolment, lea, quiz):
    attempt_marked(lea, quiz, quiz_step(enrolment), score=40, verb=Verb.FAILED)

    assert quiz_step(enrolment).status == PathStepStatus.TODO
    assert not Evidence.objects.exists()
    assert Enrolment.objects.get().last_activity_at is not None


def test_a_score_below_the_pass_mark_is_not_evidence(enrolment, lea, quiz):
    attempt_marked(lea, quiz, quiz_step(enrolment), score=69)

    assert quiz_step(enrolment).status == PathStepStatus.TODO


def test_passing_another_quiz_does_not_complete_the_step(enrolment, lea, organisation):
    other = quiz_row(organisation, title="Autre quiz")

    attempt_marked(lea, other, quiz_step(enrolment))

    assert quiz_step(enrolment).status == PathStepStatus.TODO


def test_an_attempt_outside_the_path_completes_nothing(enrolment, lea, quiz):
    attempt_marked(lea, quiz, None)

    assert quiz_step(enrolment).status == PathStepStatus.TODO


def test_someone_elses_attempt_naming_leas_step_is_ignored(enrolment, quiz, organisation):
    nina = member(organisation, "learner")

    event = attempt_marked(nina, quiz, quiz_step(enrolment))

    assert event.pk is not None  # Nina's attempt is recorded all the same
    assert quiz_step(enrolment).status == PathStepStatus.TODO


def test_a_quiz_event_from_another_organisation_is_ignored(
    enrolment, lea, quiz, other_organisation
):
    attempt_marked(lea, quiz, quiz_step(enrolment), organisation=other_organisation)

    assert quiz_step(enrolment).status == PathStepStatus.TODO


def test_passing_a_done_quiz_again_adds_no_evidence(enrolment, lea, quiz):
    attempt_marked(lea, quiz, quiz_step(enrolment), attempt=1)
    attempt_marked(lea, quiz, quiz_step(enrolment), attempt=2)

    assert Evidence.objects.count() == 1


def test_a_passed_event_on_a_lesson_does_not_complete_it(enrolment, lea, quiz):
    attempt_marked(lea, quiz, path_step(enrolment, "Lecture"))

    assert path_step(enrolment, "Lecture").status == PathStepStatus.TODO


# Flashcards


def test_reviewing_the_required_number_of_cards_completes_the_lesson(enrolment, lea, deck):
    words = path_step(enrolment, "Mots de l'oral")

    card_reviewed(lea, deck, words, times=2)
    assert path_step(enrolment, "Mots de l'oral").status == PathStepStatus.TODO

    card_reviewed(lea, deck, words)

    words.refresh_from_db()
    assert words.status == PathStepStatus.DONE
    evidence = Evidence.objects.get(path_step=words)
    assert (evidence.kind, evidence.details) == (EvidenceKind.CARDS_REVIEWED,
                                                 {"reviews": 3, "deck": deck.pk})


def test_reviews_for_a_step_that_requires_none_are_not_evidence(enrolment, lea, deck):
    card_reviewed(lea, deck, path_step(enrolment, "Lecture"), times=5)

    assert not Evidence.objects.exists()
    assert Enrolment.objects.get().last_activity_at is not None


def test_someone_elses_reviews_do_not_count_for_lea(enrolment, deck, organisation):
    nina = member(organisation, "learner")

    card_reviewed(nina, deck, path_step(enrolment, "Mots de l'oral"), times=3)

    assert path_step(enrolment, "Mots de l'oral").status == PathStepStatus.TODO
