"""Léa is told the day after a step's date has passed; not about a step she did or
skipped meanwhile, nor about steps long forgotten."""

from datetime import timedelta

import pytest

from parcours.engagement.kinds import kind
from parcours.engagement.services.triggers import run_triggers
from parcours.engagement.tests.triggers_for_tests import (
    MONDAY,
    at,
    finish,
    notifications,
    path_from_monday,
    step,
)
from parcours.journeys.services import skip_step

NAME = "step_overdue"


@pytest.fixture
def enrolment(organisation, lea, karim):
    return path_from_monday(organisation, lea, by=karim)


def test_nothing_is_written_on_the_day_a_step_is_planned(enrolment):
    with at(MONDAY + timedelta(days=3)):
        assert run_triggers(only=[NAME]) == {NAME: 0}


def test_lea_is_told_the_day_after_once(enrolment, lea):
    with at(MONDAY + timedelta(days=4)):
        assert run_triggers(only=[NAME]) == {NAME: 1}
    with at(MONDAY + timedelta(days=5)):
        assert run_triggers(only=[NAME]) == {NAME: 0}

    [overdue] = notifications(NAME)
    assert overdue.recipient == lea
    assert overdue.context["path_step"] == step(enrolment, "Respirer").pk
    assert overdue.nudge


def test_a_step_completed_meanwhile_is_not_reminded(enrolment):
    with at(MONDAY + timedelta(days=4)):
        run_triggers(only=[NAME])
        [overdue] = notifications(NAME)
        finish(enrolment, "Respirer")

    assert not kind(NAME).still_relevant(overdue)


def test_a_step_the_coach_skipped_meanwhile_is_not_reminded(enrolment, karim):
    with at(MONDAY + timedelta(days=4)):
        run_triggers(only=[NAME])
        [overdue] = notifications(NAME)
        skip_step(step(enrolment, "Respirer"), by=karim, reason="Déjà acquis en atelier")

    assert not kind(NAME).still_relevant(overdue)


def test_steps_overdue_for_more_than_a_month_are_left_to_the_coach(enrolment):
    with at(MONDAY + timedelta(days=60)):
        assert run_triggers(only=[NAME]) == {NAME: 0}
