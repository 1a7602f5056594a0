"""Appointments in calendars: the invitation attached to booking emails, and each
person's private calendar feed (registered with `classroom.ical.feed_source` by
`coaching/handlers.py`).

One VEVENT per appointment, UID `<ical_uid>@parcours`: booking sends it with METHOD
REQUEST and SEQUENCE 0, each move sends it again with a higher SEQUENCE so calendars
update the entry in place, and cancelling sends METHOD CANCEL. Times are written in UTC;
descriptions in the reader's language and time zone (`classroom.ical.speaking_to`).
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from parcours.classroom.ical import (
    CANCEL,
    PUBLISH,
    REQUEST,
    CalendarEntry,
    calendar,
    feed_source,
    speaking_to,
)
from parcours.coaching.models import Appointment, AppointmentMode, AppointmentStatus

FEED_PAST_DAYS = 30

__all__ = ["CANCEL", "PUBLISH", "REQUEST", "appointment_event", "appointment_entries"]


def appointment_url(appointment: Appointment) -> str:
    return settings.SITE_URL + reverse(
        "coaching:appointment", args=[appointment.engagement.organisation.slug, appointment.pk])


def join_url(appointment: Appointment) -> str:
    return settings.SITE_URL + reverse(
        "coaching:join", args=[appointment.engagement.organisation.slug, appointment.pk])


def appointment_uid(appointment: Appointment) -> str:
    return f"{appointment.ical_uid}@parcours"


def location(appointment: Appointment) -> str:
    """Where: the place in person; by video, the Parcours link that records the join
    time and sends on to the meeting; by phone, nothing."""
    if appointment.mode == AppointmentMode.IN_PERSON:
        return appointment.place.replace("\n", ", ")
    if appointment.mode == AppointmentMode.VIDEO:
        return join_url(appointment)
    return ""


def summary(appointment: Appointment, reader) -> str:
    """"Appointment with <the other person>", as the reader sees it."""
    beneficiary = appointment.engagement.beneficiary
    if reader is not None and beneficiary is not None and reader.pk == appointment.coach_id:
        other = beneficiary.display_name
    else:
        other = appointment.coach.display_name
    text = _("Appointment with %(name)s") % {"name": other}
    if appointment.status == AppointmentStatus.CANCELLED:
        return _("Cancelled: %(title)s") % {"title": text}
    return text


def description(appointment: Appointment) -> str:
    start = timezone.localtime(appointment.starts_at)
    end = timezone.localtime(appointment.ends_at)
    lines = []
    if appointment.status == AppointmentStatus.CANCELLED:
        lines += [_("This appointment is cancelled."), appointment.cancel_reason, ""]
    lines.append(_("%(day)s, %(start)s–%(end)s") % {
        "day": formats.date_format(start, "DATE_FORMAT"),
        "start": formats.time_format(start, "TIME_FORMAT"),
        "end": formats.time_format(end, "TIME_FORMAT")})
    lines.append(appointment.get_mode_display())
    lines.append(appointment.engagement.title)
    if appointment.mode == AppointmentMode.VIDEO:
        lines.append(_("Join by video: %(link)s") % {"link": join_url(appointment)})
    lines.append(_("Appointment page: %(link)s") % {"link": appointment_url(appointment)})
    return "\n".join(line for line in lines if line is not None)


def _entry(appointment: Appointment, reader, *, cancelled: bool = False) -> CalendarEntry:
    cancelled = cancelled or appointment.status == AppointmentStatus.CANCELLED
    return CalendarEntry(
        uid=appointment_uid(appointment),
        sequence=appointment.ical_sequence,
        starts_at=appointment.starts_at,
        ends_at=appointment.ends_at,
        summary=summary(appointment, reader),
        location=location(appointment),
        description=description(appointment),
        url=appointment_url(appointment),
        status="CANCELLED" if cancelled else "CONFIRMED",
        organizer_name=appointment.engagement.organisation.name,
        attendee_name=getattr(reader, "display_name", ""),
        attendee_email=getattr(reader, "email", ""),
    )


def appointment_event(appointment: Appointment, *, method: str = REQUEST,
                      for_user=None) -> bytes:
    """The appointment as a calendar (one event), in the reader's language and zone.
    REQUEST adds or updates it, CANCEL removes it, PUBLISH is a file saved by hand."""
    if method not in (REQUEST, CANCEL, PUBLISH):
        raise ValueError(f"Unknown iTIP method {method!r}.")
    if for_user is None:
        return calendar([_entry(appointment, None, cancelled=method == CANCEL)],
                        method=method)
    with speaking_to(for_user):
        return calendar([_entry(appointment, for_user, cancelled=method == CANCEL)],
                        method=method)


def appointment_entries(user) -> list[CalendarEntry]:
    """The person's appointments from 30 days ago on, as beneficiary or coach, in the
    organisations they still belong to; cancelled ones show as cancelled."""
    since = timezone.now() - timedelta(days=FEED_PAST_DAYS)
    appointments = (
        Appointment.objects
        .filter(Q(coach=user) | Q(engagement__beneficiary=user), ends_at__gte=since,
                engagement__organisation__memberships__user=user)
        .exclude(status=AppointmentStatus.MISSED)
        .select_related("engagement__organisation", "engagement__beneficiary", "coach")
        .order_by("starts_at", "pk").distinct()
    )
    return [_entry(appointment, user) for appointment in appointments]


feed_source(appointment_entries)
