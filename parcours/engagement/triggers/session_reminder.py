"""Reminders before a classroom session, for each learner with a seat.

Transactional, not a nudge: it does not count against the weekly cap, but waits for the
end of quiet hours (it is not urgent). By default two days before (to plan) and one
hour before (not to forget). A learner registered late gets only the nearest reminder,
not all of them at once. The key holds the session's start: a session moved later gets
its reminders again, and a reminder written before the move is dropped at send time.
"""

from datetime import datetime, timedelta

from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from parcours.classroom.models import Registration, RegistrationStatus, SessionStatus
from parcours.engagement.kinds import Kind, register_kind
from parcours.engagement.models import Category
from parcours.engagement.triggers.base import (
    OrganisationSettings,
    Param,
    Planner,
    Trigger,
    register_trigger,
)

NAME = "session_reminder"


def reminder_due(starts_at: datetime, now: datetime, hours_before: list[int]) -> int | None:
    """The reminder to send now (its lead in hours), or None: the nearest lead whose
    window the session has entered, so a late registration gets one reminder only."""
    if starts_at <= now:
        return None
    leads = [hours for hours in hours_before if starts_at - now <= timedelta(hours=hours)]
    return min(leads) if leads else None


def still_relevant(notification) -> bool:
    """The learner still has their seat, and the session is still on at that time."""
    registration = (Registration.objects.select_related("session")
                    .filter(pk=notification.context.get("registration")).first())
    if registration is None or registration.status != RegistrationStatus.REGISTERED:
        return False
    session = registration.session
    return (session.status == SessionStatus.SCHEDULED
            and session.starts_at == parse_datetime(notification.context.get("starts_at", "")))


def scan(now: datetime) -> int:
    settings = OrganisationSettings(NAME)
    widest = settings.widest("hours_before")
    registrations = (
        Registration.objects
        .filter(status=RegistrationStatus.REGISTERED, session__status=SessionStatus.SCHEDULED,
                session__starts_at__gt=now,
                session__starts_at__lte=now + timedelta(hours=widest))
        .select_related("session__organisation", "learner")
        .order_by("session__starts_at", "pk")
    )
    planner = Planner()
    for registration in registrations:
        session = registration.session
        params = settings.params(session.organisation_id)
        if params is None:
            continue
        lead = reminder_due(session.starts_at, now, params["hours_before"])
        if lead is None:
            continue
        key = f"{NAME}:{registration.pk}:{session.starts_at:%Y%m%dT%H%M}:{lead}h"
        url = reverse("classroom:session", args=[session.organisation.slug, session.pk])
        planner.plan(registration.learner, NAME, organisation=session.organisation, key=key,
                     variables={"session_title": session.title, "starts_at": session.starts_at,
                                "place": session.address or session.meeting_url},
                     url=url,
                     context={"session": session.pk, "registration": registration.pk,
                              "starts_at": session.starts_at.isoformat(), "lead_hours": lead,
                              "conversion_verb": "attended"})
    return planner.flush()


register_kind(Kind(
    name=NAME, category=Category.SCHEDULE, nudge=False, priority=80,
    subject=_("Reminder: “{{ session_title }}” on {{ starts_at }}"),
    body=_("Hello {{ first_name }}, you are expected at “{{ session_title }}” on "
           "{{ starts_at }}.{% if place %} Where: {{ place }}.{% endif %}"),
    still_relevant=still_relevant,
))

register_trigger(Trigger(
    name=NAME, label=_("Reminder before a session"),
    description=_("Learners with a seat are reminded of the session beforehand."),
    kinds=(NAME,),
    params=(Param("hours_before", _("Hours before the start"), (48, 1), minimum=1,
                  maximum=24 * 14),),
    samples={NAME: {"first_name": "Léa", "session_title": "Prendre la parole en public",
                    "starts_at": "12/10/2026 09:00", "place": "Salle Lumière"}},
    scan=scan,
))
