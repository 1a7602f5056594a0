"""After a quiz, Léa gets content on the same skills: steps to revise after a low score,
a programme to go further after a high one."""

import pytest
from django.utils import timezone

from parcours.catalog.models import StepKind, Tag, TagKind
from parcours.core.events import record_event
from parcours.core.models import Verb
from parcours.engagement.tests.triggers_for_tests import notifications
from parcours.journeys.services import enrol_learner
from parcours.journeys.tests.paths_for_tests import (
    module_row,
    programme_row,
    quiz_row,
    step_row,
)

NAME = "suggestion_related"


@pytest.fixture
def voice(organisation):
    return Tag.objects.create(organisation=organisation, name="Voix", kind=TagKind.SKILL)


@pytest.fixture
def quiz(organisation):
    return quiz_row(organisation)


@pytest.fixture
def enrolment(organisation, lea, karim, voice, quiz):
    programme = programme_row(organisation)
    programme.tags.add(voice)
    module = module_row(programme, "Se préparer")
    step_row(module, StepKind.LESSON, "Respirer")
    step_row(module, StepKind.LESSON, "Poser sa voix")
    step_row(module, StepKind.QUIZ, "Quiz de prise de parole", quiz=quiz)
    return enrol_learner(programme, lea, by=karim, start_on=timezone.localdate(),
                         minutes_per_week=60)


def submitted(lea, quiz, enrolment, score, verb):
    quiz_step = enrolment.steps.get(kind=StepKind.QUIZ)
    record_event(lea, verb, quiz, organisation=quiz.organisation,
                 result={"score": score, "success": verb == Verb.PASSED, "completion": True},
                 context={"attempt": 12, "quiz": quiz.pk, "path_step": quiz_step.pk})


def test_after_a_low_score_lea_gets_steps_on_the_same_skills_to_revise(lea, quiz, enrolment):
    submitted(lea, quiz, enrolment, 45, Verb.FAILED)

    [suggestion] = notifications(NAME)
    assert suggestion.recipient == lea
    assert "“Respirer”, “Poser sa voix”" in suggestion.body
    assert "Quiz" not in suggestion.body.split(":")[-1]  # never the quiz itself
    first = enrolment.steps.get(title="Respirer")
    assert suggestion.url == f"/o/cap-avenir/my-path/steps/{first.pk}/"


def test_after_a_high_score_lea_gets_a_programme_to_go_further(organisation, lea, quiz,
                                                               enrolment, voice):
    further = programme_row(organisation, "Convaincre en réunion")
    further.tags.add(voice)
    programme_row(organisation, "Bureautique")  # no shared skill

    submitted(lea, quiz, enrolment, 92, Verb.PASSED)

    [suggestion] = notifications(NAME)
    assert "Convaincre en réunion" in suggestion.body
    assert suggestion.context["programme"] == further.pk


def test_nothing_is_suggested_when_no_other_programme_shares_the_skills(lea, quiz, enrolment):
    submitted(lea, quiz, enrolment, 92, Verb.PASSED)

    assert notifications(NAME) == []


def test_a_quiz_without_skills_suggests_nothing(organisation, lea):
    quiz = quiz_row(organisation, title="Quiz libre")
    record_event(lea, Verb.FAILED, quiz, organisation=organisation,
                 result={"score": 20, "success": False, "completion": True},
                 context={"attempt": 3, "quiz": quiz.pk, "path_step": None})

    assert notifications(NAME) == []
