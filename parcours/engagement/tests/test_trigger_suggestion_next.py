"""After each step, Léa is shown the next one and why; the suggestion is dropped if she
did that step before it went out."""

import pytest

from parcours.engagement.kinds import kind
from parcours.engagement.tests.triggers_for_tests import (
    finish,
    notifications,
    speaking_path,
    step,
)
from parcours.journeys.services import declare_external_done

NAME = "suggestion_next"


@pytest.fixture
def enrolment(organisation, lea, karim):
    return speaking_path(organisation, lea, by=karim)


def test_after_a_step_lea_is_shown_the_next_one_and_why(enrolment, lea):
    finish(enrolment, "Respirer")

    [suggestion] = notifications(NAME)
    structure = step(enrolment, "Structurer")
    assert suggestion.recipient == lea
    assert suggestion.context["path_step"] == structure.pk
    assert suggestion.context["reason"] == "next_in_path"
    assert "Structurer" in suggestion.subject
    assert "30 min" in suggestion.body
    assert suggestion.url == f"/o/cap-avenir/my-path/steps/{structure.pk}/"


def test_the_suggestion_is_dropped_once_the_step_is_done(enrolment):
    finish(enrolment, "Respirer")
    [suggestion] = notifications(NAME)

    finish(enrolment, "Structurer")

    assert not kind(NAME).still_relevant(suggestion)


def test_the_last_step_suggests_nothing(enrolment):
    for title in ("Respirer", "Structurer", "Improviser"):
        finish(enrolment, title)
    declare_external_done(step(enrolment, "Atelier"), by=enrolment.learner)

    assert [n.context["path_step"] for n in notifications(NAME)] == [
        step(enrolment, "Structurer").pk, step(enrolment, "Improviser").pk,
        step(enrolment, "Atelier").pk]
