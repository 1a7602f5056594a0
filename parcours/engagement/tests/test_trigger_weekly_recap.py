"""Every Monday (Léa's Monday), a recap: steps done this week, what is next and how long
the rest takes at her pace; one per week."""

from datetime import timedelta

import pytest

from parcours.engagement.services.triggers import configure_trigger, run_triggers
from parcours.engagement.tests.triggers_for_tests import (
    MONDAY,
    at,
    finish,
    notifications,
    path_from_monday,
)

NAME = "weekly_recap"


@pytest.fixture
def enrolment(organisation, lea, karim):
    enrolment = path_from_monday(organisation, lea, by=karim)
    with at(MONDAY + timedelta(days=1)):
        finish(enrolment, "Respirer")
    return enrolment


def test_on_monday_lea_reads_her_week_what_is_next_and_the_time_left(enrolment, lea):
    with at(MONDAY + timedelta(days=7), 6):
        assert run_triggers(only=[NAME]) == {NAME: 1}

    [recap] = notifications(NAME)
    assert recap.recipient == lea
    assert recap.context["week"] == "2026-W38"
    assert "1" in recap.subject
    # Three steps of 30 minutes left at one hour a week: two weeks.
    assert "25 %" in recap.body and "« Structurer »" in recap.body and "2 semaine" in recap.body


def test_one_recap_a_week_however_often_the_scan_runs(enrolment):
    with at(MONDAY + timedelta(days=7), 6):
        run_triggers(only=[NAME])
    with at(MONDAY + timedelta(days=7), 20):
        assert run_triggers(only=[NAME]) == {NAME: 0}
    with at(MONDAY + timedelta(days=14), 6):
        assert run_triggers(only=[NAME]) == {NAME: 1}


def test_no_recap_on_other_days_or_another_chosen_day(enrolment, organisation, sophie):
    with at(MONDAY + timedelta(days=8)):
        assert run_triggers(only=[NAME]) == {NAME: 0}

    configure_trigger(organisation, NAME, by=sophie, params={"weekday": 2})

    with at(MONDAY + timedelta(days=8)):
        assert run_triggers(only=[NAME]) == {NAME: 1}


def test_a_monday_in_paris_that_is_still_sunday_in_utc_counts_as_monday(enrolment):
    # 23:30 UTC on Sunday is 01:30 on Monday in Paris.
    with at(MONDAY + timedelta(days=6), 23, 30):
        assert run_triggers(only=[NAME]) == {NAME: 1}
