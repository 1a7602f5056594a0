"""iCalendar (RFC 5545) for sessions: the invitation attached to emails, and each
person's private calendar feed.

Two shapes, on purpose:

- **Invitations** (`session_event`, attached to emails with METHOD REQUEST or CANCEL)
  hold **one VEVENT per session**, UID `<ical_uid>@parcours`, from the first slot's
  start to the last slot's end, with every half-day listed in the description. iTIP
  (RFC 5546) wants one UID per message, and one UID per session is what lets a
  calendar update the entry in place when the session moves (same UID, higher
  SEQUENCE), however its slots were added, moved or removed, and remove it on CANCEL.
- **Feeds** (`feed_calendar`, subscribed to by Google Calendar, Outlook, Thunderbird)
  hold **one VEVENT per slot**, UID `<ical_uid>-<slot id>@parcours`, so the person's
  calendar shows the real hours of each half-day. A feed is re-read whole each time,
  so events that are gone simply disappear.

Every time is written in UTC. Other apps add their own events to feeds (coaching's
appointments) by registering a source with `@feed_source`: a function that takes the
person and returns `CalendarEntry` items.
"""

import zoneinfo
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr

import icalendar
from django.conf import settings
from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from parcours.classroom.models import (
    Registration,
    RegistrationStatus,
    Session,
    SessionKind,
    SessionStatus,
    SessionTrainer,
    Slot,
)

PRODID = "-//Parcours//Parcours sessions//EN"
REQUEST = "REQUEST"
CANCEL = "CANCEL"
PUBLISH = "PUBLISH"  # a file downloaded by hand, not an invitation
FEED_PAST_DAYS = 30
FEED_REFRESH = timedelta(hours=1)


@dataclass(frozen=True)
class CalendarEntry:
    """One event of a calendar, whatever app it comes from."""

    uid: str
    sequence: int
    starts_at: datetime
    ends_at: datetime
    summary: str
    location: str = ""
    description: str = ""
    url: str = ""
    status: str = "CONFIRMED"  # CONFIRMED, TENTATIVE or CANCELLED (RFC 5545 §3.8.1.11)
    organizer_name: str = ""
    attendee_name: str = ""
    attendee_email: str = ""


FeedSource = Callable[[object], Iterable[CalendarEntry]]
_feed_sources: list[FeedSource] = []


def feed_source(source: FeedSource) -> FeedSource:
    """Add a source of events to everyone's feed (call it from an app's `ready()`)."""
    if source not in _feed_sources:
        _feed_sources.append(source)
    return source


@contextmanager
def speaking_to(user) -> Iterator[None]:
    """Write in the person's language, with times in their time zone."""
    try:
        zone = zoneinfo.ZoneInfo(user.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = timezone.get_default_timezone()
    with translation.override(user.locale), timezone.override(zone):
        yield


def calendar(entries: Iterable[CalendarEntry], *, method: str | None = None,
             name: str = "") -> bytes:
    """A VCALENDAR holding these events, as bytes ready to send."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
        # How often subscribers should read the feed again (Apple/Outlook, then Google).
        cal.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", FEED_REFRESH)
    stamp = timezone.now().astimezone(UTC)
    for entry in entries:
        cal.add_component(_event(entry, stamp))
    return cal.to_ical()


def _event(entry: CalendarEntry, stamp: datetime) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", entry.uid)
    event.add("sequence", entry.sequence)
    event.add("dtstamp", stamp)
    event.add("dtstart", entry.starts_at.astimezone(UTC))
    event.add("dtend", entry.ends_at.astimezone(UTC))
    event.add("summary", entry.summary)
    event.add("status", entry.status)
    if entry.location:
        event.add("location", entry.location)
    if entry.description:
        event.add("description", entry.description)
    if entry.url:
        event.add("url", entry.url)
    sender = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    if sender:
        organizer = icalendar.vCalAddress(f"mailto:{sender}")
        if entry.organizer_name:
            organizer.params["cn"] = entry.organizer_name
        event.add("organizer", organizer)
    if entry.attendee_email:
        attendee = icalendar.vCalAddress(f"mailto:{entry.attendee_email}")
        if entry.attendee_name:
            attendee.params["cn"] = entry.attendee_name
        attendee.params["role"] = "REQ-PARTICIPANT"
        attendee.params["partstat"] = "ACCEPTED"
        # Parcours does not read replies: no "Yes / No / Maybe" buttons.
        attendee.params["rsvp"] = "FALSE"
        event.add("attendee", attendee)
    return event


# --- Sessions -----------------------------------------------------------------------------


def session_url(session: Session) -> str:
    return settings.SITE_URL + reverse("classroom:session",
                                       args=[session.organisation.slug, session.pk])


def session_uid(session: Session) -> str:
    return f"{session.ical_uid}@parcours"


def slot_uid(session: Session, slot: Slot) -> str:
    return f"{session.ical_uid}-{slot.pk}@parcours"


def session_location(session: Session) -> str:
    """Where: the room (and its address) or the address typed; the link when virtual."""
    if session.kind == SessionKind.VIRTUAL:
        return session.meeting_url
    if session.room is not None:
        return ", ".join(part for part in (str(session.room), session.room.address.strip())
                         if part).replace("\n", ", ")
    return session.address.strip().replace("\n", ", ")


def _when(slot: Slot) -> str:
    start, end = timezone.localtime(slot.starts_at), timezone.localtime(slot.ends_at)
    return _("%(day)s, %(start)s–%(end)s (%(part)s)") % {
        "day": formats.date_format(start, "DATE_FORMAT"),
        "start": formats.time_format(start, "TIME_FORMAT"),
        "end": formats.time_format(end, "TIME_FORMAT"),
        "part": slot.get_part_display(),
    }


def session_description(session: Session, slots: list[Slot], *, with_link: bool = True) -> str:
    """What the event's notes say, in the active language and time zone. The meeting
    link is for people with a seat (or who train)."""
    lines = []
    if session.status == SessionStatus.CANCELLED:
        lines += [_("This session is cancelled."), ""]
    if session.description.strip():
        lines += [session.description.strip(), ""]
    if slots:
        lines.append(_("Half-days:"))
        lines += [f"- {_when(slot)}" for slot in slots]
        lines.append("")
    if with_link and session.meeting_url and session.kind != SessionKind.IN_PERSON:
        lines.append(_("Join online: %(link)s") % {"link": session.meeting_url})
    lines.append(_("Session page: %(link)s") % {"link": session_url(session)})
    return "\n".join(lines)


def _summary(session: Session) -> str:
    if session.status == SessionStatus.CANCELLED:
        return _("Cancelled: %(title)s") % {"title": session.title}
    return session.title


def session_event(session: Session, *, method: str = REQUEST, for_user=None) -> bytes:
    """The session as one calendar event, to attach to an email.

    METHOD REQUEST adds or updates it in the person's calendar; METHOD CANCEL removes
    it (the session is cancelled, or this person's place is); PUBLISH is for a file
    downloaded by hand. Written in the person's
    language and time zone when `for_user` is given.
    """
    if method not in (REQUEST, CANCEL, PUBLISH):
        raise ValueError(f"Unknown iTIP method {method!r}.")
    if session.starts_at is None or session.ends_at is None:
        raise ValueError("A session without slots has no place in a calendar.")
    if for_user is None:
        return _session_calendar(session, method=method, for_user=None)
    with speaking_to(for_user):
        return _session_calendar(session, method=method, for_user=for_user)


def _session_calendar(session: Session, *, method: str, for_user) -> bytes:
    slots = list(session.slots.order_by("starts_at"))
    cancelled = method == CANCEL or session.status == SessionStatus.CANCELLED
    entry = CalendarEntry(
        uid=session_uid(session),
        sequence=session.ical_sequence,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        summary=_summary(session),
        location=session_location(session),
        description=session_description(session, slots),
        url=session_url(session),
        status="CANCELLED" if cancelled else "CONFIRMED",
        organizer_name=session.organisation.name,
        attendee_name=getattr(for_user, "display_name", ""),
        attendee_email=getattr(for_user, "email", ""),
    )
    return calendar([entry], method=method)


def sessions_in_feed(user) -> list[Session]:
    """The person's sessions from 30 days ago on: those they have a place in (or wait
    for) and those they train, in the organisations they still belong to."""
    since = timezone.now() - timedelta(days=FEED_PAST_DAYS)
    own = Registration.objects.filter(session=OuterRef("pk"), learner=user).exclude(
        status=RegistrationStatus.CANCELLED)
    trains = SessionTrainer.objects.filter(session=OuterRef("pk"), trainer=user)
    return list(
        Session.objects.filter(organisation__memberships__user=user, ends_at__gte=since)
        .annotate(my_status=Subquery(own.values("status")[:1]), i_train=Exists(trains))
        .filter(Q(my_status__isnull=False) | Q(i_train=True))
        .select_related("organisation", "room")
        .prefetch_related("slots")
        .order_by("starts_at", "pk")
    )


def session_entries(user) -> list[CalendarEntry]:
    """One entry per slot of each of the person's sessions (see `sessions_in_feed`)."""
    entries = []
    for session in sessions_in_feed(user):
        slots = sorted(session.slots.all(), key=lambda slot: slot.starts_at)
        if session.status == SessionStatus.CANCELLED:
            status = "CANCELLED"
        elif session.my_status == RegistrationStatus.WAITLISTED and not session.i_train:
            status = "TENTATIVE"
        else:
            status = "CONFIRMED"
        summary, location = _summary(session), session_location(session)
        waiting = status == "TENTATIVE"
        if waiting:
            summary = _("%(title)s (waiting list)") % {"title": session.title}
            if session.kind == SessionKind.VIRTUAL:
                location = ""
        description = session_description(session, slots, with_link=not waiting)
        entries += [
            CalendarEntry(
                uid=slot_uid(session, slot), sequence=session.ical_sequence,
                starts_at=slot.starts_at, ends_at=slot.ends_at, summary=summary,
                location=location, description=description,
                url=session_url(session), status=status,
                organizer_name=session.organisation.name,
            )
            for slot in slots
        ]
    return entries


feed_source(session_entries)


def feed_calendar(user) -> bytes:
    """The person's private feed: their sessions (and whatever other apps add)."""
    with speaking_to(user):
        entries = [entry for source in _feed_sources for entry in source(user)]
        return calendar(entries, name=_("Parcours — %(name)s") % {"name": str(user)})
