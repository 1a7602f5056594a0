"""REST endpoints of the engagements part of coaching (merged by coaching/api.py).

Engagements (list, open, get), their hours, closing an appointment, shared notes and
their comments, action items. The same selectors and services as the pages.

**Private notes never travel through the API**, in or out, whoever calls: the notes
endpoints read and write shared notes only, and closing an appointment takes a shared
note only (coaches write private notes on the closing page).
"""

from datetime import date, datetime

from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema, Status

from parcours.accounts.models import Organisation
from parcours.accounts.selectors import organisation_for
from parcours.api import schemas
from parcours.api.errors import OutsideOrganisation
from parcours.coaching import hours
from parcours.coaching.models import (
    ActionAssignee,
    ActionItem,
    Engagement,
    Note,
    NoteComment,
    NoteVisibility,
)
from parcours.coaching.selectors import Capacity, engagement_for
from parcours.coaching.selectors import engagements as selectors
from parcours.coaching.selectors.notes import shared_notes, with_details
from parcours.coaching.services import actions as action_services
from parcours.coaching.services import appointments as appointment_services
from parcours.coaching.services import engagements as services
from parcours.coaching.services import notes as note_services
from parcours.core.errors import DomainError, NotAllowed

router = Router(tags=["engagements"])

REFUSALS = {401: schemas.Error, 403: schemas.Error, 404: schemas.Error}
ACTION_ERRORS = {**REFUSALS, 400: schemas.Error, 409: schemas.Error,
                 422: schemas.ValidationFailed}
BASE = "/organisations/{slug}/engagements"


class UnknownPeople(DomainError):
    default_message = _("Some of these people are not members of this organisation.")


class UnknownType(DomainError):
    default_message = _("No engagement type of this organisation has this id.")


# --- Schemas -------------------------------------------------------------------------------


class PersonRef(Schema):
    id: int
    display_name: str


class CoachRef(PersonRef):
    lead: bool


class BudgetOut(Schema):
    contracted_minutes: int = Field(description="Allowed: contracted (or planned) minutes.")
    used_minutes: int = Field(description="Sum of the closed appointments' actual minutes.")
    left_minutes: int = Field(description="Contracted − used, never below 0.")
    over_minutes: int = Field(description="Used beyond the contracted minutes.")
    level: str = Field(description="ok, near (80 % or more used) or used_up (100 %).")
    left_text: str = Field(examples=["22 h 30"])


class PhaseHoursOut(BudgetOut):
    phase_id: int
    name: str
    position: int


class HoursOut(BudgetOut):
    current_phase_id: int | None
    phases: list[PhaseHoursOut]


class EngagementOut(Schema):
    id: int
    title: str
    engagement_type: str
    kind: str
    status: str = Field(description="active, closed or anonymised.")
    beneficiary: PersonRef | None
    coaches: list[CoachRef]
    objectives: str
    funder: str = Field(description="Empty for the beneficiary.")
    starts_on: date
    ends_on: date | None
    capacity: str = Field(description="How the caller takes part: coach, beneficiary or "
                                      "manager.")
    hours: BudgetOut


class PhaseOut(Schema):
    id: int
    name: str
    position: int
    planned_minutes: int


class EngagementDetailOut(EngagementOut):
    phases: list[PhaseOut]
    booking_rules: dict[str, int]


class EngagementIn(Schema):
    engagement_type: int = Field(description="Id of one of the organisation's types.")
    beneficiary: int = Field(description="User id of a member of the organisation.")
    coaches: list[int] = Field(description="User ids of coaches; the first leads.")
    title: str = Field("", max_length=200)
    objectives: str = ""
    contracted_minutes: int | None = Field(None, ge=0, description="Default: the type's.")
    funder: str = Field("", max_length=160)
    starts_on: date | None = Field(None, description="Default: today.")
    ends_on: date | None = None


class ActionIn(Schema):
    title: str = Field(max_length=200)
    assignee: str = Field(ActionAssignee.BENEFICIARY, description="beneficiary or coach.")
    due_on: date | None = None
    detail: str = ""


class CloseIn(Schema):
    actual_minutes: int = Field(description="Whole minutes, 1 to 720.")
    phase: int | None = Field(None, description="A phase id of the engagement; default: "
                                                "the current phase.")
    shared_note: str = Field("", description="A note the beneficiary reads.")
    action_items: list[ActionIn] = []


class AppointmentOut(Schema):
    id: int
    status: str
    starts_at: datetime
    ends_at: datetime
    actual_minutes: int | None
    phase_id: int | None
    closed_at: datetime | None


class CommentOut(Schema):
    id: int
    author: PersonRef | None
    body: str
    created_at: datetime


class NoteOut(Schema):
    id: int
    author: PersonRef | None
    phase_id: int | None
    body: str = Field(description="Markdown.")
    shared_at: datetime
    edited_at: datetime | None
    comments: list[CommentOut]


class NoteIn(Schema):
    body: str = Field(description="Markdown; shared with the beneficiary.")
    phase: int | None = None


class CommentIn(Schema):
    body: str = Field(max_length=5000)


class ActionOut(Schema):
    id: int
    title: str
    detail: str
    assignee: str
    due_on: date | None
    done_at: datetime | None
    path_step: dict | None = Field(description="The path step it became: id and status.")


# --- Helpers -------------------------------------------------------------------------------


def _organisation(request: HttpRequest, slug: str) -> Organisation:
    try:
        return organisation_for(request.auth, slug)
    except Http404 as outside:
        raise OutsideOrganisation() from outside


def _engagement(request: HttpRequest, slug: str, engagement_id: int):
    return engagement_for(request.auth, _organisation(request, slug), engagement_id)


def _person(user) -> dict | None:
    return {"id": user.pk, "display_name": user.display_name} if user else None


def _budget(budget: hours.Budget) -> dict:
    return {"contracted_minutes": budget.allowed, "used_minutes": budget.used,
            "left_minutes": budget.left, "over_minutes": budget.over,
            "level": str(budget.level), "left_text": budget.left_text}


def _engagement_out(engagement: Engagement, capacity: Capacity, budget: hours.Budget,
                    links) -> dict:
    return {
        "id": engagement.pk, "title": engagement.title,
        "engagement_type": engagement.engagement_type.name,
        "kind": engagement.engagement_type.kind, "status": engagement.status,
        "beneficiary": _person(engagement.beneficiary),
        "coaches": [{**_person(link.coach), "lead": link.lead} for link in links],
        "objectives": engagement.objectives,
        "funder": "" if capacity == Capacity.BENEFICIARY else engagement.funder,
        "starts_on": engagement.starts_on, "ends_on": engagement.ends_on,
        "capacity": str(capacity), "hours": _budget(budget),
    }


def _hours_out(result: hours.Hours) -> dict:
    return {**_budget(result),
            "current_phase_id": result.current_phase.pk if result.current_phase else None,
            "phases": [{**_budget(line), "phase_id": line.phase.pk, "name": line.phase.name,
                        "position": line.phase.position} for line in result.phases]}


def _note_out(note: Note) -> dict:
    return {"id": note.pk, "author": _person(note.author), "phase_id": note.phase_id,
            "body": note.body, "shared_at": note.shared_at, "edited_at": note.edited_at,
            "comments": [_comment_out(comment) for comment in note.comments.all()]}


def _comment_out(comment: NoteComment) -> dict:
    return {"id": comment.pk, "author": _person(comment.author), "body": comment.body,
            "created_at": comment.created_at}


def _action_out(item: ActionItem) -> dict:
    step = item.path_step
    return {"id": item.pk, "title": item.title, "detail": item.detail,
            "assignee": item.assignee, "due_on": item.due_on, "done_at": item.done_at,
            "path_step": {"id": step.pk, "status": step.status} if step else None}


def _shared_note(engagement: Engagement, note_id: int) -> Note:
    """A shared note of the engagement; a private one is a 404 like a missing one."""
    note = with_details(shared_notes(engagement)).filter(pk=note_id).first()
    if note is None:
        raise Http404(_("No such note."))
    return note


def _action(engagement: Engagement, item_id: int) -> ActionItem:
    item = engagement.action_items.select_related("path_step").filter(pk=item_id).first()
    if item is None:
        raise Http404(_("No such action."))
    item.engagement = engagement
    return item


def _phase(engagement: Engagement, phase_id: int | None):
    if phase_id is None:
        return None
    phase = engagement.phases.filter(pk=phase_id).first()
    if phase is None:
        raise appointment_services.PhaseInvalid()
    return phase


# --- Engagements ---------------------------------------------------------------------------


@router.get(BASE, response={200: list[EngagementOut], **REFUSALS},
            summary="List engagements", operation_id="list_engagements")
def list_engagements(request: HttpRequest, slug: str):
    """Every engagement of the organisation for managers; those the caller coaches, and
    their own as beneficiary, for anyone else. Each with its hours."""
    organisation = _organisation(request, slug)
    rows = selectors.engagements_visible_to(request.auth, organisation)
    out = []
    for row in rows:
        engagement = row.engagement
        capacity = (Capacity.BENEFICIARY if engagement.beneficiary_id == request.auth.pk
                    else Capacity.COACH if any(c.pk == request.auth.pk for c in row.coaches)
                    else Capacity.MANAGER)
        out.append(_engagement_out(engagement, capacity, row.budget,
                                   engagement.coach_links.all()))
    return out


@router.post(BASE, response={201: EngagementDetailOut, **ACTION_ERRORS},
             summary="Open an engagement", operation_id="open_engagement")
def open_engagement(request: HttpRequest, slug: str, payload: EngagementIn):
    """Open an engagement from a type (its phases, booking rules and default actions are
    copied). Managers for any coach; a coach for engagements they coach themselves."""
    organisation = _organisation(request, slug)
    kind = selectors.type_of_organisation(organisation, payload.engagement_type)
    if kind is None:
        raise UnknownType()
    people = selectors.members_with_ids(organisation, [payload.beneficiary, *payload.coaches])
    missing = {payload.beneficiary, *payload.coaches} - set(people)
    if missing:
        raise UnknownPeople(_("No member of this organisation has these ids: %(ids)s.")
                            % {"ids": ", ".join(map(str, sorted(missing)))})
    engagement = services.open_engagement(
        organisation, by=request.auth, engagement_type=kind,
        beneficiary=people[payload.beneficiary],
        coaches=[people[pk] for pk in payload.coaches], title=payload.title,
        objectives=payload.objectives, contracted_minutes=payload.contracted_minutes,
        funder=payload.funder, starts_on=payload.starts_on, ends_on=payload.ends_on)
    return Status(201, _detail(request, slug, engagement.pk))


def _detail(request: HttpRequest, slug: str, engagement_id: int) -> dict:
    engagement, capacity = _engagement(request, slug, engagement_id)
    links = list(engagement.coach_links.select_related("coach").order_by("-lead", "id"))
    phases = list(engagement.phases.order_by("position"))
    return {
        **_engagement_out(engagement, capacity, hours.hours_of(engagement, phases=phases),
                          links),
        "phases": [{"id": p.pk, "name": p.name, "position": p.position,
                    "planned_minutes": p.planned_minutes} for p in phases],
        "booking_rules": {name: getattr(engagement, name) for name in services.BOOKING_RULES},
    }


@router.get(BASE + "/{engagement_id}", response={200: EngagementDetailOut, **REFUSALS},
            summary="Get an engagement", operation_id="get_engagement")
def get_engagement(request: HttpRequest, slug: str, engagement_id: int):
    """`404` for anyone who is neither its coach, its beneficiary nor a manager."""
    return _detail(request, slug, engagement_id)


@router.get(BASE + "/{engagement_id}/hours", response={200: HoursOut, **REFUSALS},
            summary="Hours used and left", operation_id="engagement_hours")
def engagement_hours(request: HttpRequest, slug: str, engagement_id: int):
    """In total and per phase, in whole minutes, with the 80 % and 100 % levels."""
    engagement, _capacity = _engagement(request, slug, engagement_id)
    return _hours_out(hours.hours_of(engagement))


@router.post(BASE + "/{engagement_id}/appointments/{appointment_id}/close",
             response={200: AppointmentOut, **ACTION_ERRORS},
             summary="Close an appointment", operation_id="close_appointment")
def close_appointment(request: HttpRequest, slug: str, engagement_id: int,
                      appointment_id: int, payload: CloseIn):
    """Record the actual duration (the hours record), the phase, a shared note and the
    actions agreed. The engagement's coaches, once (`409` after), after it started
    (`400` before)."""
    engagement, capacity = _engagement(request, slug, engagement_id)
    appointment = engagement.appointments.filter(pk=appointment_id).first()
    if appointment is None:
        raise Http404(_("No such appointment."))
    if capacity != Capacity.COACH:
        raise NotAllowed(_("Only the engagement's coaches can do this."))
    appointment.engagement = engagement
    closed = appointment_services.close_appointment(
        appointment, by=request.auth, actual_minutes=payload.actual_minutes,
        phase=_phase(engagement, payload.phase), shared_note=payload.shared_note,
        action_items=[action_services.ActionDraft(title=a.title, assignee=a.assignee,
                                                  due_on=a.due_on, detail=a.detail)
                      for a in payload.action_items])
    return {"id": closed.pk, "status": closed.status, "starts_at": closed.starts_at,
            "ends_at": closed.ends_at, "actual_minutes": closed.actual_minutes,
            "phase_id": closed.phase_id, "closed_at": closed.closed_at}


# --- Shared notes --------------------------------------------------------------------------


@router.get(BASE + "/{engagement_id}/notes", response={200: list[NoteOut], **REFUSALS},
            summary="List shared notes", operation_id="list_shared_notes")
def list_notes(request: HttpRequest, slug: str, engagement_id: int):
    """Shared notes with their comments, newest first. Private notes are never served by
    the API, whoever asks."""
    engagement, _capacity = _engagement(request, slug, engagement_id)
    return [_note_out(note) for note in with_details(shared_notes(engagement))]


@router.post(BASE + "/{engagement_id}/notes", response={201: NoteOut, **ACTION_ERRORS},
             summary="Write a shared note", operation_id="write_shared_note")
def write_note(request: HttpRequest, slug: str, engagement_id: int, payload: NoteIn):
    """A note the beneficiary reads (the engagement's coaches)."""
    engagement, _capacity = _engagement(request, slug, engagement_id)
    note = note_services.write_note(engagement, by=request.auth, body=payload.body,
                                    visibility=NoteVisibility.SHARED,
                                    phase=_phase(engagement, payload.phase))
    return Status(201, _note_out(_shared_note(engagement, note.pk)))


@router.get(BASE + "/{engagement_id}/notes/{note_id}/comments",
            response={200: list[CommentOut], **REFUSALS},
            summary="List a shared note's comments", operation_id="list_note_comments")
def list_comments(request: HttpRequest, slug: str, engagement_id: int, note_id: int):
    engagement, _capacity = _engagement(request, slug, engagement_id)
    return [_comment_out(c) for c in _shared_note(engagement, note_id).comments.all()]


@router.post(BASE + "/{engagement_id}/notes/{note_id}/comments",
             response={201: CommentOut, **ACTION_ERRORS},
             summary="Comment on a shared note", operation_id="comment_on_note")
def comment(request: HttpRequest, slug: str, engagement_id: int, note_id: int,
            payload: CommentIn):
    """The beneficiary or a coach of the engagement."""
    engagement, _capacity = _engagement(request, slug, engagement_id)
    note = _shared_note(engagement, note_id)
    note.engagement = engagement
    return Status(201, _comment_out(note_services.comment_on_note(note, by=request.auth,
                                                                  body=payload.body)))


# --- Action items --------------------------------------------------------------------------


@router.get(BASE + "/{engagement_id}/actions", response={200: list[ActionOut], **REFUSALS},
            summary="List action items", operation_id="list_action_items")
def list_actions(request: HttpRequest, slug: str, engagement_id: int):
    """Open ones first (soonest due first), then done ones."""
    engagement, _capacity = _engagement(request, slug, engagement_id)
    return [_action_out(item) for item in selectors.action_items_of(engagement)]


@router.post(BASE + "/{engagement_id}/actions", response={201: ActionOut, **ACTION_ERRORS},
             summary="Add an action item", operation_id="create_action_item")
def create_action(request: HttpRequest, slug: str, engagement_id: int, payload: ActionIn):
    """The engagement's coaches."""
    engagement, _capacity = _engagement(request, slug, engagement_id)
    item = action_services.create_action_item(engagement, by=request.auth,
                                              title=payload.title, assignee=payload.assignee,
                                              due_on=payload.due_on, detail=payload.detail)
    return Status(201, _action_out(item))


@router.post(BASE + "/{engagement_id}/actions/{item_id}/tick",
             response={200: ActionOut, **ACTION_ERRORS},
             summary="Tick an action item done", operation_id="tick_action_item")
def tick(request: HttpRequest, slug: str, engagement_id: int, item_id: int):
    """The beneficiary or a coach; `409` when it is done already."""
    engagement, _capacity = _engagement(request, slug, engagement_id)
    item = action_services.tick_action_item(_action(engagement, item_id), by=request.auth)
    return _action_out(item)


@router.post(BASE + "/{engagement_id}/actions/{item_id}/untick",
             response={200: ActionOut, **ACTION_ERRORS},
             summary="Mark an action item to do again", operation_id="untick_action_item")
def untick(request: HttpRequest, slug: str, engagement_id: int, item_id: int):
    engagement, _capacity = _engagement(request, slug, engagement_id)
    item = action_services.untick_action_item(_action(engagement, item_id), by=request.auth)
    return _action_out(item)
