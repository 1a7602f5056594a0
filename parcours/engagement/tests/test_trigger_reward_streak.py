"""Five days of learning in a row (Léa's days, in Paris) earn a congratulation, once per
streak; a day off starts again."""

from datetime import timedelta

import pytest

from parcours.core.events import record_event
from parcours.core.models import Verb
from parcours.engagement.tests.triggers_for_tests import MONDAY, at, notifications
from parcours.engagement.triggers.reward_streak import streak_ending
from parcours.journeys.tests.paths_for_tests import quiz_row

NAME = "reward_streak"


@pytest.fixture
def quiz(organisation):
    return quiz_row(organisation)


def learn(lea, quiz, day, hour=10):
    with at(day, hour):
        record_event(lea, Verb.LAUNCHED, quiz, organisation=quiz.organisation)


def test_the_streak_counts_the_days_in_a_row_ending_today():
    days = {MONDAY, MONDAY + timedelta(days=1), MONDAY + timedelta(days=3)}
    assert streak_ending(MONDAY + timedelta(days=3), days) == 1
    assert streak_ending(MONDAY + timedelta(days=1), days) == 2


def test_the_fifth_day_in_a_row_is_celebrated_once(lea, quiz):
    for offset in range(4):
        learn(lea, quiz, MONDAY + timedelta(days=offset))
    assert notifications(NAME) == []

    learn(lea, quiz, MONDAY + timedelta(days=4))
    learn(lea, quiz, MONDAY + timedelta(days=4), 15)
    learn(lea, quiz, MONDAY + timedelta(days=5))

    [streak] = notifications(NAME)
    assert streak.recipient == lea
    assert streak.context["first_day"] == MONDAY.isoformat()


def test_a_day_off_breaks_the_streak(lea, quiz):
    for offset in (0, 1, 2, 4, 5, 6):
        learn(lea, quiz, MONDAY + timedelta(days=offset))

    assert notifications(NAME) == []


def test_days_are_counted_in_the_learners_time_zone(lea, quiz):
    # 23:30 UTC is already the next day in Paris: five Paris days, not four UTC ones.
    for offset in range(4):
        learn(lea, quiz, MONDAY + timedelta(days=offset), 10)
    learn(lea, quiz, MONDAY + timedelta(days=3), 23)

    assert len(notifications(NAME)) == 1
