"""Pacing, status and the next step: what a learner's path says about where they are."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone, translation

from parcours.catalog.models import StepKind
from parcours.journeys import progress
from parcours.journeys.models import AdaptationKind, EnrolmentStatus, PathStepStatus
from parcours.journeys.services import enrol_learner
from parcours.journeys.tests.paths_for_tests import (
    MONDAY,
    module_row,
    programme_row,
    speaking_programme,
    step_row,
)

PACE = 120  # two hours a week


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def enrolment(organisation, lea, karim):
    return enrol_learner(speaking_programme(organisation), lea, by=karim, start_on=MONDAY,
                         minutes_per_week=PACE)


def steps_of(enrolment):
    return list(enrolment.steps.prefetch_related("prerequisites").order_by("position"))


def by_title(steps, title):
    return next(step for step in steps if step.title == title)


def finish(step, status=PathStepStatus.DONE, when=None):
    step.status = status
    step.completed_at = when or timezone.now() if status == PathStepStatus.DONE else None
    step.change_reason = step.change_reason or "raison"
    step.save()


# Planned dates


def test_each_step_is_planned_for_the_day_its_last_minute_is_done_at_the_learners_pace(
    enrolment,
):
    plan = progress.planned_dates(steps_of(enrolment), start_on=MONDAY, minutes_per_week=PACE)

    days = [(plan[step.pk] - MONDAY).days for step in steps_of(enrolment)]
    # 30, 60, 120, 150 and 210 minutes done, at 120 minutes a week spread over 7 days
    assert days == [1, 3, 6, 8, 12]


def test_enrolling_plans_every_step_from_the_start_date(enrolment):
    assert [step.planned_on for step in steps_of(enrolment)] == [
        MONDAY + timedelta(days=day) for day in (1, 3, 6, 8, 12)]


def test_a_step_longer_than_a_weeks_time_takes_several_weeks(organisation, lea, karim):
    programme = programme_row(organisation, "Rédiger un mémoire")
    step_row(module_row(programme, "Tout"), StepKind.LESSON, "Écrire", estimated_minutes=300)
    enrolment = enrol_learner(programme, lea, by=karim, start_on=MONDAY, minutes_per_week=PACE)

    [step] = steps_of(enrolment)

    assert step.planned_on == MONDAY + timedelta(days=17)  # two and a half weeks


def test_done_and_skipped_steps_take_no_time_when_planning_again(enrolment):
    steps = steps_of(enrolment)
    finish(steps[0])
    finish(steps[1], PathStepStatus.SKIPPED)

    plan = progress.planned_dates(steps, start_on=MONDAY, minutes_per_week=PACE)

    assert set(plan) == {step.pk for step in steps[2:]}
    assert plan[steps[2].pk] == MONDAY + timedelta(days=3)  # the pitch is now first


def test_a_slower_pace_plans_later_dates(enrolment):
    steps = steps_of(enrolment)

    slow = progress.planned_dates(steps, start_on=MONDAY, minutes_per_week=60)
    fast = progress.planned_dates(steps, start_on=MONDAY, minutes_per_week=PACE)

    assert all(slow[step.pk] >= fast[step.pk] for step in steps)
    assert slow[steps[-1].pk] == MONDAY + timedelta(days=24)


def test_planning_needs_a_pace(enrolment):
    with pytest.raises(ValueError):
        progress.planned_dates(steps_of(enrolment), start_on=MONDAY, minutes_per_week=0)


# Status


def test_a_path_whose_required_steps_are_done_or_skipped_is_completed(enrolment):
    steps = steps_of(enrolment)
    for step in steps[:-1]:
        finish(step)
    steps[-1].required = False

    status = progress.enrolment_status(enrolment, steps, today=MONDAY + timedelta(days=60))

    assert status == EnrolmentStatus.COMPLETED


def test_a_learner_within_their_plan_is_on_track(enrolment):
    steps = steps_of(enrolment)

    assert progress.enrolment_status(enrolment, steps, today=MONDAY) == EnrolmentStatus.ON_TRACK


def test_a_required_step_past_its_planned_date_makes_the_learner_behind(enrolment):
    steps = steps_of(enrolment)
    enrolment.last_activity_at = datetime(2026, 9, 9, 10, tzinfo=UTC)

    status = progress.enrolment_status(enrolment, steps, today=MONDAY + timedelta(days=4))

    assert status == EnrolmentStatus.BEHIND


def test_a_due_date_counts_before_the_planned_date(enrolment):
    steps = steps_of(enrolment)
    steps[-1].due_on = MONDAY + timedelta(days=1)
    for step in steps[:-1]:
        finish(step)
    enrolment.last_activity_at = datetime(2026, 9, 9, 10, tzinfo=UTC)

    status = progress.enrolment_status(enrolment, steps, today=MONDAY + timedelta(days=2))

    assert status == EnrolmentStatus.BEHIND


def test_a_late_optional_step_does_not_make_the_learner_behind(enrolment):
    steps = steps_of(enrolment)
    steps[0].required = False

    status = progress.enrolment_status(enrolment, steps, today=MONDAY + timedelta(days=2))

    assert status == EnrolmentStatus.ON_TRACK


def test_a_learner_behind_and_inactive_for_a_week_is_at_risk(enrolment):
    steps = steps_of(enrolment)
    enrolment.last_activity_at = datetime(2026, 9, 8, 10, tzinfo=UTC)

    status = progress.enrolment_status(enrolment, steps, today=MONDAY + timedelta(days=8))

    assert status == EnrolmentStatus.AT_RISK


def test_a_learner_who_never_came_is_at_risk_a_week_after_enrolling(enrolment):
    steps = steps_of(enrolment)
    enrolment.created_at = datetime(2026, 9, 7, 9, tzinfo=UTC)

    assert progress.enrolment_status(
        enrolment, steps, today=MONDAY + timedelta(days=6)) == EnrolmentStatus.BEHIND
    assert progress.enrolment_status(
        enrolment, steps, today=MONDAY + timedelta(days=7)) == EnrolmentStatus.AT_RISK


def test_today_is_the_learners_own_date(lea):
    lea.time_zone = "America/Montreal"
    late_evening_in_montreal = datetime(2026, 9, 8, 2, 30, tzinfo=UTC)

    assert progress.local_today(lea, now=late_evening_in_montreal) == MONDAY


def test_progress_counts_the_required_steps_done_or_skipped(enrolment):
    steps = steps_of(enrolment)
    finish(steps[0])
    finish(steps[1], PathStepStatus.SKIPPED)

    assert progress.progress_percent(steps) == 40


# Next step


def test_the_next_step_is_the_first_step_to_do(enrolment):
    steps = steps_of(enrolment)
    finish(steps[0])

    nxt = progress.next_step(steps, today=MONDAY)

    assert nxt.step.title == "Structurer"
    assert nxt.reason_code == "next_in_path"
    assert nxt.reason_text == "This is the next step of your path."


def test_a_step_waiting_for_its_prerequisites_is_passed_over(enrolment):
    steps = steps_of(enrolment)
    by_title(steps, "Respirer").prerequisites.add(by_title(steps, "Bilan"))
    steps = steps_of(enrolment)

    assert progress.next_step(steps, today=MONDAY).step.title == "Structurer"


def test_a_step_just_unlocked_says_so(enrolment):
    steps = steps_of(enrolment)
    by_title(steps, "Structurer").prerequisites.add(by_title(steps, "Respirer"))
    finish(by_title(steps, "Respirer"))
    steps = steps_of(enrolment)

    nxt = progress.next_step(steps, today=MONDAY)

    assert nxt.step.title == "Structurer"
    assert nxt.reason_code == "unlocked"
    assert "Respirer" in nxt.reason_text


def test_a_step_the_coach_moved_gives_the_coachs_reason(enrolment):
    steps = steps_of(enrolment)
    first = steps[0]
    first.adapted, first.last_change = True, AdaptationKind.PULLED_FORWARD
    first.change_reason = "Votre entretien est jeudi"

    nxt = progress.next_step(steps, today=MONDAY)

    assert nxt.reason_code == "moved_by_coach"
    assert nxt.reason_text == "Your coach moved this step earlier: Votre entretien est jeudi"


def test_a_step_past_its_due_date_is_overdue(enrolment):
    steps = steps_of(enrolment)
    steps[0].due_on = MONDAY

    nxt = progress.next_step(steps, today=MONDAY + timedelta(days=1))

    assert nxt.reason_code == "overdue"
    assert "Sept. 7, 2026" in nxt.reason_text


def test_a_step_past_its_planned_date_is_overdue_too(enrolment):
    nxt = progress.next_step(steps_of(enrolment), today=MONDAY + timedelta(days=2))

    assert nxt.reason_code == "overdue"


def test_a_step_due_within_three_days_is_due_soon(enrolment):
    steps = steps_of(enrolment)
    steps[0].due_on = MONDAY + timedelta(days=3)

    nxt = progress.next_step(steps, today=MONDAY)

    assert nxt.reason_code == "due_soon"


def test_dates_in_the_reason_are_written_in_the_learners_language(enrolment):
    steps = steps_of(enrolment)
    steps[0].due_on = MONDAY + timedelta(days=2)
    with translation.override("fr"):
        nxt = progress.next_step(steps, today=MONDAY)

    assert "9 septembre 2026" in nxt.reason_text


def test_there_is_no_next_step_when_everything_is_done(enrolment):
    steps = steps_of(enrolment)
    for step in steps:
        finish(step)

    assert progress.next_step(steps, today=MONDAY) is None


def test_the_next_step_needs_no_query_once_prerequisites_are_loaded(
    enrolment, django_assert_num_queries
):
    steps = steps_of(enrolment)

    with django_assert_num_queries(0):
        progress.next_step(steps, today=MONDAY)
        progress.enrolment_status(enrolment, steps, today=MONDAY)
        progress.planned_dates(steps, start_on=MONDAY, minutes_per_week=PACE)
