"""Paths of any length, written as plain rows, for the tests of the pages and selectors.

The services have their own tests; pages only need paths in a known state (so many steps
done, one adapted, one overdue), fast, whatever their length.
"""

from datetime import date, timedelta

from django.utils import timezone

from parcours.catalog.models import StepKind
from parcours.journeys import progress
from parcours.journeys.models import Enrolment, PathStep, PathStepStatus
from parcours.journeys.tests.paths_for_tests import programme_row

STEPS_PER_MODULE = 5


def enrolled(learner, organisation, *, programme=None, title="Prendre la parole en public",
             steps: int = 5, done: int = 0, start_on: date | None = None,
             minutes_per_week: int = 120, kinds=(StepKind.LESSON,),
             **enrolment_fields) -> Enrolment:
    """The learner in a programme whose path has `steps` steps, the first `done` of them
    done, in modules of five ("Module 1", "Module 2", …), planned at their pace."""
    programme = programme or programme_row(organisation, title=title)
    start_on = start_on or timezone.localdate() - timedelta(days=7)
    enrolment = Enrolment.objects.create(
        organisation=organisation, programme=programme, learner=learner, start_on=start_on,
        minutes_per_week=minutes_per_week, **enrolment_fields)
    now = timezone.now()
    rows = []
    for number in range(steps):
        kind = kinds[number % len(kinds)]
        finished = number < done
        rows.append(PathStep(
            enrolment=enrolment, kind=kind, title=f"Étape {number + 1}",
            module_title=f"Module {number // STEPS_PER_MODULE + 1}", position=number + 1,
            estimated_minutes=30, min_engaged_seconds=300 if kind == StepKind.LESSON else 0,
            external_url="https://example.org/atelier" if kind == StepKind.EXTERNAL else "",
            status=PathStepStatus.DONE if finished else PathStepStatus.TODO,
            started_at=now - timedelta(days=1) if finished else None,
            completed_at=now - timedelta(hours=steps - number) if finished else None,
        ))
    created = PathStep.objects.bulk_create(rows)
    plan = progress.planned_dates(created, start_on=start_on, minutes_per_week=minutes_per_week)
    for step in created:
        step.planned_on = plan.get(step.pk)
    PathStep.objects.bulk_update(created, ["planned_on"])
    return enrolment


def step_of(enrolment: Enrolment, number: int) -> PathStep:
    """The path's step at this position (1 is the first)."""
    return enrolment.steps.get(position=number)


def in_english(*people) -> None:
    """Pages in English for these people, so tests read the same words whatever the
    state of the French catalogue."""
    for person in people:
        person.locale = "en"
        person.save(update_fields=["locale"])
