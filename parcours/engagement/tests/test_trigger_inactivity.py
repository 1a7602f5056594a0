"""Léa is told after a week without learning; after two, Karim (her coach) gets one
weekly digest naming every learner of his who went quiet. Nothing if she came back."""

from datetime import timedelta

import pytest

from parcours.accounts.tests.factories import member
from parcours.coaching.tests.factories import engagement
from parcours.engagement.kinds import kind
from parcours.engagement.services.triggers import configure_trigger, run_triggers
from parcours.engagement.tests.triggers_for_tests import (
    MONDAY,
    at,
    finish,
    notifications,
    path_from_monday,
)

NAME, DIGEST = "inactivity", "coach_inactivity_digest"


@pytest.fixture
def enrolment(organisation, lea, karim):
    enrolment = path_from_monday(organisation, lea, by=karim)
    with at(MONDAY, 9):
        finish(enrolment, "Respirer")
    return enrolment


def test_a_learner_active_this_week_is_left_alone(enrolment):
    with at(MONDAY + timedelta(days=6)):
        assert run_triggers(only=[NAME]) == {NAME: 0}


def test_lea_is_told_after_seven_days_once_per_spell(enrolment, lea):
    with at(MONDAY + timedelta(days=7)):
        assert run_triggers(only=[NAME]) == {NAME: 1}
    with at(MONDAY + timedelta(days=9)):
        assert run_triggers(only=[NAME]) == {NAME: 0}

    [nudge] = notifications(NAME)
    assert nudge.recipient == lea
    assert nudge.context["last_activity"].startswith("2026-09-07T09:00")


def test_the_message_is_dropped_if_lea_came_back_before_it_went_out(enrolment):
    with at(MONDAY + timedelta(days=7)):
        run_triggers(only=[NAME])
    [nudge] = notifications(NAME)
    assert kind(NAME).still_relevant(nudge)

    with at(MONDAY + timedelta(days=7), 11):
        finish(enrolment, "Structurer")

    assert not kind(NAME).still_relevant(nudge)


def test_her_coach_gets_one_digest_of_his_quiet_learners(enrolment, organisation, lea,
                                                         karim, sophie):
    hugo = member(organisation, "learner", display_name="Hugo Petit")
    path_from_monday(organisation, hugo, by=karim, title="Animer une réunion")
    engagement(organisation, lea, karim)
    engagement(organisation, hugo, karim)
    other_coach = member(organisation, "coach", display_name="Nadia Roux")

    with at(MONDAY + timedelta(days=14)):
        run_triggers(only=[NAME])
    with at(MONDAY + timedelta(days=15)):
        run_triggers(only=[NAME])

    [digest] = notifications(DIGEST)
    assert digest.recipient == karim
    assert not notifications(DIGEST, recipient=other_coach)
    assert "Hugo Petit (14), Léa Martin (14)" in digest.body  # by name, days quiet
    assert set(digest.context["away"]) == {str(lea.pk), str(hugo.pk)}


def test_the_digest_is_dropped_when_every_learner_in_it_came_back(enrolment, organisation,
                                                                  lea, karim):
    engagement(organisation, lea, karim)
    with at(MONDAY + timedelta(days=14)):
        run_triggers(only=[NAME])
    [digest] = notifications(DIGEST)

    with at(MONDAY + timedelta(days=14), 12):
        finish(enrolment, "Structurer")

    assert not kind(DIGEST).still_relevant(digest)


def test_no_digest_before_the_coach_threshold_set_by_the_organisation(
        enrolment, organisation, lea, karim, sophie):
    engagement(organisation, lea, karim)
    configure_trigger(organisation, NAME, by=sophie, params={"coach_days": 21})

    with at(MONDAY + timedelta(days=14)):
        run_triggers(only=[NAME])

    assert notifications(NAME) and not notifications(DIGEST)
