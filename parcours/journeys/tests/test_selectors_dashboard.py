"""Léa's dashboard: her next step and why, her progress, and a fixed number of queries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from parcours.accounts.services import add_member
from parcours.assessments.models import Card, CardMemory
from parcours.catalog.models import StepKind
from parcours.core.errors import NotAllowed
from parcours.journeys import progress
from parcours.journeys.models import AdaptationKind, EnrolmentStatus, PathStepStatus
from parcours.journeys.selectors import learner_dashboard
from parcours.journeys.tests.pages_for_tests import enrolled, step_of
from parcours.journeys.tests.paths_for_tests import deck_row

pytestmark = pytest.mark.django_db


def board_of(user, organisation):
    return learner_dashboard(user, organisation, today=progress.local_today(user))


@pytest.mark.parametrize("steps", [5, 40])
def test_the_dashboard_takes_five_queries_whatever_the_length_of_the_path(
        lea, organisation, django_assert_num_queries, steps):
    enrolled(lea, organisation, steps=steps, done=2)
    enrolled(lea, organisation, title="Écrire son CV", steps=steps)

    # roles, enrolments, steps, their prerequisites, flashcards due
    with django_assert_num_queries(5):
        board = board_of(lea, organisation)

    assert len(board.programmes) == 2
    assert sum(len(item.steps) for item in board.programmes) == 2 * steps


def test_a_learner_not_enrolled_gets_an_empty_dashboard(lea, organisation):
    board = board_of(lea, organisation)

    assert not board.enrolled
    assert board.next is None


def test_the_next_step_is_the_first_left_to_do_with_its_reason(lea, organisation):
    enrolment = enrolled(lea, organisation, steps=5, done=2)

    board = board_of(lea, organisation)

    assert board.next.step == step_of(enrolment, 3)
    assert board.next.reason_text
    assert board.next_programme == enrolment.programme


def test_the_next_step_says_when_the_coach_moved_it(lea, organisation):
    enrolment = enrolled(lea, organisation, steps=5)
    moved = step_of(enrolment, 1)
    moved.adapted, moved.last_change = True, AdaptationKind.PULLED_FORWARD
    moved.change_reason = "Tu en as besoin pour l'entretien de jeudi."
    moved.save()

    board = board_of(lea, organisation)

    assert board.next.reason_code == progress.Reason.MOVED_BY_COACH
    assert "entretien de jeudi" in board.next.reason_text


def test_the_most_urgent_programme_gives_the_next_step(lea, organisation):
    enrolled(lea, organisation, steps=5, start_on=timezone.localdate())
    urgent = enrolled(lea, organisation, title="Écrire son CV", steps=5,
                      start_on=timezone.localdate())
    due = step_of(urgent, 1)
    due.due_on = timezone.localdate() - timedelta(days=1)
    due.save()

    board = board_of(lea, organisation)

    assert board.next.step == due


def test_progress_counts_the_required_steps_done(lea, organisation):
    enrolled(lea, organisation, steps=8, done=2)

    (item,) = board_of(lea, organisation).programmes

    assert (item.counted_finished, item.counted_total, item.percent) == (2, 8, 25)


def test_time_left_follows_the_learners_pace(lea, organisation):
    enrolled(lea, organisation, steps=10, done=2, minutes_per_week=90)

    (item,) = board_of(lea, organisation).programmes

    assert item.minutes_left == 8 * 30
    assert item.weeks_left == 3  # 240 minutes at 90 a week
    assert item.time_left == "4 h"
    assert item.finish_on is not None


def test_a_module_completed_is_a_milestone(lea, organisation):
    enrolled(lea, organisation, steps=10, done=6)

    (item,) = board_of(lea, organisation).programmes

    assert item.milestones == ["Module 1"]


def test_continue_where_you_left_off_is_the_last_step_opened_and_not_done(lea, organisation):
    enrolment = enrolled(lea, organisation, steps=6, done=1)
    opened = step_of(enrolment, 4)
    opened.started_at = opened.last_heartbeat_at = timezone.now() - timedelta(hours=1)
    opened.save()

    board = board_of(lea, organisation)

    assert board.continue_step == opened
    assert board.next.step == step_of(enrolment, 2)


def test_upcoming_due_dates_come_soonest_first_with_the_late_ones_marked(lea, organisation):
    enrolment = enrolled(lea, organisation, steps=5)
    today = timezone.localdate()
    for number, days in ((2, 10), (3, -2), (4, 1)):
        step = step_of(enrolment, number)
        step.due_on = today + timedelta(days=days)
        step.save()

    upcoming = board_of(lea, organisation).upcoming

    assert [u.step.position for u in upcoming] == [3, 4, 2]
    assert [u.overdue for u in upcoming] == [True, False, False]
    assert upcoming[0].days_late == 2


def test_the_status_is_in_words(lea, organisation):
    enrolled(lea, organisation, steps=3, done=3)

    (item,) = board_of(lea, organisation).programmes

    assert item.status == EnrolmentStatus.COMPLETED
    assert item.status_label == EnrolmentStatus.COMPLETED.label


def test_flashcards_due_today_are_counted(lea, organisation):
    deck = deck_row(organisation)
    for number in range(3):
        card = Card.objects.create(deck=deck, front=f"recto {number}", back="verso")
        CardMemory.objects.create(card=card, learner=lea, fsrs_state={},
                                  due_at=timezone.now() - timedelta(minutes=number))
    card = Card.objects.create(deck=deck, front="demain", back="verso")
    CardMemory.objects.create(card=card, learner=lea, fsrs_state={},
                              due_at=timezone.now() + timedelta(days=2))

    assert board_of(lea, organisation).reviews_due == 3


def test_the_dashboard_shows_only_this_learners_paths_in_this_organisation(
        lea, organisation, other_organisation):
    other_learner_enrolment = enrolled(lea, other_organisation, steps=3)
    add_member(other_organisation, lea, roles=["learner"])
    mine = enrolled(lea, organisation, steps=3)

    board = board_of(lea, organisation)

    assert [item.enrolment for item in board.programmes] == [mine]
    assert other_learner_enrolment not in [item.enrolment for item in board.programmes]


def test_a_coach_has_no_dashboard_of_their_own(karim, organisation):
    with pytest.raises(NotAllowed):
        board_of(karim, organisation)


def test_skipped_steps_are_not_the_next_step(lea, organisation):
    enrolment = enrolled(lea, organisation, steps=3, kinds=(StepKind.CHECKPOINT,))
    skipped = step_of(enrolment, 1)
    skipped.status, skipped.adapted, skipped.change_reason = (
        PathStepStatus.SKIPPED, True, "Déjà acquis.")
    skipped.save()

    assert board_of(lea, organisation).next.step == step_of(enrolment, 2)
