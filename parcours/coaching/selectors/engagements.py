"""Reads of the engagements part: engagement types, the managers' list, the engagement
page in each capacity, a person's own engagements, appointments to close, action items,
the beneficiary's open actions on their dashboard, and the "appointment" and "action"
timeline sources. Each with its access check; the hot ones in a fixed number of queries.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import F, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.accounts.models import Organisation, User
from parcours.accounts.selectors import require_permission, roles_in
from parcours.coaching import hours
from parcours.coaching.models import (
    ActionItem,
    Appointment,
    AppointmentStatus,
    Engagement,
    EngagementCoach,
    EngagementStatus,
    EngagementType,
    Note,
    Phase,
    PhaseTemplate,
)
from parcours.coaching.selectors import Capacity, capacity_in, engagement_for
from parcours.coaching.selectors.notes import notes_for
from parcours.coaching.timeline import TimelineEntry, timeline_source
from parcours.core.roles import ROLE_PERMISSIONS, Permission, roles_allow

OPEN_ACTIONS_SHOWN = 5
LIST_PAGE_SIZE = 100
# A long engagement's page shows its latest records; the notes page has them all.
NOTES_SHOWN = 20
HELD_SHOWN = 20
DONE_ACTIONS_SHOWN = 10


def _roles_granting(permission: str) -> list[str]:
    return [role for role, granted in ROLE_PERMISSIONS.items() if permission in granted]


# --- Engagement types ----------------------------------------------------------------------


def engagement_types(organisation: Organisation, *, viewer: User) -> list[EngagementType]:
    require_permission(viewer, organisation, Permission.MANAGE_COACHING)
    return list(EngagementType.objects.filter(organisation=organisation)
                .prefetch_related(Prefetch("phases",
                                           queryset=PhaseTemplate.objects.order_by("position")))
                .order_by("archived", "name"))


def engagement_type_for(user: User, organisation: Organisation,
                        type_id: int) -> EngagementType:
    """A type of the organisation with its phases and their note outlines (managers)."""
    require_permission(user, organisation, Permission.MANAGE_COACHING)
    phases = PhaseTemplate.objects.select_related("note_template").order_by("position")
    engagement_type = (EngagementType.objects.filter(organisation=organisation, pk=type_id)
                       .prefetch_related(Prefetch("phases", queryset=phases)).first())
    if engagement_type is None:
        raise Http404(_("No such engagement type."))
    return engagement_type


def phase_template_for(user: User, organisation: Organisation, type_id: int,
                       phase_id: int) -> PhaseTemplate:
    require_permission(user, organisation, Permission.MANAGE_COACHING)
    phase = (PhaseTemplate.objects.select_related("engagement_type__organisation")
             .filter(pk=phase_id, engagement_type_id=type_id,
                     engagement_type__organisation=organisation).first())
    if phase is None:
        raise Http404(_("No such phase."))
    return phase


def types_to_open(organisation: Organisation) -> QuerySet[EngagementType]:
    return EngagementType.objects.filter(organisation=organisation, archived=False)


# --- People to choose ----------------------------------------------------------------------


def coaches_of_organisation(organisation: Organisation) -> QuerySet[User]:
    """Members holding a role that lets them coach beneficiaries."""
    return (User.objects.filter(memberships__organisation=organisation,
                                memberships__roles__role__in=_roles_granting(
                                    Permission.COACH_BENEFICIARIES))
            .distinct().order_by("display_name", "email"))


def members_of_organisation(organisation: Organisation) -> QuerySet[User]:
    return (User.objects.filter(memberships__organisation=organisation)
            .distinct().order_by("display_name", "email"))


# --- Lists ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class EngagementRow:
    engagement: Engagement
    budget: hours.Budget
    coaches: list[User]


@dataclass(frozen=True)
class EngagementList:
    rows: list[EngagementRow]
    total: int
    types: list[EngagementType]
    coaches: list[User]


def engagements_list(organisation: Organisation, *, viewer: User, status: str = "",
                     coach_id: int | None = None, type_id: int | None = None,
                     ) -> EngagementList:
    """The organisation's engagements for managers, filtered, each with hours used and its
    coaches: five queries whatever the number of engagements."""
    require_permission(viewer, organisation, Permission.MANAGE_COACHING)
    engagements = Engagement.objects.filter(organisation=organisation)
    if status in EngagementStatus.values:
        engagements = engagements.filter(status=status)
    if coach_id:
        engagements = engagements.filter(coach_links__coach_id=coach_id)
    if type_id:
        engagements = engagements.filter(engagement_type_id=type_id)
    links = EngagementCoach.objects.select_related("coach").order_by("-lead", "id")
    page = list(hours.with_used_minutes(engagements)
                .select_related("engagement_type", "beneficiary")
                .prefetch_related(Prefetch("coach_links", queryset=links))
                .order_by("status", "-starts_on", "-id")[:LIST_PAGE_SIZE])
    return EngagementList(
        rows=[EngagementRow(engagement=e, budget=hours.budget_of(e),
                            coaches=[link.coach for link in e.coach_links.all()])
              for e in page],
        total=engagements.count() if len(page) == LIST_PAGE_SIZE else len(page),
        types=list(EngagementType.objects.filter(organisation=organisation)),
        coaches=list(coaches_of_organisation(organisation)))


def my_engagements(user: User, organisation: Organisation) -> list[EngagementRow]:
    """The engagements where the person is the beneficiary, active first."""
    engagements = (hours.with_used_minutes(
        Engagement.objects.filter(organisation=organisation, beneficiary=user)
        .exclude(status=EngagementStatus.ANONYMISED))
        .select_related("engagement_type")
        .prefetch_related(Prefetch("coach_links",
                                   queryset=EngagementCoach.objects.select_related("coach")
                                   .order_by("-lead", "id")))
        .order_by("status", "-starts_on", "-id"))
    return [EngagementRow(engagement=e, budget=hours.budget_of(e),
                          coaches=[link.coach for link in e.coach_links.all()])
            for e in engagements]


def engagements_visible_to(user: User, organisation: Organisation) -> list[EngagementRow]:
    """Every engagement of the organisation for managers; for anyone else those they
    coach (with `coach_beneficiaries`) and their own as beneficiary. Three queries."""
    roles = roles_in(user, organisation)
    engagements = Engagement.objects.filter(organisation=organisation)
    if not roles_allow(roles, Permission.MANAGE_COACHING):
        mine = Q(beneficiary=user)
        if roles_allow(roles, Permission.COACH_BENEFICIARIES):
            mine |= Q(pk__in=EngagementCoach.objects.filter(coach=user).values("engagement"))
        engagements = engagements.filter(mine)
    links = EngagementCoach.objects.select_related("coach").order_by("-lead", "id")
    page = (hours.with_used_minutes(engagements)
            .select_related("engagement_type", "beneficiary")
            .prefetch_related(Prefetch("coach_links", queryset=links))
            .order_by("status", "-starts_on", "-id")[:LIST_PAGE_SIZE])
    return [EngagementRow(engagement=e, budget=hours.budget_of(e),
                          coaches=[link.coach for link in e.coach_links.all()])
            for e in page]


def type_of_organisation(organisation: Organisation, type_id: int) -> EngagementType | None:
    return EngagementType.objects.filter(organisation=organisation, pk=type_id).first()


def members_with_ids(organisation: Organisation, user_ids: list[int]) -> dict[int, User]:
    """Members of the organisation among these ids, by id."""
    return {user.pk: user for user in members_of_organisation(organisation)
            .filter(pk__in=user_ids)}


# --- The engagement page -------------------------------------------------------------------


@dataclass
class EngagementPage:
    engagement: Engagement
    capacity: Capacity
    coaches: list[EngagementCoach]
    phases: list[Phase]
    hours: hours.Hours
    to_close: list[Appointment]
    past: list[Appointment]
    notes: list[Note]
    notes_total: int
    actions: list[ActionItem]
    held_total: int = 0
    done_total: int = 0

    @property
    def is_coach(self) -> bool:
        return self.capacity == Capacity.COACH

    @property
    def more_done(self) -> bool:
        return self.done_total > DONE_ACTIONS_SHOWN

    @property
    def is_manager(self) -> bool:
        return self.capacity == Capacity.MANAGER

    @property
    def is_beneficiary(self) -> bool:
        return self.capacity == Capacity.BENEFICIARY

    @property
    def is_active(self) -> bool:
        return self.engagement.status == EngagementStatus.ACTIVE


def engagement_page(user: User, organisation: Organisation,
                    engagement_id: int) -> EngagementPage:
    """Everything the engagement page shows, in the viewer's capacity, in a fixed number
    of queries (the notes through `selectors.notes`, so private ones only for coaches)."""
    engagement, capacity = engagement_for(user, organisation, engagement_id)
    coaches = list(engagement.coach_links.select_related("coach").order_by("-lead", "id"))
    phases = list(engagement.phases.order_by("position"))
    by_id = {phase.pk: phase for phase in phases}
    appointments = list(engagement.appointments.select_related("coach")
                        .order_by("starts_at", "id"))
    for appointment in appointments:
        appointment.phase = by_id.get(appointment.phase_id)
    now = timezone.now()
    actions = list(engagement.action_items.select_related("path_step", "done_by")
                   .order_by("done_at", "due_on", "id"))
    open_actions = [a for a in actions if not a.is_done]
    done = sorted((a for a in actions if a.is_done), key=lambda a: a.done_at, reverse=True)
    held = [a for a in reversed(appointments)
            if a.status in (AppointmentStatus.CLOSED, AppointmentStatus.MISSED,
                            AppointmentStatus.CANCELLED)]
    notes, notes_total = notes_for(engagement, capacity, limit=NOTES_SHOWN)
    return EngagementPage(
        engagement=engagement, capacity=capacity, coaches=coaches, phases=phases,
        hours=hours.hours_of(engagement, phases=phases),
        to_close=[a for a in appointments
                  if a.status == AppointmentStatus.BOOKED and a.starts_at <= now],
        past=held[:HELD_SHOWN], held_total=len(held),
        notes=notes, notes_total=notes_total,
        actions=open_actions + done[:DONE_ACTIONS_SHOWN], done_total=len(done))


def coach_of(engagement: Engagement, user_id: int) -> User | None:
    """One of the engagement's coaches, or None."""
    return User.objects.filter(pk=user_id, coach_links__engagement=engagement).first()


def appointment_for(user: User, organisation: Organisation,
                    appointment_id: int) -> tuple[Appointment, Capacity]:
    """An appointment and the viewer's capacity in its engagement; 404 for outsiders."""
    appointment = (Appointment.objects
                   .select_related("engagement__organisation", "engagement__beneficiary",
                                   "engagement__engagement_type", "coach")
                   .filter(pk=appointment_id, engagement__organisation=organisation).first())
    capacity = capacity_in(user, appointment.engagement) if appointment else None
    if capacity is None:
        raise Http404(_("No such appointment."))
    return appointment, capacity


def action_item_for(user: User, organisation: Organisation,
                    item_id: int) -> tuple[ActionItem, Capacity]:
    item = (ActionItem.objects
            .select_related("engagement__organisation", "engagement__beneficiary",
                            "engagement__engagement_type", "path_step")
            .filter(pk=item_id, engagement__organisation=organisation).first())
    capacity = capacity_in(user, item.engagement) if item else None
    if capacity is None:
        raise Http404(_("No such action."))
    return item, capacity


def action_items_of(engagement: Engagement) -> list[ActionItem]:
    return list(engagement.action_items.select_related("path_step")
                .order_by("done_at", "due_on", "id"))


# --- The beneficiary's dashboard -----------------------------------------------------------


@dataclass(frozen=True)
class OpenActions:
    items: list[ActionItem]
    more: int
    today: date


def open_actions_of(user: User, organisation: Organisation, *, today: date) -> OpenActions:
    """The beneficiary's own open actions in their active engagements, soonest due first:
    one query."""
    items = list(ActionItem.objects.filter(
        engagement__organisation=organisation, engagement__beneficiary=user,
        engagement__status=EngagementStatus.ACTIVE, done_at__isnull=True)
        .select_related("engagement", "path_step")
        .order_by(F("due_on").asc(nulls_last=True), "id")[:OPEN_ACTIONS_SHOWN + 1])
    return OpenActions(items=items[:OPEN_ACTIONS_SHOWN],
                       more=max(len(items) - OPEN_ACTIONS_SHOWN, 0), today=today)


def action_items_due(on: date) -> QuerySet[ActionItem]:
    """Open actions of active engagements due on or before `on` whose reminder has not
    gone yet, across organisations: what the `action_due` scan notifies."""
    return (ActionItem.objects.filter(done_at__isnull=True, due_on__lte=on,
                                      due_notified_on__isnull=True,
                                      engagement__status=EngagementStatus.ACTIVE)
            .select_related("engagement__organisation", "engagement__beneficiary"))


# --- Timeline sources ----------------------------------------------------------------------


@timeline_source("appointment")
def appointment_entries(engagement: Engagement, capacity: Capacity) -> list[TimelineEntry]:
    """Booked, held, missed and cancelled appointments: one query."""
    entries = []
    for appointment in engagement.appointments.select_related("coach").order_by():
        coach = appointment.coach.display_name if appointment.coach else ""
        if appointment.status == AppointmentStatus.CLOSED:
            title = _("Appointment held (%(duration)s)") % {
                "duration": hours.format_minutes(appointment.actual_minutes or 0)}
        elif appointment.status == AppointmentStatus.CANCELLED:
            title = _("Appointment cancelled")
        elif appointment.status == AppointmentStatus.MISSED:
            title = _("Appointment missed")
        else:
            title = _("Appointment booked")
        entries.append(TimelineEntry(at=appointment.starts_at, kind="appointment",
                                     title=title, detail=appointment.cancel_reason,
                                     actor=coach))
    return entries


@timeline_source("action")
def action_entries(engagement: Engagement, capacity: Capacity) -> list[TimelineEntry]:
    """Actions agreed, and those done: one query."""
    entries = []
    for item in engagement.action_items.select_related("done_by").order_by():
        entries.append(TimelineEntry(at=item.created_at, kind="action",
                                     title=_("Action agreed: %(title)s") % {"title": item.title}))
        if item.done_at:
            entries.append(TimelineEntry(
                at=item.done_at, kind="action",
                title=_("Action done: %(title)s") % {"title": item.title},
                actor=item.done_by.display_name if item.done_by else ""))
    return entries
