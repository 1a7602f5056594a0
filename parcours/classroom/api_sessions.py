"""REST endpoints of the sessions part of classroom (merged by classroom/api.py).

The sessions a caller may see over a period, one session with its slots, trainers and
room, scheduling, moving and cancelling. The same selectors and services as the pages:
a double booking is `409` with the reason, naming the other session.
"""

import zoneinfo
from datetime import datetime, timedelta

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status

from parcours.accounts.models import Organisation
from parcours.accounts.selectors import organisation_for
from parcours.api import schemas
from parcours.api.errors import OutsideOrganisation
from parcours.classroom import selectors
from parcours.classroom.models import Session
from parcours.classroom.services import scheduling
from parcours.core.errors import DomainError

router = Router(tags=["sessions"])

REFUSALS = {401: schemas.Error, 403: schemas.Error}
WRITE_ERRORS = {**REFUSALS, 400: schemas.Error, 404: schemas.Error, 409: schemas.Error,
                422: schemas.ValidationFailed}
DEFAULT_DAYS = 31


class PeriodInvalid(DomainError):
    default_message = _("The period must end after it starts, and last at most 366 days.")


# Schemas


class SlotIn(Schema):
    starts_at: datetime = Field(description="ISO 8601. Without an offset, read in the "
                                            "caller's time zone.",
                                examples=["2026-03-10T09:00:00+01:00"])
    ends_at: datetime = Field(examples=["2026-03-10T12:30:00+01:00"])


class SlotOut(Schema):
    id: int
    part: str = Field(description="morning, afternoon or evening (from the local start "
                                  "hour in the organisation's time zone).")
    starts_at: datetime
    ends_at: datetime


class RoomOut(Schema):
    id: int
    name: str
    venue: str
    address: str
    capacity: int | None


class TrainerOut(Schema):
    id: int
    display_name: str


class SessionOut(Schema):
    id: int
    title: str
    description: str
    kind: str = Field(description="in_person, virtual or hybrid.")
    status: str = Field(description="scheduled or cancelled.")
    starts_at: datetime | None = Field(description="The first slot's start.")
    ends_at: datetime | None = Field(description="The last slot's end.")
    capacity: int = Field(description="Seats.")
    seats_taken: int | None = Field(
        description="Learners with a seat; null for callers who neither schedule nor train.")
    room: RoomOut | None
    address: str
    meeting_url: str | None = Field(
        description="The virtual class link; null for callers without a seat in it.")
    trainers: list[TrainerOut]
    slots: list[SlotOut]
    programme: int | None = Field(description="Id of the programme it belongs to, if any.")
    step: int | None = Field(description="Id of the programme's live-session step, if any.")
    series: int | None = Field(description="Id of its weekly series, if any.")
    allows_self_registration: bool
    cancellation_notice_hours: int
    ical_uid: str = Field(description="UID of the session's calendar entry.")
    ical_sequence: int = Field(description="Goes up each time the session moves.")


class PeriodQuery(Schema):
    start: datetime | None = Field(
        None, description="Sessions ending after this moment (default: today's midnight in "
                          "the caller's time zone). A date or a date and time; without an "
                          "offset, read in the caller's time zone.", examples=["2026-03-01"])
    end: datetime | None = Field(
        None, description="… and starting before this one (default: 31 days after the "
                          "start). At most 366 days after the start.", examples=["2026-04-01"])


class SessionRequest(Schema):
    title: str = Field(max_length=200, examples=["Excel : les bases"])
    kind: str = Field("in_person", description="in_person, virtual or hybrid.")
    capacity: int = Field(ge=1, le=10_000, description="Seats.")
    slots: list[SlotIn] = Field(description="The half-days (morning, afternoon or evening), "
                                            "at least one.")
    trainers: list[int] = Field([], description="Ids of the trainers (trainers or coaches of "
                                                "the organisation).")
    room: int | None = Field(None, description="Id of one of the organisation's rooms.")
    address: str = Field("", max_length=1000, description="Where, without a room.")
    meeting_url: str = Field("", max_length=200, description="Virtual and hybrid: the link "
                                                             "(https://…).")
    description: str = Field("", max_length=10_000)
    step: int | None = Field(None, description="Id of a live-session step of one of the "
                                               "organisation's programmes.")
    allows_self_registration: bool = False
    cancellation_notice_hours: int = Field(48, ge=0, le=720)


class RescheduleRequest(Schema):
    slots: list[SlotIn] = Field(description="The new half-days; they replace the old ones.")


class CancelRequest(Schema):
    reason: str = Field(max_length=1000, description="Why; the people registered read it.",
                        examples=["The trainer is ill."])


# Helpers


def _organisation(request: HttpRequest, slug: str) -> Organisation:
    try:
        return organisation_for(request.auth, slug)
    except Http404 as outside:
        raise OutsideOrganisation() from outside


def _aware(moment: datetime, zone: zoneinfo.ZoneInfo) -> datetime:
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=zone)


def _slots(slots: list[SlotIn], zone: zoneinfo.ZoneInfo) -> list[tuple[datetime, datetime]]:
    return [(_aware(s.starts_at, zone), _aware(s.ends_at, zone)) for s in slots]


def _session_out(session: Session, viewer, *, schedules: bool) -> dict:
    room = session.room
    shows_seats = selectors.shows_seats_taken(session, viewer, schedules=schedules)
    shows_link = selectors.shows_meeting_link(session, viewer, schedules=schedules)
    return {
        "id": session.pk, "title": session.title, "description": session.description,
        "kind": session.kind, "status": session.status, "starts_at": session.starts_at,
        "ends_at": session.ends_at, "capacity": session.capacity,
        "seats_taken": session.seats_taken if shows_seats else None,
        "room": None if room is None else {
            "id": room.pk, "name": room.name, "venue": room.venue, "address": room.address,
            "capacity": room.capacity},
        "address": session.address,
        "meeting_url": session.meeting_url if shows_link else None,
        "trainers": [{"id": t.pk, "display_name": t.display_name}
                     for t in selectors.session_trainers(session)],
        "slots": [{"id": s.pk, "part": s.part, "starts_at": s.starts_at, "ends_at": s.ends_at}
                  for s in selectors.session_slots(session)],
        "programme": session.programme_id, "step": session.step_id,
        "series": session.series_id,
        "allows_self_registration": session.allows_self_registration,
        "cancellation_notice_hours": session.cancellation_notice_hours,
        "ical_uid": str(session.ical_uid), "ical_sequence": session.ical_sequence,
    }


def _out(request: HttpRequest, organisation: Organisation, session_id: int) -> dict:
    session = selectors.session_for(request.auth, organisation, session_id)
    return _session_out(session, request.auth,
                        schedules=selectors.schedules_sessions(request.auth, organisation))


# Endpoints


@router.get("/organisations/{slug}/sessions", response={200: list[SessionOut], **REFUSALS,
                                                        400: schemas.Error},
            summary="List sessions over a period", operation_id="list_sessions")
def list_sessions(request: HttpRequest, slug: str, period: Query[PeriodQuery]):
    """The sessions the caller may see that overlap the period, by start, cancelled ones
    included: managers see all of them, trainers those they train, learners those they
    are registered in (or waiting for) and those open to self-registration."""
    organisation = _organisation(request, slug)
    zone = selectors.zone_of(request.auth)
    start = (_aware(period.start, zone) if period.start is not None
             else selectors.local_midnight(timezone.localtime(timezone.now(), zone).date(),
                                           zone))
    end = (_aware(period.end, zone) if period.end is not None
           else start + timedelta(days=DEFAULT_DAYS))
    if not start < end <= start + timedelta(days=selectors.MAX_CALENDAR_DAYS):
        raise PeriodInvalid()
    sessions = selectors.calendar(request.auth, organisation, start=start, end=end)
    schedules = selectors.schedules_sessions(request.auth, organisation)
    return [_session_out(session, request.auth, schedules=schedules) for session in sessions]


@router.get("/organisations/{slug}/sessions/{session_id}",
            response={200: SessionOut, **REFUSALS, 404: schemas.Error},
            summary="Get a session", operation_id="get_session")
def get_session(request: HttpRequest, slug: str, session_id: int):
    """One session with its slots, trainers and room; `404` for a session the caller may
    not see."""
    return _out(request, _organisation(request, slug), session_id)


@router.post("/organisations/{slug}/sessions", response={201: SessionOut, **WRITE_ERRORS},
             summary="Schedule a session", operation_id="schedule_session")
def schedule_session(request: HttpRequest, slug: str, payload: SessionRequest):
    """A new session with its slots. Managers and administrators only. `409` when a
    trainer or the room is already busy at an overlapping time (the reason names the
    other session); `400` for slots that overlap or end before they start, a virtual
    session without a link, or a room, trainer or step that is not the organisation's."""
    organisation = _organisation(request, slug)
    rooms = {room.pk: room for room in selectors.rooms_of(organisation, viewer=request.auth)}
    room = None
    if payload.room is not None:
        room = rooms.get(payload.room)
        if room is None:
            raise scheduling.RoomNotHere()
    trainers = list(selectors.trainers_of(organisation).filter(pk__in=payload.trainers))
    if len(trainers) != len(set(payload.trainers)):
        raise scheduling.NotATrainerHere(
            _("Some of these people are not trainers or coaches of this organisation."))
    step = None
    if payload.step is not None:
        step = selectors.live_session_steps(organisation).filter(pk=payload.step).first()
        if step is None:
            raise scheduling.StepNotALiveSession()
    values = payload.model_dump(exclude={"slots", "trainers", "room", "step"})
    session = scheduling.schedule_session(
        organisation, by=request.auth, slots=_slots(payload.slots, selectors.zone_of(
            request.auth)), trainers=trainers, room=room, step=step, **values)
    return Status(201, _out(request, organisation, session.pk))


@router.post("/organisations/{slug}/sessions/{session_id}/reschedule",
             response={200: SessionOut, **WRITE_ERRORS},
             summary="Move a session", operation_id="reschedule_session")
def reschedule_session(request: HttpRequest, slug: str, session_id: int,
                       payload: RescheduleRequest):
    """Replace the session's slots; calendars update (`ical_sequence` goes up) and the
    people registered are told. `409` on a double booking, or to move away a slot that
    already has attendance or signatures. Managers and administrators only."""
    organisation = _organisation(request, slug)
    session = selectors.session_to_manage(request.auth, organisation, session_id)
    scheduling.reschedule_session(session, by=request.auth,
                                  slots=_slots(payload.slots, selectors.zone_of(request.auth)))
    return _out(request, organisation, session_id)


@router.post("/organisations/{slug}/sessions/{session_id}/cancel",
             response={200: SessionOut, **WRITE_ERRORS},
             summary="Cancel a session", operation_id="cancel_session")
def cancel_session(request: HttpRequest, slug: str, session_id: int, payload: CancelRequest):
    """Call the session off, with the reason the people registered will read. It stays
    listed, with status `cancelled`. `409` if it already is. Managers and administrators
    only."""
    organisation = _organisation(request, slug)
    session = selectors.session_to_manage(request.auth, organisation, session_id)
    scheduling.cancel_session(session, by=request.auth, reason=payload.reason)
    return _out(request, organisation, session_id)
