"""Léa is congratulated on a quiz score of 80 % or more, once per attempt; not below, and
not when her organisation raised the bar above her score."""

import pytest

from parcours.core.events import record_event
from parcours.core.models import Verb
from parcours.engagement.services.triggers import configure_trigger
from parcours.engagement.tests.triggers_for_tests import notifications
from parcours.journeys.tests.paths_for_tests import quiz_row

NAME = "reward_quiz"


@pytest.fixture
def quiz(organisation):
    return quiz_row(organisation)


def submitted(lea, quiz, score, *, attempt=41, verb=Verb.PASSED):
    return record_event(lea, verb, quiz, organisation=quiz.organisation,
                        result={"score": score, "success": verb == Verb.PASSED,
                                "completion": True},
                        context={"attempt": attempt, "quiz": quiz.pk, "path_step": None})


def test_lea_is_congratulated_with_her_exact_score(lea, quiz):
    submitted(lea, quiz, 85.5)

    [reward] = notifications(NAME)
    assert reward.recipient == lea
    assert "85.5" in reward.subject
    assert "Quiz de prise de parole" in reward.body
    assert reward.idempotency_key == f"{NAME}:41"


def test_a_high_score_on_a_quiz_failed_for_a_higher_pass_mark_is_congratulated_too(lea, quiz):
    submitted(lea, quiz, 80, verb=Verb.FAILED)

    assert len(notifications(NAME)) == 1


def test_below_80_there_is_no_congratulation(lea, quiz):
    submitted(lea, quiz, 79.99)

    assert notifications(NAME) == []


def test_the_same_attempt_recorded_twice_is_congratulated_once(lea, quiz):
    submitted(lea, quiz, 90)
    submitted(lea, quiz, 90)

    assert len(notifications(NAME)) == 1


def test_the_organisation_sets_its_own_threshold(organisation, lea, quiz, sophie):
    configure_trigger(organisation, NAME, by=sophie, params={"min_score": 95})

    submitted(lea, quiz, 90, attempt=1)
    submitted(lea, quiz, 96, attempt=2)

    assert [n.context["attempt"] for n in notifications(NAME)] == [2]
