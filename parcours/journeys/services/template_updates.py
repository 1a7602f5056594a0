"""Applying a programme's published changes to the paths already running, on a manager's
request: what a coach adapted for one learner, and what learners did, is never overwritten."""

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from parcours.accounts.models import User
from parcours.accounts.selectors import require_permission
from parcours.catalog.models import Programme
from parcours.core.errors import DomainError
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
from parcours.journeys.services._common import CONTENT_FIELDS, event_context, path_steps, replan
from parcours.journeys.services.enrolment import (
    Template,
    copied_content,
    introduce_decks,
    link_prerequisites,
    template_of,
)


class UnpublishedChanges(DomainError):
    default_message = gettext_lazy(
        "Publish the programme's changes first: running paths only receive a published "
        "version.")


@dataclass
class UpdateSummary:
    """What applying a programme update did to the running paths."""

    paths_updated: int = 0
    steps_updated: int = 0
    steps_added: int = 0
    steps_left_alone: int = 0
    paths: list[int] = field(default_factory=list)

    def __str__(self) -> str:
        if not self.paths_updated:
            return _("every running path was already up to date.")
        return _("%(paths)s; %(updated)s, %(added)s, %(kept)s.") % {
            "paths": ngettext("%(count)d path updated", "%(count)d paths updated",
                              self.paths_updated) % {"count": self.paths_updated},
            "updated": ngettext("%(count)d step changed", "%(count)d steps changed",
                                self.steps_updated) % {"count": self.steps_updated},
            "added": ngettext("%(count)d step added", "%(count)d steps added",
                              self.steps_added) % {"count": self.steps_added},
            "kept": ngettext(
                "%(count)d step left as it was (adapted by a coach, done, or no longer in "
                "the programme)",
                "%(count)d steps left as they were (adapted by a coach, done, or no longer "
                "in the programme)", self.steps_left_alone) % {"count": self.steps_left_alone},
        }


@transaction.atomic
def apply_programme_update(programme: Programme, *, by: User) -> UpdateSummary:
    """Bring every running path of the programme to its published version.

    In each path not yet completed: steps still to do that no coach adapted take the
    programme step's new content (and due date); steps new in the programme are added in
    their place; steps a coach adapted or added, steps done or skipped, and steps the
    programme no longer has are left as they are (a learner's history is never deleted).
    Each path notes the version and, if anything changed, a `template_applied` adaptation
    and a `path-adapted` event. Managers may.
    """
    require_permission(by, programme.organisation, Permission.MANAGE_CATALOG)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if programme.has_unpublished_changes:
        raise UnpublishedChanges()
    template = template_of(programme)
    summary = UpdateSummary()
    running = (Enrolment.objects.select_for_update(of=("self",))
               .filter(programme=programme, completed_at__isnull=True)
               .select_related("learner", "organisation", "programme").order_by("pk"))
    for enrolment in running:
        updated, added, kept = _update_path(enrolment, template, by=by)
        summary.steps_left_alone += len(kept)
        if updated or added:
            summary.paths_updated += 1
            summary.steps_updated += len(updated)
            summary.steps_added += len(added)
            summary.paths.append(enrolment.pk)
    return summary


def _update_path(enrolment: Enrolment, template: Template, *, by: User):
    programme = template.programme
    steps = path_steps(enrolment)
    copies: dict[int, PathStep] = {}
    for step in steps:  # the learner's copy first, a coach's extra copy only if alone
        if step.source_step_id is not None and (
                step.source_step_id not in copies or not step.added_by_coach):
            copies.setdefault(step.source_step_id, step)
    in_template = {step.pk for step in template.steps}
    updated: list[PathStep] = []
    added: list[PathStep] = []
    kept: list[PathStep] = [
        step for step in steps
        if not step.added_by_coach and step.source_step_id not in in_template]
    order = list(steps)
    for index, source in enumerate(template.steps):
        values = copied_content(source, enrolment.start_on)
        copy = copies.get(source.pk)
        if copy is None:
            copy = PathStep(enrolment=enrolment, source_step=source, position=0, **values)
            copies[source.pk] = copy
            order.insert(_place_for(order, template, index, copies), copy)
            added.append(copy)
            continue
        changes = {name: value for name, value in values.items()
                   if getattr(copy, name) != value}
        needs = set(template.prerequisites.get(source.pk, ()))
        if not changes and needs == {p.source_step_id for p in copy.prerequisites.all()}:
            continue
        if copy.status != PathStepStatus.TODO or copy.adapted:
            kept.append(copy)
            continue
        for name, value in changes.items():
            setattr(copy, name, value)
        updated.append(copy)
    old_version = enrolment.programme_version
    enrolment.programme_version = programme.version
    enrolment.save(update_fields=["programme_version", "updated_at"])
    if not updated and not added:
        return updated, added, kept
    _save(order, updated, added, template, copies)
    introduce_decks(enrolment.learner, [step for step in updated + added if step.deck_id])
    _record(enrolment, by=by, old_version=old_version, updated=updated, added=added,
            kept=kept)
    replan(enrolment, order)
    return updated, added, kept


def _place_for(order: list[PathStep], template: Template, index: int,
               copies: dict[int, PathStep]) -> int:
    """Right after the copy of the nearest earlier programme step; first if none."""
    for earlier in reversed(template.steps[:index]):
        copy = copies.get(earlier.pk)
        if copy is not None and copy in order:
            return order.index(copy) + 1
    return 0


def _save(order: list[PathStep], updated: list[PathStep], added: list[PathStep],
          template: Template, copies: dict[int, PathStep]) -> None:
    for number, step in enumerate(order, start=1):
        step.position = number
    PathStep.objects.bulk_create(added)
    existing = [step for step in order if step not in added]
    fields = ["position", *CONTENT_FIELDS, "module_title", "due_on"]
    PathStep.objects.bulk_update([s for s in existing if s in updated], fields)
    PathStep.objects.bulk_update([s for s in existing if s not in updated], ["position"])
    Link = PathStep.prerequisites.through
    refreshed = updated + added
    Link.objects.filter(from_pathstep__in=[step.pk for step in updated]).delete()
    link_prerequisites(
        (step, copies[needed])
        for step in refreshed
        for needed in template.prerequisites.get(step.source_step_id, ())
        if needed in copies
    )


def _record(enrolment: Enrolment, *, by: User, old_version: int, updated: list[PathStep],
            added: list[PathStep], kept: list[PathStep]) -> None:
    programme = enrolment.programme
    with translation.override(enrolment.learner.locale):
        reason = _("The programme “%(title)s” was updated (version %(version)d).") % {
            "title": programme.title, "version": programme.version}
    details: dict[str, Any] = {
        "version": {"before": old_version, "after": programme.version},
        "updated": [step.pk for step in updated],
        "added": [step.pk for step in added],
        "left_alone": [step.pk for step in kept],
    }
    Adaptation.objects.create(enrolment=enrolment, kind=AdaptationKind.TEMPLATE_APPLIED,
                              reason=reason, details=details, made_by=by,
                              made_at=timezone.now())
    record_event(by, Verb.PATH_ADAPTED, enrolment, organisation=enrolment.organisation,
                 context=event_context(enrolment, kind=AdaptationKind.TEMPLATE_APPLIED,
                                       reason=reason, version=programme.version))

