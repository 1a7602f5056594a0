"""A coach adapts one learner's path: every change says who, when and why, and the
learner reads the reason."""

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parcours.accounts.models import User
from parcours.accounts.selectors import require_permission
from parcours.catalog.models import Step, StepKind
from parcours.core.errors import Conflict, DomainError
from parcours.core.events import record_event
from parcours.core.models import Verb
from parcours.core.roles import Permission
from parcours.journeys.models import (
    Adaptation,
    AdaptationKind,
    Enrolment,
    PathStep,
    PathStepStatus,
)
from parcours.journeys.progress import FINISHED, local_today, next_step
from parcours.journeys.services._common import (
    CONTENT_FIELDS,
    event_context,
    locked_enrolment,
    path_steps,
    replan,
)
from parcours.journeys.services.enrolment import introduce_decks

MARKS = ["position", "adapted", "change_reason", "last_change"]
CONTENT_NAMES = {name.removesuffix("_id") for name in CONTENT_FIELDS}


class ReasonRequired(DomainError):
    default_message = gettext_lazy("Say why: the learner reads the reason.")


class PathCompleted(Conflict):
    default_message = gettext_lazy("This path is completed: it can no longer be adapted.")


class DoneStepKept(Conflict):
    default_message = gettext_lazy(
        "This step is done: its evidence is recorded, so it keeps its place and its dates.")


class SkippedStepKept(Conflict):
    default_message = gettext_lazy("This step was skipped: it is no longer in the plan.")


class AlreadyNext(Conflict):
    default_message = gettext_lazy("This step is already the next one to do.")


class AlreadyLast(Conflict):
    default_message = gettext_lazy("This step is already the last one to do.")


class PrerequisitesFirst(DomainError):
    default_message = gettext_lazy("This step needs other steps done first.")


class OrderInvalid(DomainError):
    default_message = gettext_lazy(
        "Give every step still to do, each once, in the new order.")


class NothingChanged(Conflict):
    default_message = gettext_lazy("This changes nothing.")


class PositionInvalid(DomainError):
    default_message = gettext_lazy("Choose a position in the path.")


class StepContentInvalid(DomainError):
    default_message = gettext_lazy("This step cannot be added as it is.")


def _begin(enrolment: Enrolment, by: User, reason: str) -> tuple[Enrolment, str]:
    require_permission(by, enrolment.organisation, Permission.ADAPT_PATHS)
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired()
    enrolment = locked_enrolment(enrolment)
    if enrolment.completed_at is not None:
        raise PathCompleted()
    return enrolment, reason


def _in_path(steps: list[PathStep], path_step: PathStep) -> PathStep:
    step = next((step for step in steps if step.pk == path_step.pk), None)
    if step is None:  # deleted meanwhile, or from another enrolment
        raise PositionInvalid(_("This step is not in this path."))
    if step.status == PathStepStatus.DONE:
        raise DoneStepKept()
    if step.status == PathStepStatus.SKIPPED:
        raise SkippedStepKept()
    return step


def _todo(steps: list[PathStep]) -> list[PathStep]:
    return [step for step in steps if step.status == PathStepStatus.TODO]


def _place(steps: list[PathStep], todo_order: Sequence[PathStep]) -> list[PathStep]:
    """Put the steps to do in this order into the places steps to do hold now: done and
    skipped steps keep theirs. Returns the steps that moved."""
    places = [step.position for step in steps if step.status == PathStepStatus.TODO]
    moved = []
    for step, place in zip(todo_order, places, strict=True):
        if step.position != place:
            step.position = place
            moved.append(step)
    return moved


def _mark(step: PathStep, kind: str, reason: str) -> None:
    step.adapted = True
    step.change_reason = reason
    step.last_change = kind


def _record(enrolment: Enrolment, *, by: User, kind: str, reason: str,
            path_step: PathStep | None = None, details: dict[str, Any]) -> Adaptation:
    adaptation = Adaptation.objects.create(
        enrolment=enrolment, path_step=path_step, kind=kind, reason=reason, details=details,
        made_by=by, made_at=timezone.now())
    record_event(by, Verb.PATH_ADAPTED, path_step or enrolment,
                 organisation=enrolment.organisation,
                 context=event_context(enrolment, path_step, kind=kind, reason=reason))
    return adaptation


def _save_moves(steps: Sequence[PathStep]) -> None:
    PathStep.objects.bulk_update(list({step.pk: step for step in steps}.values()), MARKS)


@transaction.atomic
def pull_step_forward(path_step: PathStep, *, by: User, reason: str) -> PathStep:
    """Make a later step the next one: it goes right before the current next step.

    For when something unexpected makes it urgent now. Its prerequisites must be done.
    """
    enrolment, reason = _begin(path_step.enrolment, by, reason)
    steps = path_steps(enrolment)
    step = _in_path(steps, path_step)
    waiting = [needed.title for needed in step.prerequisites.all()
               if needed.status not in FINISHED]
    if waiting:
        raise PrerequisitesFirst(
            _("This step needs “%(titles)s” done first: it cannot come next.")
            % {"titles": "”, “".join(waiting)})
    current = next_step(steps, today=local_today(enrolment.learner))
    if current is None or current.step.pk == step.pk:
        raise AlreadyNext()
    before = step.position
    todo = [other for other in _todo(steps) if other.pk != step.pk]
    todo.insert(todo.index(current.step), step)
    moved = _place(steps, todo)
    _mark(step, AdaptationKind.PULLED_FORWARD, reason)
    _save_moves([*moved, step])
    _record(enrolment, by=by, kind=AdaptationKind.PULLED_FORWARD, reason=reason,
            path_step=step, details={"position": {"before": before, "after": step.position}})
    replan(enrolment, steps)
    return step


@transaction.atomic
def push_step_back(path_step: PathStep, *, by: User, reason: str) -> PathStep:
    """Move a step after the following step still to do."""
    enrolment, reason = _begin(path_step.enrolment, by, reason)
    steps = path_steps(enrolment)
    step = _in_path(steps, path_step)
    todo = _todo(steps)
    index = todo.index(step)
    if index == len(todo) - 1:
        raise AlreadyLast()
    before = step.position
    todo[index], todo[index + 1] = todo[index + 1], todo[index]
    moved = _place(steps, todo)
    _mark(step, AdaptationKind.PUSHED_BACK, reason)
    _save_moves([*moved, step])
    _record(enrolment, by=by, kind=AdaptationKind.PUSHED_BACK, reason=reason, path_step=step,
            details={"position": {"before": before, "after": step.position}})
    replan(enrolment, steps)
    return step


@transaction.atomic
def skip_step(path_step: PathStep, *, by: User, reason: str) -> PathStep:
    """Leave a step out of this learner's path; the reason stays with it."""
    from parcours.journeys.services.evidence import complete_enrolment_if_finished

    enrolment, reason = _begin(path_step.enrolment, by, reason)
    steps = path_steps(enrolment)
    step = _in_path(steps, path_step)
    step.status = PathStepStatus.SKIPPED
    _mark(step, AdaptationKind.SKIPPED, reason)
    step.save(update_fields=["status", *MARKS, "updated_at"])
    _record(enrolment, by=by, kind=AdaptationKind.SKIPPED, reason=reason, path_step=step,
            details={"status": {"before": PathStepStatus.TODO, "after": step.status}})
    replan(enrolment, steps)
    complete_enrolment_if_finished(enrolment)
    return step


@transaction.atomic
def change_due_date(path_step: PathStep, *, by: User, reason: str,
                    due_on: date | None) -> PathStep:
    """Give a step another due date, or none (`due_on=None`)."""
    enrolment, reason = _begin(path_step.enrolment, by, reason)
    steps = path_steps(enrolment)
    step = _in_path(steps, path_step)
    if due_on is not None and not isinstance(due_on, date):
        raise StepContentInvalid(_("Give a date."))
    if step.due_on == due_on:
        raise NothingChanged(_("The step is already due then."))
    before = step.due_on
    step.due_on = due_on
    _mark(step, AdaptationKind.DUE_DATE_CHANGED, reason)
    step.save(update_fields=["due_on", *MARKS, "updated_at"])
    _record(enrolment, by=by, kind=AdaptationKind.DUE_DATE_CHANGED, reason=reason,
            path_step=step, details={"due_on": {
                "before": before.isoformat() if before else None,
                "after": due_on.isoformat() if due_on else None}})
    replan(enrolment, steps)
    return step


@transaction.atomic
def reorder_path(enrolment: Enrolment, *, by: User, reason: str,
                 order: Sequence[int | PathStep]) -> list[PathStep]:
    """Put the steps still to do in a new order; done and skipped steps keep their places.

    `order` lists every step to do (ids or steps), each once. Returns the steps that moved.
    """
    enrolment, reason = _begin(enrolment, by, reason)
    steps = path_steps(enrolment)
    todo = _todo(steps)
    wanted = [item.pk if isinstance(item, PathStep) else item for item in order]
    by_id = {step.pk: step for step in todo}
    if len(wanted) != len(by_id) or set(wanted) != set(by_id):
        raise OrderInvalid()
    before = [step.pk for step in todo]
    moved = _place(steps, [by_id[pk] for pk in wanted])
    if not moved:
        raise NothingChanged(_("The steps are already in this order."))
    for step in moved:
        _mark(step, AdaptationKind.REORDERED, reason)
    _save_moves(moved)
    _record(enrolment, by=by, kind=AdaptationKind.REORDERED, reason=reason,
            details={"order": {"before": before, "after": wanted}})
    replan(enrolment, steps)
    return moved


@transaction.atomic
def insert_step(enrolment: Enrolment, *, by: User, reason: str, position: int,
                from_step: Step | None = None, **content: Any) -> PathStep:
    """Add a step to this learner's path at `position` (1 puts it first).

    Copied from a programme step of the organisation (`from_step`; `content` may change
    some of its fields), or written on the spot: `kind`, `title`, and any other content
    field (`body`, `estimated_minutes`, `external_url`, `quiz`, …), plus `due_on`.
    """
    enrolment, reason = _begin(enrolment, by, reason)
    steps = path_steps(enrolment)
    if isinstance(position, bool) or not isinstance(position, int) \
            or not 1 <= position <= len(steps) + 1:
        raise PositionInvalid(_("Choose a position from 1 to %(last)d.")
                              % {"last": len(steps) + 1})
    values = _content(enrolment, from_step, content)
    neighbour = steps[position - 1] if position <= len(steps) else steps[-1]
    step = PathStep(enrolment=enrolment, source_step=from_step, position=position,
                    module_title=neighbour.module_title, added_by_coach=True, **values)
    _mark(step, AdaptationKind.INSERTED, reason)
    try:
        step.full_clean(exclude=["enrolment", "source_step", "prerequisites"])
    except ValidationError as invalid:
        raise StepContentInvalid(" ".join(invalid.messages)) from invalid
    moved = []
    for number, other in enumerate([*steps[:position - 1], step, *steps[position - 1:]], 1):
        if other.position != number:
            other.position = number
            if other is not step:
                moved.append(other)
    PathStep.objects.bulk_update(moved, ["position"])
    step.save()
    introduce_decks(enrolment.learner, [step])
    _record(enrolment, by=by, kind=AdaptationKind.INSERTED, reason=reason, path_step=step,
            details={"position": position, "title": step.title,
                     "from_step": from_step.pk if from_step else None})
    replan(enrolment, [*steps, step])
    return step


def _content(enrolment: Enrolment, from_step: Step | None,
             content: dict[str, Any]) -> dict[str, Any]:
    unknown = set(content) - CONTENT_NAMES - {"due_on"}
    if unknown:
        raise StepContentInvalid(_("Unknown step fields: %(fields)s.")
                                 % {"fields": ", ".join(sorted(unknown))})
    values: dict[str, Any] = {}
    if from_step is not None:
        if from_step.programme.organisation_id != enrolment.organisation_id:
            raise StepContentInvalid(_("This step belongs to another organisation."))
        values = {name: getattr(from_step, name) for name in CONTENT_FIELDS}
    for name, value in content.items():
        if name in {"quiz", "deck", "check_question"}:
            _require_same_organisation(enrolment, name, value)
            values[f"{name}_id"] = value.pk if value is not None else None
        else:
            values[name] = value
    values["title"] = str(values.get("title") or "").strip()
    if not values["title"]:
        raise StepContentInvalid(_("Give the step a title."))
    if values.get("kind") not in StepKind.values:
        raise StepContentInvalid(_("Choose the kind of step."))
    values.setdefault("estimated_minutes", 15)
    minutes = values["estimated_minutes"]
    if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes <= 0:
        raise StepContentInvalid(_("Give the estimated duration in minutes."))
    if values["kind"] == StepKind.QUIZ and not values.get("quiz_id"):
        raise StepContentInvalid(_("Choose the quiz of a quiz step."))
    if values["kind"] == StepKind.EXTERNAL:
        try:
            URLValidator()(values.get("external_url") or "")
        except ValidationError as invalid:
            raise StepContentInvalid(
                _("Give the link of an external activity.")) from invalid
    if values.get("reviews_required") and not values.get("deck_id"):
        raise StepContentInvalid(_("Choose the deck whose cards are to be reviewed."))
    for name in ("body", "video_url", "external_url"):
        values[name] = values.get(name) or ""
    return values


def _require_same_organisation(enrolment: Enrolment, name: str, value: Any) -> None:
    if value is None:
        return
    organisation_id = (value.bank.organisation_id if name == "check_question"
                       else value.organisation_id)
    if organisation_id != enrolment.organisation_id:
        raise StepContentInvalid(_("This %(what)s belongs to another organisation.")
                                 % {"what": value._meta.verbose_name})
