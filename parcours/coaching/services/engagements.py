"""Engagement types (the organisation's templates) and engagements: opening one from a
type, editing it, its coaches, closing it.

Managers (`manage_coaching`) set up types and open engagements for any coach; a coach
(`coach_beneficiaries`) opens the engagements they coach themselves. An engagement is a
copy of its type: later changes to the type never touch engagements already open.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import Membership, Organisation, User
from parcours.accounts.selectors import require_permission, roles_in
from parcours.coaching.models import (
    ActionAssignee,
    ActionItem,
    Engagement,
    EngagementCoach,
    EngagementKind,
    EngagementStatus,
    EngagementType,
    NoteTemplate,
    Phase,
    PhaseTemplate,
)
from parcours.coaching.selectors import Capacity, capacity_in
from parcours.core.errors import Conflict, DomainError, NotAllowed
from parcours.core.events import record_event
from parcours.core.models import Verb
from parcours.core.roles import Permission, roles_allow

BOOKING_RULES = ["notice_hours", "min_minutes", "max_minutes", "default_minutes",
                 "buffer_minutes"]
TYPE_FIELDS = ["name", "kind", "description", "contracted_minutes", "default_actions",
               "documents_to_produce", *BOOKING_RULES]
ENGAGEMENT_FIELDS = ["title", "objectives", "contracted_minutes", "funder", "starts_on",
                     "ends_on", *BOOKING_RULES]


class NameTaken(Conflict):
    default_message = _("Another engagement type of the organisation has this name.")


class NameRequired(DomainError):
    default_message = _("Give it a name.")


class LengthsInvalid(DomainError):
    default_message = _("The shortest appointment must last at least one minute, the longest "
                        "no less than the shortest, and the usual one between the two.")


class MinutesInvalid(DomainError):
    default_message = _("Give durations as whole minutes, zero or more.")


class KindInvalid(DomainError):
    default_message = _("Choose a kind of engagement.")


class OtherEngagementType(DomainError):
    default_message = _("This engagement type belongs to another organisation.")


class TypeArchived(Conflict):
    default_message = _("This engagement type is archived: choose another one.")


class NotAMember(DomainError):
    default_message = _("The beneficiary must be a member of the organisation.")


class NotACoach(DomainError):
    default_message = _("Every coach must hold the coach role in the organisation.")


class CoachRequired(DomainError):
    default_message = _("Choose at least one coach.")


class OwnEngagementsOnly(NotAllowed):
    default_message = _("You can open engagements that you coach yourself; a manager opens "
                        "them for other coaches.")


class DatesInvalid(DomainError):
    default_message = _("The end date cannot come before the start date.")


class TitleRequired(DomainError):
    default_message = _("Give the engagement a title.")


class EngagementClosed(Conflict):
    default_message = _("This engagement is closed: it can no longer change.")


class AlreadyCoach(Conflict):
    default_message = _("This person already coaches this engagement.")


class LastCoach(Conflict):
    default_message = _("An engagement keeps at least one coach: add another one first.")


class MoveInvalid(DomainError):
    default_message = _("This phase cannot move further.")


# --- Checks shared by the services ---------------------------------------------------------


def _minutes(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise MinutesInvalid()
    return value


def _check_rules(values: dict) -> None:
    for name in BOOKING_RULES + ["contracted_minutes"]:
        if name in values:
            _minutes(values[name])
    low, high, usual = values["min_minutes"], values["max_minutes"], values["default_minutes"]
    if low <= 0 or high < low or not low <= usual <= high:
        raise LengthsInvalid()


def _titles(titles) -> list[str]:
    return [str(title).strip()[:200] for title in (titles or []) if str(title).strip()]


def require_coach_or_manager(engagement: Engagement, by: User) -> Capacity:
    """The acting person coaches this engagement or manages coaching; refused otherwise."""
    capacity = capacity_in(by, engagement)
    if capacity not in (Capacity.COACH, Capacity.MANAGER):
        raise NotAllowed()
    return capacity


def require_coach(engagement: Engagement, by: User) -> None:
    """The acting person is one of the engagement's coaches (with `coach_beneficiaries`)."""
    if capacity_in(by, engagement) != Capacity.COACH:
        raise NotAllowed(_("Only the engagement's coaches can do this."))


def require_active(engagement: Engagement) -> None:
    if engagement.status != EngagementStatus.ACTIVE:
        raise EngagementClosed()


# --- Engagement types ----------------------------------------------------------------------


@transaction.atomic
def create_engagement_type(organisation: Organisation, *, by: User, name: str,
                           kind: str = EngagementKind.COACHING, description: str = "",
                           contracted_minutes: int = 0, default_actions: Sequence[str] = (),
                           documents_to_produce: Sequence[str] = (), notice_hours: int = 24,
                           min_minutes: int = 30, max_minutes: int = 180,
                           default_minutes: int = 60,
                           buffer_minutes: int = 15) -> EngagementType:
    """A new template for the organisation's engagements (phases are added after)."""
    require_permission(by, organisation, Permission.MANAGE_COACHING)
    values = {"name": name, "kind": kind, "description": description,
                  "contracted_minutes": contracted_minutes, "default_actions": default_actions,
                  "documents_to_produce": documents_to_produce, "notice_hours": notice_hours,
                  "min_minutes": min_minutes, "max_minutes": max_minutes,
                  "default_minutes": default_minutes, "buffer_minutes": buffer_minutes}
    engagement_type = EngagementType(organisation=organisation)
    _apply_type(engagement_type, values)
    engagement_type.save()
    return engagement_type


@transaction.atomic
def update_engagement_type(engagement_type: EngagementType, *, by: User,
                           **values) -> EngagementType:
    """Change a template; engagements already opened from it keep their copy."""
    require_permission(by, engagement_type.organisation, Permission.MANAGE_COACHING)
    unknown = set(values) - set(TYPE_FIELDS) - {"archived"}
    if unknown:
        raise DomainError(_("Unknown fields: %(fields)s.") % {"fields": ", ".join(unknown)})
    current = {name: getattr(engagement_type, name) for name in TYPE_FIELDS}
    _apply_type(engagement_type, {**current, **values})
    if "archived" in values:
        engagement_type.archived = bool(values["archived"])
    engagement_type.save()
    return engagement_type


def _apply_type(engagement_type: EngagementType, values: dict) -> None:
    name = (values["name"] or "").strip()
    if not name:
        raise NameRequired()
    if values["kind"] not in EngagementKind.values:
        raise KindInvalid()
    _check_rules(values)
    taken = EngagementType.objects.filter(organisation=engagement_type.organisation_id,
                                          name__iexact=name)
    if engagement_type.pk:
        taken = taken.exclude(pk=engagement_type.pk)
    if taken.exists():
        raise NameTaken()
    engagement_type.name = name[:120]
    engagement_type.kind = values["kind"]
    engagement_type.description = (values["description"] or "").strip()
    engagement_type.default_actions = _titles(values["default_actions"])
    engagement_type.documents_to_produce = _titles(values["documents_to_produce"])
    for name in ["contracted_minutes", *BOOKING_RULES]:
        setattr(engagement_type, name, values[name])


def _locked_type(engagement_type: EngagementType) -> list[PhaseTemplate]:
    """The type's phases, its row locked so that two editors number phases in turn."""
    EngagementType.objects.select_for_update().filter(pk=engagement_type.pk).first()
    return list(engagement_type.phases.order_by("position"))


@transaction.atomic
def add_phase_template(engagement_type: EngagementType, *, by: User, name: str,
                       planned_minutes: int, note_template: str = "") -> PhaseTemplate:
    """A phase at the end of the type, with its planned hours and note outline."""
    require_permission(by, engagement_type.organisation, Permission.MANAGE_COACHING)
    name = (name or "").strip()
    if not name:
        raise NameRequired()
    _minutes(planned_minutes)
    phases = _locked_type(engagement_type)
    phase = PhaseTemplate.objects.create(
        engagement_type=engagement_type, name=name[:120],
        position=(phases[-1].position + 1) if phases else 1, planned_minutes=planned_minutes)
    _save_note_template(phase, note_template)
    return phase


@transaction.atomic
def update_phase_template(phase: PhaseTemplate, *, by: User, name: str,
                          planned_minutes: int, note_template: str = "") -> PhaseTemplate:
    require_permission(by, phase.engagement_type.organisation, Permission.MANAGE_COACHING)
    name = (name or "").strip()
    if not name:
        raise NameRequired()
    phase.name = name[:120]
    phase.planned_minutes = _minutes(planned_minutes)
    phase.save(update_fields=["name", "planned_minutes"])
    _save_note_template(phase, note_template)
    return phase


def _save_note_template(phase: PhaseTemplate, body: str) -> None:
    body = (body or "").strip()
    if body:
        NoteTemplate.objects.update_or_create(
            phase_template=phase, defaults={"engagement_type": phase.engagement_type,
                                            "body": body})
    else:
        NoteTemplate.objects.filter(phase_template=phase).delete()


@transaction.atomic
def move_phase_template(phase: PhaseTemplate, *, by: User, up: bool) -> list[PhaseTemplate]:
    """Swap a phase with the one before (`up`) or after it. Returns the phases in order."""
    engagement_type = phase.engagement_type
    require_permission(by, engagement_type.organisation, Permission.MANAGE_COACHING)
    phases = _locked_type(engagement_type)
    index = next((i for i, other in enumerate(phases) if other.pk == phase.pk), None)
    target = None if index is None else index + (-1 if up else 1)
    if target is None or not 0 <= target < len(phases):
        raise MoveInvalid()
    phases[index], phases[target] = phases[target], phases[index]
    _renumber(phases)
    return phases


@transaction.atomic
def remove_phase_template(phase: PhaseTemplate, *, by: User) -> None:
    """Remove a phase from the type; engagements opened from it keep theirs."""
    engagement_type = phase.engagement_type
    require_permission(by, engagement_type.organisation, Permission.MANAGE_COACHING)
    phases = [other for other in _locked_type(engagement_type) if other.pk != phase.pk]
    phase.delete()
    _renumber(phases)


def _renumber(phases: list[PhaseTemplate]) -> None:
    # Positions are unique per type: park them out of the way first, then number 1…n.
    offset = (max((p.position for p in phases), default=0) + len(phases) + 1)
    for number, phase in enumerate(phases, 1):
        phase.position = offset + number
    PhaseTemplate.objects.bulk_update(phases, ["position"])
    for number, phase in enumerate(phases, 1):
        phase.position = number
    PhaseTemplate.objects.bulk_update(phases, ["position"])


# --- Engagements ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _People:
    beneficiary: User
    coaches: list[User]


def _check_people(organisation: Organisation, beneficiary: User,
                  coaches: Sequence[User]) -> _People:
    if beneficiary is None or not Membership.objects.filter(
            organisation=organisation, user=beneficiary).exists():
        raise NotAMember()
    chosen = list({coach.pk: coach for coach in coaches}.values())
    if not chosen:
        raise CoachRequired()
    for coach in chosen:
        if not roles_allow(roles_in(coach, organisation), Permission.COACH_BENEFICIARIES):
            raise NotACoach(_("%(name)s does not hold the coach role in this organisation.")
                            % {"name": coach.display_name})
    if beneficiary.pk in {coach.pk for coach in chosen}:
        raise DomainError(_("A person cannot coach their own engagement."))
    return _People(beneficiary=beneficiary, coaches=chosen)


def _check_dates(starts_on: date, ends_on: date | None) -> None:
    if ends_on is not None and ends_on < starts_on:
        raise DatesInvalid()


@transaction.atomic
def open_engagement(organisation: Organisation, *, by: User, engagement_type: EngagementType,
                    beneficiary: User, coaches: Sequence[User], title: str = "",
                    objectives: str = "", contracted_minutes: int | None = None,
                    funder: str = "", starts_on: date | None = None,
                    ends_on: date | None = None) -> Engagement:
    """Open an engagement from a type: its phases with their planned hours, its booking
    rules and its default action items are copied. The first coach leads."""
    roles = roles_in(by, organisation)
    people = _check_people(organisation, beneficiary, coaches)
    if not roles_allow(roles, Permission.MANAGE_COACHING):
        if not roles_allow(roles, Permission.COACH_BENEFICIARIES):
            raise NotAllowed()
        if by.pk not in {coach.pk for coach in people.coaches}:
            raise OwnEngagementsOnly()
    if engagement_type.organisation_id != organisation.pk:
        raise OtherEngagementType()
    if engagement_type.archived:
        raise TypeArchived()
    starts_on = starts_on or timezone.localdate()
    _check_dates(starts_on, ends_on)
    contracted = (engagement_type.contracted_minutes if contracted_minutes is None
                  else _minutes(contracted_minutes))
    title = (title or "").strip() or f"{engagement_type.name} — {beneficiary.display_name}"
    engagement = Engagement.objects.create(
        organisation=organisation, engagement_type=engagement_type, beneficiary=beneficiary,
        title=title[:200], objectives=(objectives or "").strip(),
        contracted_minutes=contracted, funder=(funder or "").strip()[:160],
        starts_on=starts_on, ends_on=ends_on,
        **{name: getattr(engagement_type, name) for name in BOOKING_RULES})
    EngagementCoach.objects.bulk_create([
        EngagementCoach(engagement=engagement, coach=coach, lead=number == 0)
        for number, coach in enumerate(people.coaches)])
    Phase.objects.bulk_create([
        Phase(engagement=engagement, name=template.name, position=template.position,
              planned_minutes=template.planned_minutes, template=template)
        for template in engagement_type.phases.order_by("position")])
    ActionItem.objects.bulk_create([
        ActionItem(engagement=engagement, title=action_title,
                   assignee=ActionAssignee.BENEFICIARY, created_by=by)
        for action_title in _titles(engagement_type.default_actions)])
    record_event(by, Verb.ENROLLED, engagement, organisation=organisation,
                 context={"engagement": engagement.pk, "beneficiary": beneficiary.pk,
                          "engagement_type": engagement_type.pk})
    return engagement


@transaction.atomic
def update_engagement(engagement: Engagement, *, by: User, **values) -> Engagement:
    """Change the title, objectives, contracted hours, funder, dates or booking rules
    (its coaches or a manager)."""
    require_coach_or_manager(engagement, by)
    require_active(engagement)
    unknown = set(values) - set(ENGAGEMENT_FIELDS)
    if unknown:
        raise DomainError(_("Unknown fields: %(fields)s.") % {"fields": ", ".join(unknown)})
    merged = {name: getattr(engagement, name) for name in ENGAGEMENT_FIELDS} | values
    if not (merged["title"] or "").strip():
        raise TitleRequired()
    if merged["starts_on"] is None:
        raise DatesInvalid(_("Give the start date."))
    _check_dates(merged["starts_on"], merged["ends_on"])
    _check_rules(merged)
    merged["title"] = merged["title"].strip()[:200]
    merged["objectives"] = (merged["objectives"] or "").strip()
    merged["funder"] = (merged["funder"] or "").strip()[:160]
    for name, value in merged.items():
        setattr(engagement, name, value)
    engagement.save()
    return engagement


@transaction.atomic
def assign_coach(engagement: Engagement, coach: User, *, by: User,
                 lead: bool = False) -> EngagementCoach:
    """Add a coach to the engagement (managers); `lead` makes them the lead coach."""
    require_permission(by, engagement.organisation, Permission.MANAGE_COACHING)
    require_active(engagement)
    _check_people(engagement.organisation, engagement.beneficiary, [coach])
    if engagement.coach_links.filter(coach=coach).exists():
        raise AlreadyCoach()
    if lead:
        engagement.coach_links.update(lead=False)
    link = EngagementCoach.objects.create(engagement=engagement, coach=coach, lead=lead)
    record_event(by, Verb.ASSIGNED, engagement, organisation=engagement.organisation,
                 context={"engagement": engagement.pk, "coach": coach.pk})
    return link


@transaction.atomic
def remove_coach(engagement: Engagement, coach: User, *, by: User) -> None:
    """Take a coach off the engagement (managers); the lead passes to the next coach."""
    require_permission(by, engagement.organisation, Permission.MANAGE_COACHING)
    require_active(engagement)
    links = list(engagement.coach_links.select_for_update().order_by("id"))
    link = next((link for link in links if link.coach_id == coach.pk), None)
    if link is None:
        raise DomainError(_("This person does not coach this engagement."))
    if len(links) == 1:
        raise LastCoach()
    link.delete()
    if link.lead:
        successor = next(other for other in links if other.pk != link.pk)
        successor.lead = True
        successor.save(update_fields=["lead"])


@transaction.atomic
def close_engagement(engagement: Engagement, *, by: User) -> Engagement:
    """End the engagement (its coaches or a manager): nothing more is booked or recorded."""
    require_coach_or_manager(engagement, by)
    require_active(Engagement.objects.select_for_update().get(pk=engagement.pk))
    engagement.status = EngagementStatus.CLOSED
    engagement.closed_at = timezone.now()
    engagement.save(update_fields=["status", "closed_at", "updated_at"])
    return engagement

