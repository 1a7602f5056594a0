"""Léa is congratulated as she passes 25, 50, 75 and 100 % of her path, once each."""

import pytest

from parcours.engagement.services.triggers import configure_trigger
from parcours.engagement.tests.triggers_for_tests import finish, notifications, speaking_path
from parcours.engagement.triggers.reward_milestone import milestone_reached

NAME = "reward_milestone"


@pytest.fixture
def enrolment(organisation, lea, karim):
    return speaking_path(organisation, lea, by=karim)


def test_the_highest_milestone_passed_is_the_one_celebrated():
    assert milestone_reached(10, [100, 75, 50, 25]) is None
    assert milestone_reached(25, [100, 75, 50, 25]) == 25
    assert milestone_reached(60, [100, 75, 50, 25]) == 50


def test_each_quarter_of_the_path_is_celebrated_once(enrolment, lea):
    finish(enrolment, "Respirer")
    finish(enrolment, "Structurer")
    finish(enrolment, "Improviser")

    rewards = notifications(NAME)
    assert [n.idempotency_key for n in rewards] == [
        f"{NAME}:{enrolment.pk}:25", f"{NAME}:{enrolment.pk}:50", f"{NAME}:{enrolment.pk}:75"]
    assert all(n.recipient == lea for n in rewards)
    assert "50" in rewards[1].subject


def test_an_organisation_can_celebrate_only_the_half_way_mark(enrolment, organisation,
                                                              sophie):
    configure_trigger(organisation, NAME, by=sophie, params={"milestones": [50]})

    finish(enrolment, "Respirer")
    finish(enrolment, "Structurer")
    finish(enrolment, "Improviser")

    assert [n.idempotency_key for n in notifications(NAME)] == [f"{NAME}:{enrolment.pk}:50"]
