"""Léa is told two days before a step is due; never about a step she completed meanwhile."""

from datetime import timedelta

import pytest

from parcours.engagement.kinds import kind
from parcours.engagement.models import NotificationStatus
from parcours.engagement.services.dispatch import dispatch_due
from parcours.engagement.services.triggers import configure_trigger, run_triggers
from parcours.engagement.tests.triggers_for_tests import (
    MONDAY,
    at,
    finish,
    notifications,
    path_from_monday,
    step,
)
from parcours.engagement.triggers.deadlines import steps_with_deadline_between

NAME = "step_due_soon"


@pytest.fixture
def enrolment(organisation, lea, karim):
    return path_from_monday(organisation, lea, by=karim)


def test_lea_is_told_two_days_before_a_step_is_planned(enrolment, lea):
    with at(MONDAY + timedelta(days=1)):
        assert run_triggers(only=[NAME]) == {NAME: 1}

    [reminder] = notifications(NAME)
    assert reminder.recipient == lea
    assert reminder.context["path_step"] == step(enrolment, "Respirer").pk
    assert reminder.context["deadline"] == "2026-09-10"
    assert "Respirer" in reminder.subject
    assert reminder.url == f"/o/cap-avenir/my-path/steps/{step(enrolment, 'Respirer').pk}/"


def test_running_the_scan_twice_writes_one_reminder(enrolment):
    with at(MONDAY + timedelta(days=1)):
        run_triggers(only=[NAME])
    with at(MONDAY + timedelta(days=1), 18):
        assert run_triggers(only=[NAME]) == {NAME: 0}

    assert len(notifications(NAME)) == 1


def test_the_reminder_for_a_step_completed_meanwhile_is_never_sent(enrolment):
    with at(MONDAY + timedelta(days=1)):
        run_triggers(only=[NAME])
    [reminder] = notifications(NAME)
    reminder.deliver_after = reminder.created_at + timedelta(hours=8)  # waiting for her hour
    reminder.save()

    with at(MONDAY + timedelta(days=1), 12):
        finish(enrolment, "Respirer")
    assert not kind(NAME).still_relevant(reminder)

    with at(MONDAY + timedelta(days=1), 19):
        dispatch_due()
    reminder.refresh_from_db()
    assert reminder.status == NotificationStatus.SUPPRESSED
    assert reminder.suppressed_reason == "already_done"
    assert reminder.sent_at is None


def test_a_step_whose_date_moved_gets_a_reminder_for_the_new_date(enrolment):
    with at(MONDAY + timedelta(days=1)):
        run_triggers(only=[NAME])
    [first] = notifications(NAME)
    breathe = step(enrolment, "Respirer")
    breathe.due_on = MONDAY + timedelta(days=9)
    breathe.save()

    assert not kind(NAME).still_relevant(first)
    with at(MONDAY + timedelta(days=8)):
        run_triggers(only=[NAME])
    assert [n.context["deadline"] for n in notifications(NAME, context__path_step=breathe.pk)
            ] == ["2026-09-10", "2026-09-16"]


def test_an_organisation_can_ask_for_more_notice(enrolment, organisation, sophie):
    configure_trigger(organisation, NAME, by=sophie, params={"days_before": 6})

    with at(MONDAY + timedelta(days=1)):
        run_triggers(only=[NAME])

    assert {n.context["deadline"] for n in notifications(NAME)} == {"2026-09-10",
                                                                    "2026-09-13"}


def test_nothing_is_written_when_the_organisation_switched_it_off(
        enrolment, organisation, sophie):
    configure_trigger(organisation, NAME, by=sophie, enabled=False)

    with at(MONDAY + timedelta(days=1)):
        assert run_triggers(only=[NAME]) == {NAME: 0}


def test_the_scan_does_not_even_read_a_step_already_reminded(enrolment):
    first, last = MONDAY, MONDAY + timedelta(days=30)
    assert step(enrolment, "Respirer") in steps_with_deadline_between(first, last,
                                                                     kind_name=NAME)
    with at(MONDAY + timedelta(days=1)):
        run_triggers(only=[NAME])

    left = list(steps_with_deadline_between(first, last, kind_name=NAME))
    assert step(enrolment, "Respirer") not in left
    assert step(enrolment, "Structurer") in left
