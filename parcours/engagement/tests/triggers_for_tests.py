"""A small path and a session for the trigger tests, built through the real services.

Léa follows "Prendre la parole en public": module "Se préparer" (lessons "Respirer" and
"Structurer", done as soon as they are opened) and module "S'exercer" (lesson
"Improviser" and external "Atelier"), 30 minutes each, one hour a week.
"""

from datetime import UTC, date, datetime, timedelta

import time_machine
from django.utils import timezone

from parcours.catalog.models import StepKind
from parcours.classroom.models import Registration, RegistrationStatus, Session, Slot
from parcours.engagement.models import Notification
from parcours.journeys.services import enrol_learner, record_heartbeat
from parcours.journeys.tests.paths_for_tests import module_row, programme_row, step_row


def speaking_path(organisation, learner, *, by, start_on: date | None = None, **fields):
    programme = programme_row(organisation, **fields)
    prepare = module_row(programme, "Se préparer", 0)
    practise = module_row(programme, "S'exercer", 1)
    step_row(prepare, StepKind.LESSON, "Respirer", min_engaged_seconds=0)
    step_row(prepare, StepKind.LESSON, "Structurer", min_engaged_seconds=0)
    step_row(practise, StepKind.LESSON, "Improviser", min_engaged_seconds=0)
    step_row(practise, StepKind.EXTERNAL, "Atelier")
    return enrol_learner(programme, learner, by=by,
                         start_on=start_on or timezone.localdate(), minutes_per_week=60)


# Monday 7 September 2026: at one hour a week, Léa's steps are planned for Thursday 10
# ("Respirer"), Sunday 13 ("Structurer"), Thursday 17 ("Improviser"), Sunday 20 ("Atelier").
MONDAY = date(2026, 9, 7)


def at(day: date, hour: int = 10, minute: int = 0):
    """Travel to that day at that hour UTC (noon in Paris at 10)."""
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC),
                               tick=False)


def path_from_monday(organisation, learner, *, by, **fields):
    with at(MONDAY, 8):
        return speaking_path(organisation, learner, by=by, start_on=MONDAY, **fields)


def step(enrolment, title):
    return enrolment.steps.get(title=title)


def finish(enrolment, title):
    """Léa opens a lesson: with no minimum time, that completes it."""
    return record_heartbeat(step(enrolment, title), by=enrolment.learner, seconds=0)


def notifications(kind: str, **filters) -> list[Notification]:
    return list(Notification.objects.filter(kind=kind, **filters).order_by("pk"))


def session_with_seat(organisation, learner, *, by, starts_in=timedelta(days=3),
                      hours: int = 3) -> Registration:
    starts = timezone.now() + starts_in
    session = Session.objects.create(
        organisation=organisation, title="Prendre la parole en public", capacity=10,
        starts_at=starts, ends_at=starts + timedelta(hours=hours), created_by=by,
        address="12 rue des Lilas, Lyon")
    Slot.objects.create(session=session, part="morning", starts_at=starts,
                        ends_at=starts + timedelta(hours=hours))
    return Registration.objects.create(session=session, learner=learner,
                                       status=RegistrationStatus.REGISTERED)
