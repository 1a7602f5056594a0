"""Enrolling learners: each gets their own copy of the programme's steps, planned at
their pace."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import MembershipRole, User
from parcours.accounts.selectors import require_permission
from parcours.catalog.models import Programme, Step
from parcours.core.errors import Conflict, DomainError, NotAllowed
from parcours.core.events import record_event
from parcours.core.models import Verb
from parcours.core.roles import Permission, Role
from parcours.journeys.models import Enrolment, PathStep
from parcours.journeys.progress import planned_dates
from parcours.journeys.services._common import CONTENT_FIELDS, event_context

MAX_MINUTES_PER_WEEK = 7 * 24 * 60


class ProgrammeNotOpen(DomainError):
    default_message = _("This programme is not published: nobody can be enrolled in it yet.")


class ProgrammeEmpty(DomainError):
    default_message = _("This programme has no steps yet.")


class NotALearnerHere(DomainError):
    default_message = _("This person is not a learner in this organisation.")


class AlreadyEnrolled(Conflict):
    default_message = _("This person is already enrolled in this programme.")


class PaceInvalid(DomainError):
    default_message = _("Give the time available per week: from 1 minute to 168 hours.")


class StartDateInvalid(DomainError):
    default_message = _("Give the start date.")


class NoLearners(DomainError):
    default_message = _("Choose at least one learner.")


class SelfEnrolmentClosed(NotAllowed):
    default_message = _("This programme does not take enrolments from learners themselves: "
                        "ask your coach to enrol you.")


@dataclass
class Template:
    """A programme's steps in path order, with their prerequisites, loaded once per batch."""

    programme: Programme
    steps: list[Step]
    prerequisites: dict[int, list[int]] = field(default_factory=dict)


def template_of(programme: Programme) -> Template:
    steps = list(Step.objects.filter(programme=programme).select_related("module")
                 .order_by("module__position", "module_id", "position", "id"))
    needs: dict[int, list[int]] = {}
    pairs = Step.prerequisites.through.objects.filter(from_step__programme=programme)
    for step_id, prerequisite_id in pairs.values_list("from_step_id", "to_step_id"):
        needs.setdefault(step_id, []).append(prerequisite_id)
    return Template(programme=programme, steps=steps, prerequisites=needs)


def copied_content(step: Step, start_on: date) -> dict[str, Any]:
    """What a path step takes from its programme step."""
    values = {name: getattr(step, name) for name in CONTENT_FIELDS}
    values["module_title"] = step.module.title
    values["due_on"] = (start_on + timedelta(days=step.due_offset_days)
                        if step.due_offset_days is not None else None)
    return values


def link_prerequisites(pairs: Iterable[tuple[PathStep, PathStep]]) -> None:
    Link = PathStep.prerequisites.through
    Link.objects.bulk_create(
        [Link(from_pathstep_id=step.pk, to_pathstep_id=needed.pk) for step, needed in pairs])


def introduce_decks(learner: User, steps: Iterable[PathStep]) -> None:
    """The learner meets the flashcards of the steps that bring a deck."""
    with_deck = [step for step in steps if step.deck_id is not None]
    if not with_deck:
        return
    from parcours.assessments.services import introduce_deck

    for step in with_deck:
        introduce_deck(step.deck, learner=learner, path_step=step)


def check_pace(minutes_per_week: Any) -> int:
    if (isinstance(minutes_per_week, bool) or not isinstance(minutes_per_week, int)
            or not 0 < minutes_per_week <= MAX_MINUTES_PER_WEEK):
        raise PaceInvalid()
    return minutes_per_week


def _check_programme(programme: Programme, template: Template) -> None:
    if not programme.is_published:
        raise ProgrammeNotOpen()
    if not template.steps:
        raise ProgrammeEmpty()


def _learners_here(programme: Programme, learners: Sequence[User]) -> set[int]:
    return set(MembershipRole.objects.filter(
        membership__organisation=programme.organisation_id, role=Role.LEARNER,
        membership__user__in=[learner.pk for learner in learners],
    ).values_list("membership__user_id", flat=True))


def _already_enrolled(programme: Programme, learners: Sequence[User]) -> set[int]:
    return set(Enrolment.objects.filter(
        programme=programme, learner__in=[learner.pk for learner in learners]
    ).values_list("learner_id", flat=True))


def enrol_many(
    programme: Programme, plans: Sequence[tuple[User, date, int]], *, by: User,
    template: Template | None = None,
) -> list[Enrolment]:
    """Enrol each (learner, start date, minutes per week), all or none.

    The caller has checked `by`'s permission. Every learner is checked before the first
    is enrolled, so that the error names the person the batch stopped at.
    """
    template = template or template_of(programme)
    _check_programme(programme, template)
    if not plans:
        raise NoLearners()
    seen: set[int] = set()
    learners = [learner for learner, _start, _pace in plans]
    learners_here = _learners_here(programme, learners)
    enrolled = _already_enrolled(programme, learners)
    for learner, start_on, minutes_per_week in plans:
        name = {"name": str(learner)}
        if learner.pk not in learners_here:
            raise NotALearnerHere(_("%(name)s is not a learner in this organisation.") % name)
        if learner.pk in enrolled or learner.pk in seen:
            raise AlreadyEnrolled(_("%(name)s is already enrolled in this programme.") % name)
        if not isinstance(start_on, date):
            raise StartDateInvalid()
        check_pace(minutes_per_week)
        seen.add(learner.pk)
    return [_enrol(template, learner, by=by, start_on=start_on, minutes_per_week=pace)
            for learner, start_on, pace in plans]


def _enrol(template: Template, learner: User, *, by: User, start_on: date,
           minutes_per_week: int) -> Enrolment:
    programme = template.programme
    try:
        # A savepoint: the unique constraint settles a race with another enrolment.
        with transaction.atomic():
            enrolment = Enrolment.objects.create(
                organisation_id=programme.organisation_id, programme=programme,
                learner=learner, start_on=start_on, minutes_per_week=minutes_per_week,
                programme_version=programme.version, enrolled_by=by)
    except IntegrityError as clash:
        raise AlreadyEnrolled(_("%(name)s is already enrolled in this programme.")
                              % {"name": str(learner)}) from clash
    steps = [
        PathStep(enrolment=enrolment, source_step=step, position=number,
                 **copied_content(step, start_on))
        for number, step in enumerate(template.steps, start=1)
    ]
    plan_positions = dict(zip((step.pk for step in template.steps), steps, strict=True))
    PathStep.objects.bulk_create(steps)
    link_prerequisites(
        (plan_positions[step_id], plan_positions[needed_id])
        for step_id, needs in template.prerequisites.items()
        for needed_id in needs if step_id in plan_positions and needed_id in plan_positions
    )
    plan = planned_dates(steps, start_on=start_on, minutes_per_week=minutes_per_week)
    for step in steps:
        step.planned_on = plan.get(step.pk)
    PathStep.objects.bulk_update(steps, ["planned_on"])
    introduce_decks(learner, steps)
    record_event(by, Verb.ENROLLED, programme, organisation=programme.organisation,
                 context=event_context(enrolment))
    return enrolment


@transaction.atomic
def enrol_learner(programme: Programme, learner: User, *, by: User, start_on: date,
                  minutes_per_week: int) -> Enrolment:
    """Enrol one learner: their path is a copy of the programme's steps, planned from
    `start_on` at `minutes_per_week`. Coaches, trainers and managers may."""
    require_permission(by, programme.organisation, Permission.ENROL_LEARNERS)
    [enrolment] = enrol_many(programme, [(learner, start_on, minutes_per_week)], by=by)
    return enrolment


@transaction.atomic
def enrol_learners(programme: Programme, learners: Iterable[User], *, by: User,
                   start_on: date, minutes_per_week: int) -> list[Enrolment]:
    """Enrol several learners with the same start and pace: all of them, or none."""
    require_permission(by, programme.organisation, Permission.ENROL_LEARNERS)
    return enrol_many(programme, [(learner, start_on, minutes_per_week)
                                  for learner in learners], by=by)


@transaction.atomic
def self_enrol(programme: Programme, *, by: User, start_on: date,
               minutes_per_week: int) -> Enrolment:
    """A learner enrols themselves from the catalogue, when the programme allows it."""
    require_permission(by, programme.organisation, Permission.FOLLOW_OWN_PATH)
    if not programme.allows_self_enrolment:
        raise SelfEnrolmentClosed()
    [enrolment] = enrol_many(programme, [(by, start_on, minutes_per_week)], by=by)
    return enrolment
