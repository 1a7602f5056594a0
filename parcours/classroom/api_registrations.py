"""REST endpoints of the registrations part of classroom (merged by classroom/api.py).

A session's registrations and waiting list, registering learners (or oneself),
cancelling, and a learner's own sessions. The same selectors and services as the
pages. The calendar feed is not here: calendars read `/calendar/<token>.ics`.
"""

from datetime import datetime

from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema, Status

from parcours.accounts.models import Organisation
from parcours.accounts.selectors import organisation_for
from parcours.api import schemas
from parcours.api.errors import OutsideOrganisation
from parcours.classroom import selectors, services
from parcours.classroom.models import Registration, RegistrationStatus
from parcours.core.errors import DomainError

router = Router(tags=["registrations"])

REFUSALS = {401: schemas.Error, 403: schemas.Error, 404: schemas.Error}
ACTION_ERRORS = {**REFUSALS, 400: schemas.Error, 409: schemas.Error,
                 422: schemas.ValidationFailed}


class UnknownLearners(DomainError):
    default_message = _("Some of these people are not learners of this organisation.")


class SessionRef(Schema):
    id: int
    title: str
    status: str = Field(description="scheduled or cancelled.")
    starts_at: datetime | None
    ends_at: datetime | None


class PersonRef(Schema):
    id: int
    display_name: str
    email: str


class RegistrationOut(Schema):
    id: int
    session: SessionRef
    learner: PersonRef
    status: str = Field(description="registered (a seat), waitlisted or cancelled.")
    waitlist_position: int | None = Field(
        description="For the waiting list: 1 gets the next seat that frees up.")
    funder: str
    registered_by: str | None = Field(description="Who registered them (their name).")
    created_at: datetime
    cancelled_at: datetime | None


class MySessionOut(RegistrationOut):
    can_cancel: bool = Field(description="Whether the learner may still cancel it now.")


class MySessions(Schema):
    upcoming: list[MySessionOut] = Field(description="First to last.")
    past: list[MySessionOut] = Field(description="Latest first.")


class RegistrationRequest(Schema):
    learners: list[int] | None = Field(
        None, description="Ids of learners to register (coaches, trainers, managers).")
    emails: list[str] | None = Field(
        None, description="Or their email addresses.")
    whole_programme: bool = Field(
        False, description="Also register everyone enrolled in the session's programme.")
    funder: str = Field("", max_length=120,
                        description="Who pays for these places (OPCO, CPF, employer…).")

    @property
    def for_oneself(self) -> bool:
        return not (self.learners or self.emails or self.whole_programme)


def _organisation(request: HttpRequest, slug: str) -> Organisation:
    try:
        return organisation_for(request.auth, slug)
    except Http404 as outside:
        raise OutsideOrganisation() from outside


def _registration_out(registration: Registration, position: int | None = None) -> dict:
    session, learner = registration.session, registration.learner
    return {
        "id": registration.pk,
        "session": {"id": session.pk, "title": session.title, "status": session.status,
                    "starts_at": session.starts_at, "ends_at": session.ends_at},
        "learner": {"id": learner.pk, "display_name": learner.display_name,
                    "email": learner.email},
        "status": registration.status,
        "waitlist_position": position,
        "funder": registration.funder,
        "registered_by": str(registration.registered_by) if registration.registered_by_id
        else None,
        "created_at": registration.created_at,
        "cancelled_at": registration.cancelled_at,
    }


@router.get("/organisations/{slug}/sessions/{session_id}/registrations",
            response={200: list[RegistrationOut], **REFUSALS},
            summary="List a session's registrations", operation_id="list_registrations")
def list_registrations(request: HttpRequest, slug: str, session_id: int):
    """Seats (by name), then the waiting list in order, then cancelled registrations.
    Coaches, trainers and managers; learners get `403`."""
    session = selectors.session_to_register_in(request.auth, _organisation(request, slug),
                                               session_id)
    listing = selectors.registrations_of(session, viewer=request.auth)
    for registration in [*listing.registered, *listing.waiting, *listing.cancelled]:
        registration.session = session
    return [
        *(_registration_out(r) for r in listing.registered),
        *(_registration_out(r, position) for position, r in enumerate(listing.waiting, 1)),
        *(_registration_out(r) for r in listing.cancelled),
    ]


@router.post("/organisations/{slug}/sessions/{session_id}/registrations",
             response={201: list[RegistrationOut], **ACTION_ERRORS},
             summary="Register learners, or oneself", operation_id="register")
def create_registrations(request: HttpRequest, slug: str, session_id: int,
                         payload: RegistrationRequest):
    """Register learners by `learners` (ids), `emails` and/or `whole_programme`
    (coaches, trainers, managers): seats first, then the waiting list, in the order
    given; people already registered are skipped. With none of them, register yourself
    (a learner, when the session allows it).

    Answers the new registrations. `409` when the session has started or is cancelled,
    or everyone is already registered; `400` for someone who is not a learner here.
    Each person gets an email with the session for their calendar.
    """
    organisation = _organisation(request, slug)
    if payload.for_oneself:
        session = selectors.session_for(request.auth, organisation, session_id)
        created = [services.register_self(session, by=request.auth)]
    else:
        session = selectors.session_to_register_in(request.auth, organisation, session_id)
        created = services.register_learners(session, _learners(request, session, payload),
                                             by=request.auth, funder=payload.funder)
    positions = _positions(created)
    return Status(201, [_registration_out(r, positions.get(r.pk)) for r in created])


def _learners(request: HttpRequest, session, payload: RegistrationRequest) -> list:
    learners = []
    if payload.learners:
        learners = selectors.learners_with_ids(session, payload.learners, viewer=request.auth)
        missing = set(payload.learners) - {learner.pk for learner in learners}
        if missing:
            raise UnknownLearners(_("No learner of this organisation has these ids: "
                                    "%(ids)s.") % {"ids": ", ".join(map(str, sorted(missing)))})
    if payload.emails:
        found, unknown = selectors.learners_with_emails(
            session.organisation, selectors.split_emails(" ".join(payload.emails)),
            viewer=request.auth)
        if unknown:
            raise UnknownLearners(_("No learner of this organisation has these addresses: "
                                    "%(emails)s.") % {"emails": ", ".join(unknown)})
        learners += found
    if payload.whole_programme:
        learners += selectors.learners_enrolled_in_programme(session, viewer=request.auth)
    return learners


def _positions(registrations: list[Registration]) -> dict[int, int]:
    waiting = [r for r in registrations if r.status == RegistrationStatus.WAITLISTED]
    return selectors.waitlist_positions(waiting)


@router.post("/organisations/{slug}/sessions/{session_id}/registrations/{registration_id}/cancel",
             response={200: RegistrationOut, **ACTION_ERRORS},
             summary="Cancel a registration", operation_id="cancel_registration")
def cancel(request: HttpRequest, slug: str, session_id: int, registration_id: int):
    """Cancel a seat or a place on the waiting list. A learner cancels their own until
    the session's cancellation notice before the start (`409` after); coaches,
    trainers and managers anyone's until the session ends. A freed seat goes to the
    first person waiting, who is told by email. `404` for someone else's registration."""
    registration = selectors.registration_for(request.auth, _organisation(request, slug),
                                              registration_id)
    if registration.session_id != session_id:
        raise Http404(_("No such registration."))
    return _registration_out(services.cancel_registration(registration, by=request.auth))


@router.get("/organisations/{slug}/my-sessions", response={200: MySessions, **REFUSALS},
            summary="List my sessions", operation_id="list_my_sessions")
def my_sessions(request: HttpRequest, slug: str):
    """The caller's registrations (learners): upcoming and past, each with its status,
    place on the waiting list and whether it can still be cancelled."""
    sessions = selectors.my_sessions(request.auth, _organisation(request, slug))

    def out(item) -> dict:
        return {**_registration_out(item.registration, item.waitlist_position),
                "can_cancel": item.can_cancel}

    return {"upcoming": [out(item) for item in sessions.upcoming],
            "past": [out(item) for item in sessions.past]}
