"""The simulation runs the real engine: its caps hold, the naive policy sends every day,
no messages means none, and a seed always gives the same people and the same outcome."""

import pytest
from django.conf import settings

from parcours.engagement.simulation import population, run


def test_a_seed_always_draws_the_same_population():
    first, again, other = population(50, 1), population(50, 1), population(50, 2)
    assert [(p.motivation, p.free_hour, p.zone) for p in first] == [
        (p.motivation, p.free_hour, p.zone) for p in again]
    assert [p.motivation for p in first] != [p.motivation for p in other]


@pytest.mark.django_db
def test_without_messages_nothing_is_sent():
    result = run(population(8, 1), policy="none", weeks=1, seed=1)
    assert result.sent == 0 and result.opted_out == 0


@pytest.mark.django_db
def test_the_naive_policy_reminds_every_unfinished_learner_every_day():
    result = run(population(8, 1), policy="naive", weeks=1, seed=1)
    # One a day each, minus those who opted out of them (then suppressed).
    assert result.sent + result.suppressed_by_reason.get("opted_out", 0) >= 8 * 6
    assert result.max_nudges_in_a_week >= 6


@pytest.mark.django_db
def test_the_engine_never_exceeds_the_weekly_cap_on_nudges():
    result = run(population(10, 3), policy="engine", weeks=2, seed=3)
    assert result.max_nudges_in_a_week <= settings.NUDGES_PER_WEEK


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_outcome():
    people = population(8, 5)
    first = run(people, policy="none", weeks=1, seed=5)
    again = run(people, policy="none", weeks=1, seed=5)
    assert (first.completed, first.weekly_active_rate) == (again.completed,
                                                           again.weekly_active_rate)


def test_an_unknown_policy_is_refused():
    with pytest.raises(ValueError):
        run([], policy="spam", weeks=1, seed=1)
