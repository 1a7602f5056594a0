"""Reminders before a coaching appointment, for the beneficiary.

Read through the coaching selectors only: the booked appointments starting soon, and
whether one is still booked at that time when the reminder goes out (a cancelled or
moved appointment is never reminded). Transactional, like the session reminder.
"""

from datetime import datetime, timedelta

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from parcours.coaching.selectors import appointment_is_still_booked, appointments_starting_between
from parcours.engagement.kinds import Kind, register_kind
from parcours.engagement.models import Category
from parcours.engagement.triggers.base import (
    OrganisationSettings,
    Param,
    Planner,
    Trigger,
    register_trigger,
)
from parcours.engagement.triggers.session_reminder import reminder_due

NAME = "appointment_reminder"


def still_relevant(notification) -> bool:
    starts_at = parse_datetime(notification.context.get("starts_at", ""))
    return starts_at is not None and appointment_is_still_booked(
        notification.context.get("appointment"), starts_at)


def scan(now: datetime) -> int:
    settings = OrganisationSettings(NAME)
    widest = settings.widest("hours_before")
    planner = Planner()
    for appointment in appointments_starting_between(now, now + timedelta(hours=widest)):
        engagement = appointment.engagement
        params = settings.params(engagement.organisation_id)
        if params is None or engagement.beneficiary is None:
            continue
        lead = reminder_due(appointment.starts_at, now, params["hours_before"])
        if lead is None:
            continue
        key = f"{NAME}:{appointment.pk}:{appointment.starts_at:%Y%m%dT%H%M}:{lead}h"
        planner.plan(engagement.beneficiary, NAME, organisation=engagement.organisation, key=key,
                     variables={"coach_name": appointment.coach.display_name,
                                "starts_at": appointment.starts_at,
                                "place": appointment.place or appointment.meeting_url},
                     context={"appointment": appointment.pk, "engagement": engagement.pk,
                              "starts_at": appointment.starts_at.isoformat(),
                              "lead_hours": lead})
    return planner.flush()


register_kind(Kind(
    name=NAME, category=Category.SCHEDULE, nudge=False, priority=80,
    subject=_("Reminder: your appointment with {{ coach_name }} on {{ starts_at }}"),
    body=_("Hello {{ first_name }}, {{ coach_name }} expects you on {{ starts_at }}."
           "{% if place %} Where: {{ place }}.{% endif %}"),
    still_relevant=still_relevant,
))

register_trigger(Trigger(
    name=NAME, label=_("Reminder before an appointment"),
    description=_("Beneficiaries are reminded of their coaching appointments beforehand."),
    kinds=(NAME,),
    params=(Param("hours_before", _("Hours before the start"), (48, 1), minimum=1,
                  maximum=24 * 14),),
    samples={NAME: {"first_name": "Léa", "coach_name": "Karim Benali",
                    "starts_at": "12/10/2026 14:00", "place": "Visio"}},
    scan=scan,
))
