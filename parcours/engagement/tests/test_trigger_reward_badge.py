"""A badge earned is congratulated once, to the person who earned it (no badge app yet:
the trigger reads `earned` events)."""

from parcours.core.events import record_event
from parcours.core.models import Verb
from parcours.engagement.tests.triggers_for_tests import notifications

NAME = "reward_badge"


def test_lea_is_congratulated_on_a_badge_awarded_by_her_coach(organisation, lea, karim):
    record_event(karim, Verb.EARNED, ("recognition.badge", 3), organisation=organisation,
                 context={"learner": lea.pk, "badge_name": "Orateur confiant"})
    record_event(karim, Verb.EARNED, ("recognition.badge", 3), organisation=organisation,
                 context={"learner": lea.pk, "badge_name": "Orateur confiant"})

    [badge] = notifications(NAME)
    assert badge.recipient == lea
    assert "Orateur confiant" in badge.subject


def test_a_badge_earned_on_her_own_goes_to_the_actor(organisation, lea):
    record_event(lea, Verb.EARNED, ("recognition.badge", 4), organisation=organisation,
                 context={"badge_name": "Cinq jours d'affilée"})

    [badge] = notifications(NAME)
    assert badge.recipient == lea
