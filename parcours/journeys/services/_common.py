"""What every journeys service shares: loading with a lock, who may act, event context."""

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import User
from parcours.accounts.selectors import require_permission
from parcours.catalog.models import StepContent
from parcours.core.errors import Conflict, DomainError, NotAllowed
from parcours.core.roles import Permission
from parcours.journeys.models import Enrolment, PathStep, PathStepStatus
from parcours.journeys.progress import local_today, planned_dates

# What a path step copies from a programme step (ids for the foreign keys).
CONTENT_FIELDS = tuple(field.attname for field in StepContent._meta.local_fields)


class NotYourPath(NotAllowed):
    default_message = _("This step is not in your path.")


class OwnWork(NotAllowed):
    default_message = _("You cannot review or validate your own work: ask another coach.")


class WrongKind(DomainError):
    default_message = _("This action does not apply to this kind of step.")


class StepAlreadyDone(Conflict):
    default_message = _("This step is already done.")


class StepSkipped(Conflict):
    default_message = _("This step was skipped.")


def event_context(enrolment: Enrolment, path_step: PathStep | None = None,
                  **extra: Any) -> dict[str, Any]:
    """The context of every event about a path: the programme, the enrolment, the learner
    (so a learner's timeline finds what coaches did to their path) and the step."""
    context: dict[str, Any] = {
        "programme": enrolment.programme_id,
        "enrolment": enrolment.pk,
        "learner": enrolment.learner_id,
    }
    if path_step is not None:
        context["path_step"] = path_step.pk
    context.update(extra)
    return context


def locked_enrolment(enrolment: Enrolment) -> Enrolment:
    """The enrolment, locked until the transaction ends: changes to one path queue up."""
    return (Enrolment.objects.select_for_update(of=("self",))
            .select_related("programme", "learner", "organisation").get(pk=enrolment.pk))


def locked_step(path_step: PathStep | int) -> PathStep:
    """The step as it is now, locked: two heartbeats from two tabs are counted one by one."""
    pk = path_step if isinstance(path_step, int) else path_step.pk
    return (PathStep.objects.select_for_update(of=("self",))
            .select_related("enrolment__programme", "enrolment__learner",
                            "enrolment__organisation").get(pk=pk))


def path_steps(enrolment: Enrolment) -> list[PathStep]:
    return list(_ordered(enrolment.steps.prefetch_related("prerequisites")))


def _ordered(steps: QuerySet[PathStep]) -> QuerySet[PathStep]:
    return steps.order_by("position", "id")


def own_step(path_step: PathStep, by: User) -> PathStep:
    """The learner's own step, locked; anyone else is refused."""
    step = locked_step(path_step)
    require_permission(by, step.enrolment.organisation, Permission.FOLLOW_OWN_PATH)
    if step.enrolment.learner_id != by.pk:
        raise NotYourPath()
    return step


def reviewed_step(path_step: PathStep, by: User) -> PathStep:
    """A learner's step for a coach who reviews work, locked; never the coach's own."""
    step = locked_step(path_step)
    require_permission(by, step.enrolment.organisation, Permission.REVIEW_WORK)
    if step.enrolment.learner_id == by.pk:
        raise OwnWork()
    return step


def require_todo(step: PathStep) -> None:
    if step.status == PathStepStatus.DONE:
        raise StepAlreadyDone()
    if step.status == PathStepStatus.SKIPPED:
        raise StepSkipped()


def touch(enrolment: Enrolment, now=None) -> None:
    """Note the learner's activity: `at risk` is measured from it."""
    enrolment.last_activity_at = now or timezone.now()
    Enrolment.objects.filter(pk=enrolment.pk).update(last_activity_at=enrolment.last_activity_at)


def replan(enrolment: Enrolment, steps: list[PathStep] | None = None) -> None:
    """Plan the steps still to do again, from today (or the start, if it is later)."""
    if steps is None:
        steps = list(_ordered(enrolment.steps.all()))
    start_on = max(enrolment.start_on, local_today(enrolment.learner))
    plan = planned_dates(steps, start_on=start_on, minutes_per_week=enrolment.minutes_per_week)
    changed = []
    for step in steps:
        if step.pk in plan and step.planned_on != plan[step.pk]:
            step.planned_on = plan[step.pk]
            changed.append(step)
    PathStep.objects.bulk_update(changed, ["planned_on"])
