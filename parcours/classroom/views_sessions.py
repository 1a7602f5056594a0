"""Scheduling pages: the calendar, a session's page, scheduling, moving, changing and
cancelling sessions, and rooms (`/o/<slug>/sessions/…`, `/o/<slug>/rooms/…`).

Each view turns input into types, calls one selector or service, and turns the result
or the `DomainError` into a page; the rules live in `classroom.services.scheduling`.
"""

from datetime import date

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.classroom import selectors
from parcours.classroom.forms_sessions import (
    CancelForm,
    RepeatForm,
    RoomForm,
    SessionForm,
    slot_formset,
    typed,
)
from parcours.classroom.models import SessionStatus
from parcours.classroom.services import scheduling
from parcours.core.errors import DomainError
from parcours.core.roles import Permission, roles_allow
from parcours.web.decorators import member_page, organisation_page

MORE_ROWS = "more_rows"


def _anchor(request, zone) -> date:
    try:
        return date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return timezone.localtime(timezone.now(), zone).date()


@member_page
def calendar(request, organisation):
    zone = selectors.zone_of(request.user)
    view = request.GET.get("view")
    page = selectors.calendar_page(
        request.user, organisation, view=view if view in selectors.CALENDAR_VIEWS else "month",
        anchor=_anchor(request, zone), zone=zone)
    return render(request, "classroom/sessions/calendar.html", {
        "organisation": organisation,
        "page": page,
        "can_schedule": roles_allow(request.roles, Permission.SCHEDULE_SESSIONS),
        "session_base": reverse("classroom:calendar", args=[organisation.slug]),
    })


@member_page
def session_detail(request, organisation, session_id):
    session = selectors.session_for(request.user, organisation, session_id)
    zone = selectors.zone_of(request.user)
    can_schedule = roles_allow(request.roles, Permission.SCHEDULE_SESSIONS)
    return render(request, "classroom/sessions/session_detail.html", {
        "organisation": organisation,
        "session": session,
        "days": selectors.slots_by_day(session, zone),
        "can_schedule": can_schedule,
        "cancelled": session.status == SessionStatus.CANCELLED,
        "cancellation_reason": selectors.cancellation_reason(session),
        "shows_link": selectors.shows_meeting_link(session, request.user,
                                                   schedules=can_schedule),
        "shows_seats": selectors.shows_seats_taken(session, request.user,
                                                   schedules=can_schedule),
        # Polls, word clouds and boards run in the session are kept on its record.
        "can_run_live": roles_allow(request.roles, Permission.RUN_LIVE_ACTIVITIES),
    })


# Scheduling


def _zone(request):
    return selectors.zone_of(request.user)


@organisation_page(Permission.SCHEDULE_SESSIONS)
def session_new(request, organisation):
    submitted = request.method == "POST" and MORE_ROWS not in request.POST
    if request.method != "POST":
        initial = {"step": request.GET["step"]} if request.GET.get("step", "").isdigit() else {}
        form = SessionForm(organisation=organisation, initial=initial)
        repeat = RepeatForm()
    elif not submitted:
        form = SessionForm(organisation=organisation, initial=typed(
            SessionForm(request.POST, organisation=organisation)))
        repeat = RepeatForm(initial=typed(RepeatForm(request.POST)))
    else:
        form = SessionForm(request.POST, organisation=organisation)
        repeat = RepeatForm(request.POST)
    slots = slot_formset(request.POST if request.method == "POST" else None,
                         more_rows=not submitted)
    # Every form is checked, so that every error shows at once.
    if submitted and all([form.is_valid(), slots.is_valid(), repeat.is_valid()]):
        try:
            created = _schedule(organisation, request, form, slots, repeat)
        except DomainError as refused:
            form.add_error(None, refused.message)
        else:
            if len(created) > 1:
                messages.success(request, _("%(count)d sessions scheduled, one a week.")
                                 % {"count": len(created)})
            else:
                messages.success(request, _("Session scheduled."))
            return redirect("classroom:session", organisation.slug, created[0].pk)
    return render(request, "classroom/sessions/session_new.html", {
        "organisation": organisation, "form": form, "slots": slots, "repeat": repeat,
        "rooms_url": reverse("classroom:rooms", args=[organisation.slug]),
    }, status=400 if submitted else 200)


def _schedule(organisation, request, form, slots, repeat) -> list:
    values = form.values()
    weeks = repeat.weeks_to_repeat()
    first_slots = slots.slots(_zone(request))
    if weeks:
        return scheduling.schedule_series(organisation, by=request.user, weeks=weeks,
                                          first_slots=first_slots, **values)
    return [scheduling.schedule_session(organisation, by=request.user, slots=first_slots,
                                        **values)]


@organisation_page(Permission.SCHEDULE_SESSIONS)
def session_edit(request, organisation, session_id):
    session = selectors.session_to_manage(request.user, organisation, session_id)
    form = SessionForm.for_session(session, request.POST or None)
    if form.is_bound and form.is_valid():
        try:
            scheduling.update_session(session, by=request.user, **form.values())
        except DomainError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Session saved."))
            return redirect("classroom:session", organisation.slug, session.pk)
    return render(request, "classroom/sessions/session_edit.html", {
        "organisation": organisation, "session": session, "form": form,
        "rooms_url": reverse("classroom:rooms", args=[organisation.slug]),
    }, status=400 if form.errors else 200)


@organisation_page(Permission.SCHEDULE_SESSIONS)
def session_reschedule(request, organisation, session_id):
    session = selectors.session_to_manage(request.user, organisation, session_id)
    zone = _zone(request)
    submitted = request.method == "POST" and MORE_ROWS not in request.POST
    if request.method == "POST":
        slots = slot_formset(request.POST, more_rows=not submitted)
    else:
        slots = slot_formset(slots=[(s.starts_at, s.ends_at) for s in session.slots.all()],
                             zone=zone)
    error = None
    if submitted and slots.is_valid():
        try:
            scheduling.reschedule_session(session, by=request.user, slots=slots.slots(zone))
        except DomainError as refused:
            error = refused.message
        else:
            messages.success(request, _("Session moved. The people registered are told."))
            return redirect("classroom:session", organisation.slug, session.pk)
    return render(request, "classroom/sessions/session_reschedule.html", {
        "organisation": organisation, "session": session, "slots": slots, "error": error,
    }, status=400 if submitted else 200)


@organisation_page(Permission.SCHEDULE_SESSIONS)
def session_cancel(request, organisation, session_id):
    session = selectors.session_to_manage(request.user, organisation, session_id)
    form = CancelForm(request.POST or None)
    if form.is_bound and form.is_valid():
        try:
            scheduling.cancel_session(session, by=request.user, **form.cleaned_data)
        except DomainError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Session cancelled. The people registered are told."))
            return redirect("classroom:session", organisation.slug, session.pk)
    return render(request, "classroom/sessions/session_cancel.html", {
        "organisation": organisation, "session": session, "form": form,
    }, status=400 if form.errors else 200)


# Rooms


@organisation_page(Permission.SCHEDULE_SESSIONS)
def rooms(request, organisation):
    form = RoomForm(request.POST or None)
    if form.is_bound and form.is_valid():
        try:
            room = scheduling.create_room(organisation, by=request.user, **form.cleaned_data)
        except DomainError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Room “%(name)s” added.") % {"name": room})
            return redirect("classroom:rooms", organisation.slug)
    return render(request, "classroom/sessions/rooms.html", {
        "organisation": organisation, "form": form,
        "rooms": selectors.rooms_of(organisation, viewer=request.user),
    }, status=400 if form.errors else 200)


@organisation_page(Permission.SCHEDULE_SESSIONS)
def room_edit(request, organisation, room_id):
    room = selectors.room_to_edit(request.user, organisation, room_id)
    form = RoomForm.for_room(room, request.POST or None)
    if form.is_bound and form.is_valid():
        try:
            scheduling.update_room(room, by=request.user, **form.cleaned_data)
        except DomainError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Room saved."))
            return redirect("classroom:rooms", organisation.slug)
    return render(request, "classroom/sessions/room_edit.html", {
        "organisation": organisation, "room": room, "form": form,
    }, status=400 if form.errors else 200)
