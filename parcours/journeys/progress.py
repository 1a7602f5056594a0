"""Pacing and progress of one path: pure functions over its steps, no queries, no writes.

Pass the steps with their prerequisites prefetched
(`enrolment.steps.prefetch_related("prerequisites")`): `next_step` reads
`step.prerequisites.all()`, which must come from that cache.
"""

import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from parcours.journeys.models import (
    AdaptationKind,
    Enrolment,
    EnrolmentStatus,
    PathStep,
    PathStepStatus,
)

DUE_SOON_DAYS = 3
INACTIVE_DAYS = 7
FINISHED = frozenset({PathStepStatus.DONE, PathStepStatus.SKIPPED})


class Reason:
    """Why a step is the next one: stable codes for pages, the API and nudges."""

    MOVED_BY_COACH = "moved_by_coach"
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    UNLOCKED = "unlocked"
    NEXT_IN_PATH = "next_in_path"


@dataclass(frozen=True)
class NextStep:
    step: PathStep
    reason_code: str
    reason_text: str


def in_order(steps: Iterable[PathStep]) -> list[PathStep]:
    return sorted(steps, key=lambda step: (step.position, step.pk or 0))


def local_today(user, *, now: datetime | None = None) -> date:
    """Today in the person's own time zone: a learner in Montréal is not on Paris's date."""
    try:
        zone = zoneinfo.ZoneInfo(user.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = timezone.get_default_timezone()
    return timezone.localtime(now or timezone.now(), zone).date()


def planned_dates(
    steps: Iterable[PathStep], *, start_on: date, minutes_per_week: int
) -> dict[int, date]:
    """The day each step still to do is planned for, at the learner's pace.

    The steps to do (required and optional) are taken in position order from `start_on`
    (the enrolment's start, or today when a path is planned again). Each week's
    `minutes_per_week` is spread evenly over its seven days, and a step is planned for the
    day on which, at that pace, its last minute is done: with 2 hours a week, four steps of
    an hour fall on the 4th, 7th, 11th and 14th days (the start is the 1st); a 5-hour
    step takes two and a half weeks. Done
    and skipped steps take no time. Whole-number arithmetic only, so no rounding drifts.
    """
    if minutes_per_week <= 0:
        raise ValueError("minutes_per_week must be positive.")
    plan: dict[int, date] = {}
    minutes_so_far = 0
    for step in in_order(steps):
        if step.status != PathStepStatus.TODO:
            continue
        minutes_so_far += step.estimated_minutes
        last_day = max(-(-7 * minutes_so_far // minutes_per_week) - 1, 0)  # ceiling division
        plan[step.pk] = start_on + timedelta(days=last_day)
    return plan


def deadline(step: PathStep) -> date | None:
    """The date a step should be done by: its due date, else its planned date."""
    return step.due_on or step.planned_on


def all_required_finished(steps: Sequence[PathStep]) -> bool:
    """Every required step done or skipped (every step, when none is required)."""
    required = [step for step in steps if step.required] or list(steps)
    return bool(required) and all(step.status in FINISHED for step in required)


def enrolment_status(
    enrolment: Enrolment, steps: Sequence[PathStep], *, today: date,
    time_zone: zoneinfo.ZoneInfo | None = None,
) -> EnrolmentStatus:
    """On track, behind, at risk or completed, from the plan and the learner's activity.

    Completed: every required step done or skipped. Behind: a required step to do is past
    its due date (or its planned date when it has none). At risk: behind, and the learner
    has done nothing for INACTIVE_DAYS days (their last activity, or the enrolment's
    creation when they never came). `time_zone` turns that last activity into the
    learner's date; it defaults to the current time zone.
    """
    if enrolment.completed_at is not None or all_required_finished(steps):
        return EnrolmentStatus.COMPLETED
    behind = any(
        step.required and step.status == PathStepStatus.TODO
        and deadline(step) is not None and deadline(step) < today
        for step in steps
    )
    if not behind:
        return EnrolmentStatus.ON_TRACK
    last_activity = enrolment.last_activity_at or enrolment.created_at
    last_day = timezone.localtime(last_activity, time_zone).date()
    if (today - last_day).days >= INACTIVE_DAYS:
        return EnrolmentStatus.AT_RISK
    return EnrolmentStatus.BEHIND


def progress_percent(steps: Sequence[PathStep]) -> int:
    """Share of the required steps done or skipped (all steps when none is required)."""
    counted = [step for step in steps if step.required] or list(steps)
    if not counted:
        return 0
    finished = sum(1 for step in counted if step.status in FINISHED)
    return finished * 100 // len(counted)


def coach_change_text(step: PathStep) -> str:
    """What the learner reads about the coach's last change to a step, with the reason."""
    if not step.adapted or not step.change_reason:
        return ""
    texts = {
        AdaptationKind.PULLED_FORWARD: _("Your coach moved this step earlier: %(reason)s"),
        AdaptationKind.PUSHED_BACK: _("Your coach moved this step later: %(reason)s"),
        AdaptationKind.INSERTED: _("Your coach added this step to your path: %(reason)s"),
        AdaptationKind.SKIPPED: _("Your coach skipped this step: %(reason)s"),
        AdaptationKind.DUE_DATE_CHANGED: _("Your coach changed the due date: %(reason)s"),
        AdaptationKind.REORDERED: _("Your coach changed the order of your path: %(reason)s"),
    }
    text = texts.get(step.last_change, _("Your coach changed this step: %(reason)s"))
    return text % {"reason": step.change_reason}


def next_step(steps: Iterable[PathStep], *, today: date | None = None) -> NextStep | None:
    """The step to do now, and why; None when nothing is left to do.

    It is the first step to do, in position order, whose prerequisites are all done or
    skipped. The reason, first that applies: the coach moved or added it
    (`moved_by_coach`, with the coach's reason); it is past its due or planned date
    (`overdue`); it is due within DUE_SOON_DAYS days (`due_soon`); the learner's latest
    completed step was one of its prerequisites (`unlocked`); otherwise `next_in_path`.
    `today` is the learner's date (`local_today`); it defaults to the current zone's.
    """
    ordered = in_order(steps)
    finished = {step.pk for step in ordered if step.status in FINISHED}
    for step in ordered:
        if step.status == PathStepStatus.TODO and all(
            prerequisite.pk in finished for prerequisite in step.prerequisites.all()
        ):
            break
    else:
        return None
    code, text = _reason(step, ordered, today or timezone.localdate())
    return NextStep(step=step, reason_code=code, reason_text=text)


def _reason(step: PathStep, ordered: list[PathStep], today: date) -> tuple[str, str]:
    if step.adapted and step.change_reason:
        return Reason.MOVED_BY_COACH, coach_change_text(step)
    if step.due_on and step.due_on < today:
        return Reason.OVERDUE, _("This step was due on %(date)s.") % {
            "date": formats.date_format(step.due_on)}
    if step.planned_on and step.planned_on < today:
        return Reason.OVERDUE, _("You had planned this step for %(date)s.") % {
            "date": formats.date_format(step.planned_on)}
    if step.due_on and step.due_on <= today + timedelta(days=DUE_SOON_DAYS):
        return Reason.DUE_SOON, _("Due on %(date)s.") % {"date": formats.date_format(step.due_on)}
    done = [other for other in ordered if other.completed_at is not None]
    if done:
        latest = max(done, key=lambda other: other.completed_at)
        if any(prerequisite.pk == latest.pk for prerequisite in step.prerequisites.all()):
            return Reason.UNLOCKED, _("You completed “%(title)s”: this step is now open.") % {
                "title": latest.title}
    return Reason.NEXT_IN_PATH, _("This is the next step of your path.")
