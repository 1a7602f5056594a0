"""What the booking pages and endpoints read, the access check built in.

`appointment_for` answers 404 to anyone who may not see the engagement it belongs to;
`open_slot_days` turns the open slots of an engagement's coaches into days on the
viewer's own clock.
"""

import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from parcours.accounts.models import Organisation, User
from parcours.coaching.models import (
    Appointment,
    AppointmentStatus,
    AvailabilityException,
    BookingSettings,
    Engagement,
    WeeklyAvailability,
)
from parcours.coaching.selectors import Capacity, engagement_for
from parcours.coaching.slots import BookingRules, OpenSlot, open_slots

MAX_DAYS = 62


@dataclass(frozen=True)
class ShownSlot:
    """An open slot as the viewer reads it."""

    slot: OpenSlot
    local_start: datetime
    coach: User

    @property
    def value(self) -> str:
        """What a form posts to choose it: the coach and the instant, unambiguous."""
        return f"{self.slot.coach_id}|{self.slot.starts_at.isoformat()}"


def zone_of(user: User) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(user.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.get_default_timezone()


def appointment_for(user: User, organisation: Organisation,
                    appointment_id: int) -> tuple[Appointment, Capacity]:
    """The appointment and the viewer's capacity in its engagement; 404 for everyone
    else (another beneficiary, another organisation, a coach of other people)."""
    appointment = (Appointment.objects
                   .select_related("engagement__organisation", "engagement__beneficiary",
                                   "engagement__engagement_type", "coach", "booked_by")
                   .filter(engagement__organisation=organisation, pk=appointment_id).first())
    if appointment is None:
        raise Http404
    engagement, capacity = engagement_for(user, organisation, appointment.engagement_id)
    appointment.engagement = engagement
    return appointment, capacity


def upcoming_appointments(engagement: Engagement) -> list[Appointment]:
    """Booked appointments not yet ended, soonest first (one query)."""
    return list(Appointment.objects
                .filter(engagement=engagement, status=AppointmentStatus.BOOKED,
                        ends_at__gt=timezone.now())
                .select_related("coach").order_by("starts_at"))


def appointments_of(engagement: Engagement) -> list[Appointment]:
    """Every appointment of the engagement, latest first (one query)."""
    return list(Appointment.objects.filter(engagement=engagement)
                .select_related("coach").order_by("-starts_at"))


def my_appointments(user: User, organisation: Organisation) -> list[Appointment]:
    """The person's booked appointments to come in the organisation, as beneficiary or
    coach (one query)."""
    return list(Appointment.objects
                .filter(Q(coach=user) | Q(engagement__beneficiary=user),
                        engagement__organisation=organisation,
                        status=AppointmentStatus.BOOKED, ends_at__gt=timezone.now())
                .select_related("engagement__beneficiary", "coach").order_by("starts_at"))


def weekly_availability(coach: User, organisation: Organisation) -> list[WeeklyAvailability]:
    return list(WeeklyAvailability.objects.filter(coach=coach, organisation=organisation)
                .order_by("weekday", "start_time"))


def upcoming_exceptions(coach: User, organisation: Organisation) -> list[AvailabilityException]:
    return list(AvailabilityException.objects
                .filter(coach=coach, organisation=organisation, ends_at__gt=timezone.now())
                .order_by("starts_at"))


def exception_for(user: User, organisation: Organisation,
                  exception_id: int) -> AvailabilityException:
    """One of the person's own exceptions; 404 for anyone else's."""
    exception = (AvailabilityException.objects.select_related("coach", "organisation")
                 .filter(organisation=organisation, coach=user, pk=exception_id).first())
    if exception is None:
        raise Http404
    return exception


def meeting_link_template(organisation: Organisation) -> str:
    return (BookingSettings.objects.filter(organisation=organisation)
            .values_list("meeting_link_template", flat=True).first() or "")


def open_slots_for(engagement: Engagement, *, start: datetime, end: datetime,
                   minutes: int, ignoring: int | None = None) -> list[OpenSlot]:
    """Open slots of the engagement's coaches, under its rules (at most 62 days)."""
    end = min(end, start + timedelta(days=MAX_DAYS))
    return open_slots(list(engagement.coach_links.values_list("coach_id", flat=True)),
                      start=start, end=end, length_minutes=minutes,
                      engagement_rules=BookingRules.of(engagement),
                      organisation=engagement.organisation, ignoring=ignoring)


def open_slot_days(engagement: Engagement, viewer: User, *, first_day: date, days: int,
                   minutes: int, ignoring: int | None = None
                   ) -> list[tuple[date, list[ShownSlot]]]:
    """The open slots from `first_day` for `days` days, grouped by day on the viewer's
    clock (a slot at 23:30 in Paris is on the next day for someone in Tokyo)."""
    zone = zone_of(viewer)
    start = datetime.combine(first_day, datetime.min.time(), tzinfo=zone)
    end = datetime.combine(first_day + timedelta(days=days), datetime.min.time(), tzinfo=zone)
    slots = open_slots_for(engagement, start=start, end=end, minutes=minutes,
                           ignoring=ignoring)
    coaches = {coach.pk: coach for coach in engagement.coaches.all()}
    by_day: dict[date, list[ShownSlot]] = defaultdict(list)
    for slot in slots:
        local = slot.starts_at.astimezone(zone)
        by_day[local.date()].append(ShownSlot(slot, local, coaches[slot.coach_id]))
    return sorted(by_day.items())
