"""REST endpoints of the booking part of coaching (merged by coaching/api.py).

A coach's own availability, the open slots of an engagement (in the caller's time zone,
ISO 8601 with offsets), booking, moving and cancelling appointments. The same selectors
and services as the pages.
"""

from datetime import date, datetime, time, timedelta

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from parcours.accounts.models import Organisation
from parcours.accounts.selectors import organisation_for, require_permission
from parcours.api import schemas
from parcours.api.errors import OutsideOrganisation
from parcours.coaching import ical
from parcours.coaching.models import Appointment, AvailabilityException, WeeklyAvailability
from parcours.coaching.selectors import booking as selectors
from parcours.coaching.selectors import engagement_for
from parcours.coaching.services import availability as availability_services
from parcours.coaching.services import booking as services
from parcours.core.roles import Permission

router = Router(tags=["coaching booking"])

REFUSALS = {401: schemas.Error, 403: schemas.Error, 404: schemas.Error}
ACTION_ERRORS = {**REFUSALS, 400: schemas.Error, 409: schemas.Error,
                 422: schemas.ValidationFailed}


class PeriodIn(Schema):
    weekday: int = Field(ge=0, le=6, description="0 is Monday, 6 is Sunday.")
    start_time: time = Field(description="Local wall-clock time, HH:MM.")
    end_time: time
    modes: list[str] = Field(["video"], description="in_person, phone and/or video.")
    place: str = Field("", max_length=255, description="Where in-person appointments are.")


class PeriodOut(PeriodIn):
    id: int
    time_zone: str


class ExceptionIn(Schema):
    kind: str = Field(description="unavailable (time off) or extra (a one-off slot).")
    starts_at: datetime = Field(description="ISO 8601 with its offset.")
    ends_at: datetime
    note: str = Field("", max_length=200)
    modes: list[str] = Field(["video"], description="For an extra slot.")
    place: str = Field("", max_length=255)


class ExceptionOut(ExceptionIn):
    id: int


class AvailabilityIn(Schema):
    time_zone: str | None = Field(None, description="The zone of the times; yours by default.")
    weekly: list[PeriodIn] = Field(max_length=40)


class AvailabilityOut(Schema):
    time_zone: str = Field(description="Your time zone: the exceptions' times are in it.")
    weekly: list[PeriodOut]
    exceptions: list[ExceptionOut] = Field(description="Those not over yet.")


class PersonRef(Schema):
    id: int
    display_name: str


class SlotOut(Schema):
    coach: PersonRef
    starts_at: datetime = Field(description="In your time zone, with its offset.")
    ends_at: datetime
    modes: list[str]
    place: str


class SlotsQuery(Schema):
    start: date | None = Field(None, alias="from",
                               description="First day, on your clock; today by default.")
    days: int = Field(14, ge=1, le=62)
    minutes: int | None = Field(None, description="The length; the engagement's usual one "
                                                  "by default.")


class AppointmentOut(Schema):
    id: int
    engagement: int
    coach: PersonRef
    beneficiary: PersonRef | None
    starts_at: datetime = Field(description="In your time zone, with its offset.")
    ends_at: datetime
    minutes: int
    mode: str
    place: str
    meeting_url: str = Field(description="Open it through join_url so the join time is kept.")
    join_url: str
    status: str = Field(description="booked, cancelled, closed or missed.")
    cancel_reason: str
    ical_uid: str
    ical_sequence: int


class BookingIn(Schema):
    coach: int = Field(description="Id of one of the engagement's coaches.")
    starts_at: datetime = Field(description="ISO 8601 with its offset (an open slot's "
                                            "starts_at for a beneficiary).")
    minutes: int
    mode: str = Field(description="in_person, phone or video.")
    place: str = Field("", max_length=255)
    meeting_url: str = Field("", max_length=500)


class MoveIn(Schema):
    starts_at: datetime
    minutes: int | None = None
    mode: str | None = None
    place: str | None = Field(None, max_length=255)


class CancelIn(Schema):
    reason: str = Field(max_length=255)


def _organisation(request: HttpRequest, slug: str) -> Organisation:
    try:
        return organisation_for(request.auth, slug)
    except Http404 as outside:
        raise OutsideOrganisation() from outside


def _person(user) -> dict | None:
    return None if user is None else {"id": user.pk, "display_name": user.display_name}


def _appointment_out(request: HttpRequest, appointment: Appointment) -> dict:
    zone = selectors.zone_of(request.auth)
    return {
        "id": appointment.pk,
        "engagement": appointment.engagement_id,
        "coach": _person(appointment.coach),
        "beneficiary": _person(appointment.engagement.beneficiary),
        "starts_at": appointment.starts_at.astimezone(zone),
        "ends_at": appointment.ends_at.astimezone(zone),
        "minutes": int((appointment.ends_at - appointment.starts_at).total_seconds() // 60),
        "mode": appointment.mode,
        "place": appointment.place,
        "meeting_url": appointment.meeting_url,
        "join_url": ical.join_url(appointment) if appointment.mode == "video" else "",
        "status": appointment.status,
        "cancel_reason": appointment.cancel_reason,
        "ical_uid": ical.appointment_uid(appointment),
        "ical_sequence": appointment.ical_sequence,
    }


def _period_out(row: WeeklyAvailability) -> dict:
    return {"id": row.pk, "weekday": row.weekday, "start_time": row.start_time,
            "end_time": row.end_time, "modes": row.modes, "place": row.place,
            "time_zone": row.time_zone}


def _exception_out(row: AvailabilityException, zone) -> dict:
    return {"id": row.pk, "kind": row.kind, "starts_at": row.starts_at.astimezone(zone),
            "ends_at": row.ends_at.astimezone(zone), "note": row.note, "modes": row.modes,
            "place": row.place}


def _availability_out(request: HttpRequest, organisation: Organisation) -> dict:
    coach, zone = request.auth, selectors.zone_of(request.auth)
    return {
        "time_zone": coach.time_zone,
        "weekly": [_period_out(row) for row in selectors.weekly_availability(coach,
                                                                              organisation)],
        "exceptions": [_exception_out(row, zone)
                       for row in selectors.upcoming_exceptions(coach, organisation)],
    }


# --- Availability ------------------------------------------------------------------------


@router.get("/organisations/{slug}/coaching/availability",
            response={200: AvailabilityOut, **REFUSALS},
            summary="Read my availability", operation_id="get_my_availability")
def get_availability(request: HttpRequest, slug: str):
    """Your usual week (local times in its zone) and your time off and extra slots to
    come. Coaches only."""
    organisation = _organisation(request, slug)
    require_permission(request.auth, organisation, Permission.COACH_BENEFICIARIES)
    return _availability_out(request, organisation)


@router.put("/organisations/{slug}/coaching/availability",
            response={200: AvailabilityOut, **ACTION_ERRORS},
            summary="Replace my usual week", operation_id="put_my_availability")
def put_availability(request: HttpRequest, slug: str, payload: AvailabilityIn):
    """Replace your usual week with these periods (local wall-clock times, in
    `time_zone` or yours). Appointments already booked stay."""
    organisation = _organisation(request, slug)
    availability_services.set_weekly_availability(
        request.auth, organisation, by=request.auth, time_zone=payload.time_zone,
        periods=[availability_services.WeeklyPeriod(
            weekday=period.weekday, start_time=period.start_time, end_time=period.end_time,
            modes=frozenset(period.modes), place=period.place) for period in payload.weekly])
    return _availability_out(request, organisation)


@router.post("/organisations/{slug}/coaching/availability/exceptions",
             response={201: ExceptionOut, **ACTION_ERRORS},
             summary="Add time off or an extra slot", operation_id="add_availability_exception")
def add_exception(request: HttpRequest, slug: str, payload: ExceptionIn):
    organisation = _organisation(request, slug)
    row = availability_services.add_availability_exception(
        request.auth, organisation, by=request.auth, kind=payload.kind,
        starts_at=payload.starts_at, ends_at=payload.ends_at, note=payload.note,
        modes=payload.modes, place=payload.place)
    return Status(201, _exception_out(row, selectors.zone_of(request.auth)))


@router.delete("/organisations/{slug}/coaching/availability/exceptions/{exception_id}",
               response={204: None, **REFUSALS},
               summary="Remove time off or an extra slot",
               operation_id="remove_availability_exception")
def remove_exception(request: HttpRequest, slug: str, exception_id: int):
    organisation = _organisation(request, slug)
    exception = selectors.exception_for(request.auth, organisation, exception_id)
    availability_services.remove_availability_exception(exception, by=request.auth)
    return Status(204, None)


# --- Slots and appointments of an engagement ---------------------------------------------


@router.get("/organisations/{slug}/engagements/{engagement_id}/slots",
            response={200: list[SlotOut], **REFUSALS, 422: schemas.ValidationFailed},
            summary="Open slots of an engagement's coaches", operation_id="list_open_slots")
def list_slots(request: HttpRequest, slug: str, engagement_id: int,
               query: Query[SlotsQuery]):
    """Times a beneficiary can book, under the engagement's rules (notice, buffer),
    from the day `from` on your clock for `days` days, in your time zone."""
    engagement, _capacity = engagement_for(request.auth, _organisation(request, slug),
                                           engagement_id)
    zone = selectors.zone_of(request.auth)
    minutes = query.minutes or engagement.default_minutes
    services.require_length(engagement, minutes)
    first = query.start or timezone.now().astimezone(zone).date()
    start = datetime.combine(first, time.min, tzinfo=zone)
    slots = selectors.open_slots_for(engagement, start=start,
                                     end=start + timedelta(days=query.days), minutes=minutes)
    coaches = {coach.pk: coach for coach in engagement.coaches.all()}
    return [{"coach": _person(coaches[slot.coach_id]),
             "starts_at": slot.starts_at.astimezone(zone),
             "ends_at": slot.ends_at.astimezone(zone), "modes": list(slot.modes),
             "place": slot.place} for slot in slots]


@router.get("/organisations/{slug}/engagements/{engagement_id}/appointments",
            response={200: list[AppointmentOut], **REFUSALS},
            summary="List an engagement's appointments",
            operation_id="list_engagement_appointments")
def list_appointments(request: HttpRequest, slug: str, engagement_id: int):
    """Every appointment of the engagement, latest first."""
    engagement, _capacity = engagement_for(request.auth, _organisation(request, slug),
                                           engagement_id)
    appointments = selectors.appointments_of(engagement)
    for appointment in appointments:
        appointment.engagement = engagement
    return [_appointment_out(request, appointment) for appointment in appointments]


@router.post("/organisations/{slug}/engagements/{engagement_id}/appointments",
             response={201: AppointmentOut, **ACTION_ERRORS},
             summary="Book an appointment", operation_id="book_appointment")
def book(request: HttpRequest, slug: str, engagement_id: int, payload: BookingIn):
    """The beneficiary books an open slot; a coach of the engagement or a manager may
    book any free time. `409` names the appointment in the way, or says the time is not
    open or too close. Both people get an invitation by email."""
    engagement, _capacity = engagement_for(request.auth, _organisation(request, slug),
                                           engagement_id)
    appointment = services.book_appointment(
        engagement, by=request.auth, coach=payload.coach, starts_at=payload.starts_at,
        minutes=payload.minutes, mode=payload.mode, place=payload.place,
        meeting_url=payload.meeting_url)
    return Status(201, _appointment_out(request, appointment))


# --- One appointment ---------------------------------------------------------------------


@router.get("/organisations/{slug}/coaching/appointments",
            response={200: list[AppointmentOut], **REFUSALS},
            summary="My appointments to come", operation_id="list_my_appointments")
def my_appointments(request: HttpRequest, slug: str):
    """Your booked appointments not over yet, as beneficiary or coach, soonest first."""
    organisation = _organisation(request, slug)
    return [_appointment_out(request, appointment)
            for appointment in selectors.my_appointments(request.auth, organisation)]


@router.get("/organisations/{slug}/coaching/appointments/{appointment_id}",
            response={200: AppointmentOut, **REFUSALS},
            summary="Read an appointment", operation_id="get_appointment")
def get_appointment(request: HttpRequest, slug: str, appointment_id: int):
    appointment, _capacity = selectors.appointment_for(
        request.auth, _organisation(request, slug), appointment_id)
    return _appointment_out(request, appointment)


@router.post("/organisations/{slug}/coaching/appointments/{appointment_id}/move",
             response={200: AppointmentOut, **ACTION_ERRORS},
             summary="Move an appointment", operation_id="move_appointment")
def move(request: HttpRequest, slug: str, appointment_id: int, payload: MoveIn):
    """Same rules as booking; calendars update in place (the sequence goes up)."""
    appointment, _capacity = selectors.appointment_for(
        request.auth, _organisation(request, slug), appointment_id)
    moved = services.move_appointment(appointment, by=request.auth,
                                      starts_at=payload.starts_at, minutes=payload.minutes,
                                      mode=payload.mode, place=payload.place)
    return _appointment_out(request, moved)


@router.post("/organisations/{slug}/coaching/appointments/{appointment_id}/cancel",
             response={200: AppointmentOut, **ACTION_ERRORS},
             summary="Cancel an appointment", operation_id="cancel_appointment")
def cancel(request: HttpRequest, slug: str, appointment_id: int, payload: CancelIn):
    """With a reason the other person reads. A beneficiary respects the notice period."""
    appointment, _capacity = selectors.appointment_for(
        request.auth, _organisation(request, slug), appointment_id)
    cancelled = services.cancel_appointment(appointment, by=request.auth,
                                            reason=payload.reason)
    return _appointment_out(request, cancelled)
