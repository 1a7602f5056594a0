"""Pages of availability and booking: a coach's week, booking and moving (in the
viewer's own time zone), an appointment, cancelling it, and the video link opened
through Parcours.

Each view turns input into types, calls one selector or service, and turns the result
or the `DomainError` into a page; the rules live in `coaching.services.booking` and
`coaching.services.availability`.
"""

from datetime import UTC, date, datetime, timedelta

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from parcours.coaching import ical
from parcours.coaching.forms_booking import (
    AnyTimeForm,
    CancelForm,
    ExceptionForm,
    MeetingLinkForm,
    MeetingLinkTemplateForm,
    SlotChoiceForm,
    WeeklyFormSet,
)
from parcours.coaching.models import AppointmentMode, AppointmentStatus
from parcours.coaching.selectors import Capacity, engagement_for
from parcours.coaching.selectors import booking as selectors
from parcours.coaching.services import availability as availability_services
from parcours.coaching.services import booking as services
from parcours.core.errors import DomainError
from parcours.core.roles import Permission
from parcours.web.decorators import member_page, organisation_page

DAYS_SHOWN = 14

# --- A coach's availability --------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@organisation_page(Permission.COACH_BENEFICIARIES)
def availability(request, organisation):
    """The coach's usual week and its exceptions, on their own clock."""
    coach = request.user
    rows = selectors.weekly_availability(coach, organisation)
    week = WeeklyFormSet(prefix="week", initial=[
        {"weekday": row.weekday, "start_time": row.start_time, "end_time": row.end_time,
         "modes": row.modes, "place": row.place} for row in rows])
    exception_form = ExceptionForm(prefix="exception")
    week_error = exception_error = None
    status = 200
    action = request.POST.get("action")
    if action == "week":
        week = WeeklyFormSet(request.POST, prefix="week")
        if week.is_valid():
            periods = [form.period() for form in week.forms
                       if form.cleaned_data and not form.cleaned_data.get("DELETE")]
            try:
                availability_services.set_weekly_availability(coach, organisation, by=coach,
                                                              periods=periods)
            except DomainError as error:
                week_error, status = error.message, error.status_code
            else:
                messages.success(request, _("Your usual week is saved."))
                return redirect("coaching:availability", organisation.slug)
        else:
            status = 400
    elif action == "exception":
        exception_form = ExceptionForm(request.POST, prefix="exception")
        if exception_form.is_valid():
            data = exception_form.cleaned_data
            try:
                availability_services.add_availability_exception(
                    coach, organisation, by=coach, kind=data["kind"],
                    starts_at=data["starts_at"], ends_at=data["ends_at"], note=data["note"],
                    modes=data["modes"], place=data["place"])
            except DomainError as error:
                exception_error, status = error.message, error.status_code
            else:
                messages.success(request, _("The change to your week is saved."))
                return redirect("coaching:availability", organisation.slug)
        else:
            status = 400
    return render(request, "coaching/booking/availability.html", {
        "organisation": organisation,
        "week": week,
        "week_error": week_error,
        "exception_form": exception_form,
        "exception_error": exception_error,
        "exceptions": selectors.upcoming_exceptions(coach, organisation),
        "other_zone": any(row.time_zone != coach.time_zone for row in rows),
    }, status=status)


@require_POST
@organisation_page(Permission.COACH_BENEFICIARIES)
def remove_exception(request, organisation, exception_id):
    exception = selectors.exception_for(request.user, organisation, exception_id)
    availability_services.remove_availability_exception(exception, by=request.user)
    messages.success(request, _("The change to your week is removed."))
    return redirect("coaching:availability", organisation.slug)


@require_http_methods(["GET", "POST"])
@organisation_page(Permission.MANAGE_COACHING)
def booking_settings(request, organisation):
    """The meeting link template video appointments get (managers)."""
    form = MeetingLinkTemplateForm(initial={
        "template": selectors.meeting_link_template(organisation)})
    status = 200
    if request.method == "POST":
        form = MeetingLinkTemplateForm(request.POST)
        if form.is_valid():
            try:
                availability_services.set_meeting_link_template(
                    organisation, by=request.user, template=form.cleaned_data["template"])
            except DomainError as error:
                form.add_error("template", error.message)
                status = error.status_code
            else:
                messages.success(request, _("The booking settings are saved."))
                return redirect("coaching:booking_settings", organisation.slug)
        else:
            status = 400
    return render(request, "coaching/booking/settings.html",
                  {"organisation": organisation, "form": form}, status=status)


# --- Booking and moving ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@member_page
def book(request, organisation, engagement_id):
    """Open slots of the engagement's coaches in the viewer's time zone; the beneficiary
    picks one, a coach or a manager may also choose any free time."""
    engagement, capacity = engagement_for(request.user, organisation, engagement_id)
    return _booking_page(request, organisation, engagement, capacity)


@require_http_methods(["GET", "POST"])
@member_page
def move(request, organisation, appointment_id):
    appointment, capacity = selectors.appointment_for(request.user, organisation,
                                                      appointment_id)
    if appointment.status != AppointmentStatus.BOOKED:
        messages.error(request, services.NotBookedAnyMore.default_message)
        return redirect("coaching:appointment", organisation.slug, appointment.pk)
    return _booking_page(request, organisation, appointment.engagement, capacity,
                         moving=appointment)


def _booking_page(request, organisation, engagement, capacity, *, moving=None):
    viewer = request.user
    zone = selectors.zone_of(viewer)
    today = timezone.now().astimezone(zone).date()
    first_day = _date_param(request.GET.get("from")) or today
    first_day = max(first_day, today)
    default = engagement.default_minutes
    if moving is not None:
        default = int((moving.ends_at - moving.starts_at).total_seconds() // 60)
    minutes = _int_param(request.POST.get("minutes") or request.GET.get("minutes"), default)
    if not engagement.min_minutes <= minutes <= engagement.max_minutes:
        minutes = default
    staff = capacity != Capacity.BENEFICIARY
    coaches = list(engagement.coaches.order_by("display_name"))
    slot_form = SlotChoiceForm(initial={"minutes": minutes, "mode": _mode_default(moving)})
    any_form = AnyTimeForm(coaches, prefix="any", initial={
        "minutes": minutes, "coach": moving.coach_id if moving else coaches[0].pk
        if coaches else None, "mode": _mode_default(moving)}) if staff else None
    error, status = None, 200
    if request.method == "POST":
        done = None
        if request.POST.get("action") == "any" and staff:
            any_form = AnyTimeForm(coaches, request.POST, prefix="any")
            if any_form.is_valid():
                data = any_form.cleaned_data
                done = _try(lambda: _book_or_move(
                    engagement, moving, by=viewer, coach=data["coach"],
                    starts_at=data["starts_at"], minutes=data["minutes"], mode=data["mode"],
                    place=data["place"], meeting_url=data["meeting_url"]))
            else:
                done = (None, None, 400)
        else:
            slot_form = SlotChoiceForm(request.POST)
            if slot_form.is_valid():
                coach_id, starts_at = slot_form.cleaned_data["slot"]
                done = _try(lambda: _book_or_move(
                    engagement, moving, by=viewer, coach=coach_id, starts_at=starts_at,
                    minutes=slot_form.cleaned_data["minutes"],
                    mode=slot_form.cleaned_data["mode"]))
            else:
                done = (None, None, 400)
        appointment, error, status = done
        if appointment is not None:
            messages.success(request, _("The appointment is moved: both of you get the new "
                                        "time by email.") if moving else
                             _("The appointment is booked: both of you get an invitation "
                               "by email."))
            return redirect("coaching:appointment", organisation.slug, appointment.pk)
    days = selectors.open_slot_days(engagement, viewer, first_day=first_day, days=DAYS_SHOWN,
                                    minutes=minutes,
                                    ignoring=moving.pk if moving is not None else None)
    chosen = _chosen(request.POST.get("slot", ""))
    return render(request, "coaching/booking/book.html", {
        "organisation": organisation,
        "engagement": engagement,
        "capacity": capacity,
        "moving": moving,
        "days": days,
        "chosen": chosen,
        "minutes": minutes,
        "lengths": _lengths(engagement, minutes),
        "first_day": first_day,
        "last_day": first_day + timedelta(days=DAYS_SHOWN - 1),
        "previous_from": (first_day - timedelta(days=DAYS_SHOWN)).isoformat()
        if first_day > today else "",
        "next_from": (first_day + timedelta(days=DAYS_SHOWN)).isoformat(),
        "slot_form": slot_form,
        "any_form": any_form,
        "error": error,
        "zone": zone,
        "show_coach": len(coaches) > 1,
        "modes": _modes_offered(days) if not staff else AppointmentMode.choices,
    }, status=status)


def _modes_offered(days) -> list[tuple[str, str]]:
    """The ways to meet some slot shown offers (a beneficiary is not offered the others)."""
    offered = {mode for _day, slots in days for shown in slots for mode in shown.slot.modes}
    return [(value, label) for value, label in AppointmentMode.choices if value in offered]


def _book_or_move(engagement, moving, *, by, coach, starts_at, minutes, mode, place="",
                  meeting_url=""):
    if moving is None:
        return services.book_appointment(engagement, by=by, coach=coach, starts_at=starts_at,
                                         minutes=minutes, mode=mode, place=place,
                                         meeting_url=meeting_url)
    if coach != moving.coach_id:
        raise services.NotACoachOfEngagement(_("A moved appointment keeps its coach: cancel "
                                               "it and book another coach instead."))
    return services.move_appointment(moving, by=by, starts_at=starts_at, minutes=minutes,
                                     mode=mode, place=place or None)


def _chosen(value: str) -> str:
    """The slot posted, written as the page writes slots (UTC), to tick it again."""
    coach_id, _sep, moment = value.partition("|")
    try:
        starts_at = datetime.fromisoformat(moment)
    except ValueError:
        return ""
    if starts_at.tzinfo is None:
        return ""
    return f"{coach_id}|{starts_at.astimezone(UTC).isoformat()}"


def _try(action):
    try:
        return action(), None, 200
    except DomainError as error:
        return None, error.message, error.status_code


def _mode_default(moving) -> str:
    return moving.mode if moving is not None else AppointmentMode.VIDEO


def _lengths(engagement, minutes: int) -> list[int]:
    lengths = set(range(engagement.min_minutes, engagement.max_minutes + 1, 15))
    lengths |= {engagement.default_minutes, minutes}
    return sorted(length for length in lengths
                  if engagement.min_minutes <= length <= engagement.max_minutes)


def _date_param(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _int_param(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


# --- An engagement's appointments, one appointment ---------------------------------------


@require_safe
@member_page
def my_appointments(request, organisation):
    """The person's appointments to come, as beneficiary or coach, soonest first."""
    return render(request, "coaching/booking/my_appointments.html", {
        "organisation": organisation,
        "appointments": selectors.my_appointments(request.user, organisation),
        "zone": selectors.zone_of(request.user),
    })


@require_safe
@member_page
def engagement_appointments(request, organisation, engagement_id):
    """Upcoming appointments of an engagement (and the past ones), a page of its own or
    the engagement page's panel when htmx asks."""
    engagement, _capacity = engagement_for(request.user, organisation, engagement_id)
    appointments = selectors.appointments_of(engagement)
    now = timezone.now()
    context = {
        "organisation": organisation,
        "engagement": engagement,
        "upcoming": sorted((a for a in appointments if a.status == AppointmentStatus.BOOKED
                            and a.ends_at > now), key=lambda a: a.starts_at),
        "past": [a for a in appointments
                 if not (a.status == AppointmentStatus.BOOKED and a.ends_at > now)][:10],
        "show_coach": len({a.coach_id for a in appointments}) > 1,
        "zone": selectors.zone_of(request.user),
    }
    template = ("coaching/booking/_appointments.html" if request.headers.get("HX-Request")
                else "coaching/booking/appointments.html")
    return render(request, template, context)


@require_safe
@member_page
def appointment(request, organisation, appointment_id):
    appointment, capacity = selectors.appointment_for(request.user, organisation,
                                                      appointment_id)
    return _appointment_page(request, organisation, appointment, capacity)


def _appointment_page(request, organisation, appointment, capacity, *, link_form=None,
                      status=200):
    booked = appointment.status == AppointmentStatus.BOOKED
    participant = capacity in (Capacity.BENEFICIARY, Capacity.COACH)
    return render(request, "coaching/booking/appointment.html", {
        "organisation": organisation,
        "appointment": appointment,
        "engagement": appointment.engagement,
        "capacity": capacity,
        "booked": booked,
        "upcoming": booked and appointment.ends_at > timezone.now(),
        "can_join": booked and participant and appointment.mode == AppointmentMode.VIDEO,
        "link_form": link_form if link_form is not None else (
            MeetingLinkForm(initial={"meeting_url": appointment.meeting_url})
            if booked and capacity != Capacity.BENEFICIARY
            and appointment.mode == AppointmentMode.VIDEO else None),
        "zone": selectors.zone_of(request.user),
    }, status=status)


@require_http_methods(["GET", "POST"])
@member_page
def cancel(request, organisation, appointment_id):
    appointment, capacity = selectors.appointment_for(request.user, organisation,
                                                      appointment_id)
    form = CancelForm()
    error, status = None, 200
    if request.method == "POST":
        form = CancelForm(request.POST)
        if form.is_valid():
            try:
                services.cancel_appointment(appointment, by=request.user,
                                            reason=form.cleaned_data["reason"])
            except DomainError as refusal:
                error, status = refusal.message, refusal.status_code
            else:
                messages.success(request, _("The appointment is cancelled: both of you are "
                                            "told by email."))
                return redirect("coaching:appointment", organisation.slug, appointment.pk)
        else:
            status = 400
    return render(request, "coaching/booking/cancel.html", {
        "organisation": organisation, "appointment": appointment, "form": form,
        "error": error, "zone": selectors.zone_of(request.user),
    }, status=status)


@require_POST
@member_page
def set_link(request, organisation, appointment_id):
    appointment, capacity = selectors.appointment_for(request.user, organisation,
                                                      appointment_id)
    form = MeetingLinkForm(request.POST)
    if form.is_valid():
        try:
            services.set_meeting_link(appointment, by=request.user,
                                      meeting_url=form.cleaned_data["meeting_url"])
        except DomainError as error:
            form.add_error("meeting_url", error.message)
            return _appointment_page(request, organisation, appointment, capacity,
                                     link_form=form, status=error.status_code)
        messages.success(request, _("The meeting link is saved: both calendars are "
                                    "updated."))
        return redirect("coaching:appointment", organisation.slug, appointment.pk)
    return _appointment_page(request, organisation, appointment, capacity, link_form=form,
                             status=400)


@require_safe
@member_page
def join(request, organisation, appointment_id):
    """Record who joins and when, then send them on to the video meeting."""
    appointment, _capacity = selectors.appointment_for(request.user, organisation,
                                                       appointment_id)
    try:
        link = services.join_appointment(appointment, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("coaching:appointment", organisation.slug, appointment.pk)
    response = HttpResponseRedirect(link)
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_POST
@member_page
def leave(request, organisation, appointment_id):
    appointment, _capacity = selectors.appointment_for(request.user, organisation,
                                                       appointment_id)
    try:
        services.leave_appointment(appointment, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Noted: you left the meeting."))
    return redirect("coaching:appointment", organisation.slug, appointment.pk)


@require_safe
@member_page
def appointment_ics(request, organisation, appointment_id):
    """The appointment as a calendar file, to add it by hand."""
    appointment, _capacity = selectors.appointment_for(request.user, organisation,
                                                       appointment_id)
    method = ical.CANCEL if appointment.status == AppointmentStatus.CANCELLED else ical.PUBLISH
    response = HttpResponse(ical.appointment_event(appointment, method=method,
                                                   for_user=request.user),
                            content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="appointment-{appointment.pk}.ics"'
    patch_cache_control(response, private=True, no_cache=True)
    return response

