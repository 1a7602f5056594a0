"""Action items agreed in coaching: created and edited by the engagement's coaches, ticked
done by whoever they are for (or a coach), and turned into a step of the beneficiary's
path when they deserve evidence (the step is inserted by `journeys`' own service; this
module never writes journeys' tables)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import User
from parcours.catalog.models import StepKind
from parcours.coaching.models import ActionAssignee, ActionItem, Appointment, Engagement
from parcours.coaching.selectors import Capacity, capacity_in
from parcours.coaching.selectors.engagements import action_items_due
from parcours.coaching.services.engagements import require_active, require_coach
from parcours.core.errors import Conflict, DomainError, NotAllowed
from parcours.core.events import record_event
from parcours.core.models import Verb
from parcours.engagement.kinds import Kind, register_kind
from parcours.engagement.models.notifications import Category
from parcours.engagement.services.outbox import notify
from parcours.journeys.selectors import followed_enrolment
from parcours.journeys.services.adaptations import insert_step

# Steps whose evidence a coaching action can ask for: work handed in and accepted by the
# coach, or the coach's validation that it was done.
PATH_STEP_KINDS = [StepKind.ASSIGNMENT, StepKind.CHECKPOINT]


class TitleRequired(DomainError):
    default_message = _("Say what the action is.")


class AssigneeInvalid(DomainError):
    default_message = _("Choose who the action is for: the beneficiary or the coach.")


class AlreadyDone(Conflict):
    default_message = _("This action is already done.")


class NotDone(Conflict):
    default_message = _("This action is not done yet.")


class AlreadyAStep(Conflict):
    default_message = _("This action is already a step of the path.")


class NotTheBeneficiarysPath(DomainError):
    default_message = _("Choose one of the beneficiary's own programmes.")


class StepKindInvalid(DomainError):
    default_message = _("Choose what proves the step done: work handed in, or your "
                        "validation.")


@dataclass(frozen=True)
class ActionDraft:
    """An action item as typed in a form or an API call, before it exists."""

    title: str
    assignee: str = ActionAssignee.BENEFICIARY
    due_on: date | None = None
    detail: str = ""


def _clean(draft: ActionDraft) -> ActionDraft:
    title = (draft.title or "").strip()
    if not title:
        raise TitleRequired()
    if draft.assignee not in ActionAssignee.values:
        raise AssigneeInvalid()
    return ActionDraft(title=title[:200], assignee=draft.assignee, due_on=draft.due_on,
                       detail=(draft.detail or "").strip())


def add_action_items(engagement: Engagement, drafts: list[ActionDraft], *, by: User,
                     appointment: Appointment | None = None) -> list[ActionItem]:
    """Create the items, for services that already checked the permission."""
    items = ActionItem.objects.bulk_create([
        ActionItem(engagement=engagement, appointment=appointment, created_by=by,
                   title=draft.title, detail=draft.detail, assignee=draft.assignee,
                   due_on=draft.due_on)
        for draft in map(_clean, drafts)])
    for item in items:
        record_event(by, Verb.ASSIGNED, item, organisation=engagement.organisation,
                     context={"engagement": engagement.pk, "assignee": item.assignee})
    return items


@transaction.atomic
def create_action_item(engagement: Engagement, *, by: User, title: str,
                       assignee: str = ActionAssignee.BENEFICIARY, due_on: date | None = None,
                       detail: str = "") -> ActionItem:
    """A coach of the engagement agrees an action with the beneficiary."""
    require_coach(engagement, by)
    require_active(engagement)
    [item] = add_action_items(engagement, [ActionDraft(title=title, assignee=assignee,
                                                       due_on=due_on, detail=detail)], by=by)
    return item


@transaction.atomic
def edit_action_item(item: ActionItem, *, by: User, title: str, assignee: str,
                     due_on: date | None, detail: str = "") -> ActionItem:
    require_coach(item.engagement, by)
    require_active(item.engagement)
    draft = _clean(ActionDraft(title=title, assignee=assignee, due_on=due_on, detail=detail))
    if draft.due_on != item.due_on:
        item.due_notified_on = None  # a new date deserves its own reminder
    item.title, item.assignee, item.due_on, item.detail = (draft.title, draft.assignee,
                                                           draft.due_on, draft.detail)
    item.save(update_fields=["title", "assignee", "due_on", "detail", "due_notified_on",
                             "updated_at"])
    return item


def _require_participant(item: ActionItem, by: User) -> None:
    if capacity_in(by, item.engagement) not in (Capacity.COACH, Capacity.BENEFICIARY):
        raise NotAllowed()


@transaction.atomic
def tick_action_item(item: ActionItem, *, by: User) -> ActionItem:
    """Mark it done (the beneficiary or a coach); records `completed`."""
    _require_participant(item, by)
    require_active(item.engagement)
    item = ActionItem.objects.select_for_update().select_related(
        "engagement__organisation").get(pk=item.pk)
    if item.is_done:
        raise AlreadyDone()
    item.done_at = timezone.now()
    item.done_by = by
    item.save(update_fields=["done_at", "done_by", "updated_at"])
    record_event(by, Verb.COMPLETED, item, organisation=item.engagement.organisation,
                 context={"engagement": item.engagement_id})
    return item


@transaction.atomic
def untick_action_item(item: ActionItem, *, by: User) -> ActionItem:
    """Undo a tick made by mistake (the beneficiary or a coach)."""
    _require_participant(item, by)
    require_active(item.engagement)
    item = ActionItem.objects.select_for_update().get(pk=item.pk)
    if not item.is_done:
        raise NotDone()
    item.done_at = None
    item.done_by = None
    item.save(update_fields=["done_at", "done_by", "updated_at"])
    return item


@transaction.atomic
def turn_into_path_step(item: ActionItem, *, by: User, enrolment_id: int, kind: str,
                        estimated_minutes: int = 30):
    """Add the action to the end of the beneficiary's path in one of their programmes,
    proven as `kind` says (work handed in and accepted, or the coach's validation). The
    action then shows the step's progress."""
    engagement = item.engagement
    require_coach(engagement, by)
    require_active(engagement)
    item = ActionItem.objects.select_for_update().get(pk=item.pk)
    if item.path_step_id is not None:
        raise AlreadyAStep()
    if kind not in PATH_STEP_KINDS:
        raise StepKindInvalid()
    try:
        enrolment = followed_enrolment(by, engagement.organisation, enrolment_id)
    except Http404 as missing:
        raise NotTheBeneficiarysPath() from missing
    if enrolment.learner_id != engagement.beneficiary_id:
        raise NotTheBeneficiarysPath()
    step = insert_step(
        enrolment, by=by, position=len(enrolment.steps.all()) + 1,
        reason=gettext("Agreed with your coach: %(title)s") % {"title": item.title},
        kind=kind, title=item.title, body=item.detail, due_on=item.due_on,
        estimated_minutes=estimated_minutes)
    item.path_step = step
    item.save(update_fields=["path_step", "updated_at"])
    return step


# --- Reminders of actions due ------------------------------------------------------------

ACTION_DUE = "action_due"
# An action forgotten for more than a week gets no late reminder: the coach raises it at
# the next appointment instead.
DUE_LOOKBACK = timedelta(days=7)


def _still_open(notification) -> bool:
    """Checked just before sending: ticked in the meantime, no reminder."""
    return ActionItem.objects.filter(pk=notification.context.get("action"),
                                     done_at__isnull=True).exists()


# Registered with the engine at import (coaching/handlers.py imports the selectors, and
# the pages and API import this module).
ACTION_DUE_KIND = register_kind(Kind(
    name=ACTION_DUE, category=Category.COACHING, nudge=False, priority=60,
    subject=_("Action due: {{ title }}"),
    body=_("Hello {{ first_name }},\n\n“{{ title }}”, agreed in “{{ engagement_title }}”, "
           "is due on {{ due_on }}. Tick it done in Parcours once it is."),
    still_relevant=_still_open,
))


def notify_due_actions(*, today: date | None = None) -> int:
    """Remind whoever an open action is for (the beneficiary, or the lead coach) on its
    due date, once per action and date (the idempotency key; `due_notified_on` keeps the
    scan short). Scheduled daily by the integrator; returns how many were planned."""
    today = today or timezone.localdate()
    items = list(action_items_due(today).filter(due_on__gte=today - DUE_LOOKBACK)
                 .prefetch_related("engagement__coach_links__coach"))
    planned = 0
    for item in items:
        engagement = item.engagement
        recipient = _recipient(item)
        with transaction.atomic():
            if recipient is not None and recipient.is_active:
                with translation.override(recipient.locale):
                    due_on = formats.date_format(item.due_on, "SHORT_DATE_FORMAT")
                notification = notify(
                    recipient, ACTION_DUE, organisation=engagement.organisation,
                    key=f"{ACTION_DUE}:{item.pk}:{item.due_on.isoformat()}",
                    variables={"title": item.title, "engagement_title": engagement.title,
                               "due_on": due_on},
                    url=reverse("coaching:engagement",
                                args=[engagement.organisation.slug, engagement.pk])
                    + f"#action-{item.pk}",
                    context={"engagement": engagement.pk, "action": item.pk})
                planned += notification is not None
            ActionItem.objects.filter(pk=item.pk).update(due_notified_on=today)
    return planned


def _recipient(item: ActionItem) -> User | None:
    if item.assignee == ActionAssignee.BENEFICIARY:
        return item.engagement.beneficiary
    links = sorted(item.engagement.coach_links.all(), key=lambda link: (not link.lead,
                                                                        link.pk))
    return links[0].coach if links else None
