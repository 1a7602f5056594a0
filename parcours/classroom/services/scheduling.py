"""Scheduling sessions: rooms, sessions and their half-day slots, trainers, series.

A trainer or a room is never booked twice at the same time. The check runs inside the
transaction that writes, after locking the trainers' and the room's rows, so that two
managers scheduling at the same moment queue up instead of both passing the check.
"""

import zoneinfo
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import MembershipRole, Organisation, User
from parcours.accounts.selectors import require_permission
from parcours.catalog.models import Programme, Step, StepKind
from parcours.classroom.models import (
    Attendance,
    RegistrationStatus,
    Room,
    Session,
    SessionKind,
    SessionSeries,
    SessionStatus,
    SessionTrainer,
    Signature,
    Slot,
    SlotPart,
)
from parcours.classroom.services.registrations import fill_free_seats
from parcours.core.errors import Conflict, DomainError
from parcours.core.events import record_event
from parcours.core.models import Verb
from parcours.core.roles import Permission, Role

Slots = Sequence[tuple[datetime, datetime]]

TRAINING_ROLES = (Role.TRAINER, Role.COACH)
MIN_WEEKS, MAX_WEEKS = 2, 52
SESSION_FIELDS = frozenset({
    "title", "description", "kind", "capacity", "room", "address", "meeting_url", "trainers",
    "programme", "step", "allows_self_registration", "cancellation_notice_hours",
})


class TitleRequired(DomainError):
    default_message = _("Give a title.")


class RoomInvalid(DomainError):
    default_message = _("Give the room a name, and a number of seats of at least 1 if any.")


class RoomNotHere(DomainError):
    default_message = _("This room belongs to another organisation.")


class KindInvalid(DomainError):
    default_message = _("Choose in person, virtual class or hybrid.")


class CapacityInvalid(DomainError):
    default_message = _("Give the number of seats: at least 1.")


class RoomTooSmall(DomainError):
    default_message = _("The room has fewer seats than the session.")


class CapacityBelowRegistrations(Conflict):
    default_message = _("More people are registered than this number of seats.")


class NoticeInvalid(DomainError):
    default_message = _("Give the cancellation notice in hours, from 0 to 720.")


class MeetingLinkRequired(DomainError):
    default_message = _("A virtual or hybrid session needs a meeting link (https://…).")


class MeetingLinkInvalid(DomainError):
    default_message = _("The meeting link must be a web address starting with https:// or "
                        "http://.")


class NotATrainerHere(DomainError):
    default_message = _("This person is not a trainer or a coach in this organisation.")


class StepNotALiveSession(DomainError):
    default_message = _("Choose a live-session step of one of this organisation's programmes.")


class ProgrammeNotHere(DomainError):
    default_message = _("This programme belongs to another organisation.")


class SlotsInvalid(DomainError):
    default_message = _("Give at least one slot, each with a date, a start and an end.")


class SlotHasProof(Conflict):
    default_message = _("A slot with attendance or signatures cannot be moved.")


class TrainerBusy(Conflict):
    default_message = _("A trainer is already busy at that time.")


class RoomBusy(Conflict):
    default_message = _("The room is already booked at that time.")


class SessionCancelled(Conflict):
    default_message = _("This session is cancelled: it cannot be changed any more.")


class ReasonRequired(DomainError):
    default_message = _("Say why the session is cancelled: the people registered will read "
                        "it.")


class SeriesInvalid(DomainError):
    default_message = _("A weekly series runs from 2 to 52 weeks, and each session fits "
                        "within a week.")


# Rooms


@transaction.atomic
def create_room(organisation: Organisation, *, by: User, name: str, venue: str = "",
                address: str = "", capacity: int | None = None) -> Room:
    """A place where in-person sessions happen, offered when scheduling."""
    require_permission(by, organisation, Permission.SCHEDULE_SESSIONS)
    room = Room(organisation=organisation)
    _fill_room(room, name=name, venue=venue, address=address, capacity=capacity)
    room.save()
    return room


@transaction.atomic
def update_room(room: Room, *, by: User, **changes: Any) -> Room:
    """Rename a room, or change its venue, address or seats. Sessions keep it."""
    require_permission(by, room.organisation, Permission.SCHEDULE_SESSIONS)
    unknown = set(changes) - {"name", "venue", "address", "capacity"}
    if unknown:
        raise TypeError(f"update_room() got unknown fields {sorted(unknown)}")
    values = {"name": room.name, "venue": room.venue, "address": room.address,
              "capacity": room.capacity, **changes}
    _fill_room(room, **values)
    room.save()
    return room


def _fill_room(room: Room, *, name: str, venue: str, address: str,
               capacity: int | None) -> None:
    name = (name or "").strip()
    if not name or len(name) > 120 or len(venue or "") > 200:
        raise RoomInvalid()
    if capacity is not None and (not _is_int(capacity) or capacity < 1):
        raise RoomInvalid()
    room.name, room.venue, room.address = name, (venue or "").strip(), (address or "").strip()
    room.capacity = capacity


# Sessions


@transaction.atomic
def schedule_session(
    organisation: Organisation, *, by: User, title: str, kind: str, capacity: int,
    slots: Slots, trainers: Iterable[User] = (), room: Room | None = None,
    address: str = "", meeting_url: str = "", description: str = "",
    programme: Programme | None = None, step: Step | None = None,
    allows_self_registration: bool = False, cancellation_notice_hours: int = 48,
    series: SessionSeries | None = None,
) -> Session:
    """Put a session in the calendar, with its half-day slots and trainers.

    `slots` are (starts_at, ends_at) aware datetimes; the part of the day of each comes
    from its local start hour in the organisation's time zone. Refuses a trainer or a
    room already busy at an overlapping time, naming the other session.
    """
    require_permission(by, organisation, Permission.SCHEDULE_SESSIONS)
    session = Session(organisation=organisation, series=series, created_by=by)
    trainers = _fill_session(session, by=by, title=title, kind=kind, capacity=capacity,
                             trainers=trainers, room=room, address=address,
                             meeting_url=meeting_url, description=description,
                             programme=programme, step=step,
                             allows_self_registration=allows_self_registration,
                             cancellation_notice_hours=cancellation_notice_hours)
    slots = _clean_slots(slots)
    _lock_and_check_free(organisation, by=by, slots=slots, trainers=trainers,
                         room=session.room)
    return _create(session, slots, trainers, by=by)


@transaction.atomic
def schedule_series(organisation: Organisation, *, by: User, title: str, first_slots: Slots,
                    weeks: int, **session_fields: Any) -> list[Session]:
    """The same session every week for `weeks` weeks, at the same local hours.

    Each week is shifted by seven days in the organisation's local time, so a class at
    09:00 stays at 09:00 across a change to or from summer time. All or nothing: a clash
    in any week refuses the whole series, naming that week's date.
    """
    require_permission(by, organisation, Permission.SCHEDULE_SESSIONS)
    slots = _clean_slots(first_slots)
    if (not _is_int(weeks) or not MIN_WEEKS <= weeks <= MAX_WEEKS
            or slots[-1][1] - slots[0][0] > timedelta(days=7)):
        raise SeriesInvalid()
    unknown = set(session_fields) - SESSION_FIELDS
    if unknown:
        raise TypeError(f"schedule_series() got unknown fields {sorted(unknown)}")
    zone = _zone(organisation)
    weekly = [[(_weeks_later(start, week, zone), _weeks_later(end, week, zone))
               for start, end in slots] for week in range(weeks)]
    template = Session(organisation=organisation, created_by=by)
    trainers = _fill_session(template, by=by, title=title, **_with_defaults(session_fields))
    clash = _first_clash(organisation, [s for week in weekly for s in week],
                         trainers=trainers, room=template.room)
    if clash is not None:
        week = next(w for w in weekly if any(_overlap(s, clash.times) for s in w))
        raise clash.error(_("The session of %(date)s cannot be scheduled: %(reason)s") % {
            "date": _date(week[0][0], by), "reason": _busy_message(clash, by)})
    series = SessionSeries.objects.create(organisation=organisation, title=template.title,
                                          rule=f"FREQ=WEEKLY;COUNT={weeks}")
    sessions = []
    for week_slots in weekly:
        session = Session(organisation=organisation, series=series, created_by=by)
        _copy_fields(template, session)
        sessions.append(_create(session, week_slots, trainers, by=by))
    return sessions


@transaction.atomic
def reschedule_session(session: Session, *, by: User, slots: Slots) -> Session:
    """Move a session: its slots become these. Calendars update in place (the sequence
    goes up) and the people registered are told after commit.

    Slots that stay exactly as they were keep their attendance; a slot that would go
    away while it holds attendance or signatures refuses the move.
    """
    require_permission(by, session.organisation, Permission.SCHEDULE_SESSIONS)
    session = _locked(session)
    slots = _clean_slots(slots)
    current = list(session.slots.all())
    if [(s.starts_at, s.ends_at) for s in current] == slots:
        return session
    trainers = list(session.trainers.all())
    _lock_and_check_free(session.organisation, by=by, slots=slots, trainers=trainers,
                         room=session.room, moving=session)
    kept = {(s.starts_at, s.ends_at): s for s in current if (s.starts_at, s.ends_at) in slots}
    leaving = [s for s in current if (s.starts_at, s.ends_at) not in kept]
    with_proof = (Attendance.objects.filter(slot__in=leaving).exists()
                  or Signature.objects.filter(slot__in=leaving).exists())
    if with_proof:
        raise SlotHasProof()
    Slot.objects.filter(pk__in=[s.pk for s in leaving]).delete()
    zone = _zone(session.organisation)
    Slot.objects.bulk_create(Slot(session=session, part=_part(start, zone), starts_at=start,
                                  ends_at=end)
                             for start, end in slots if (start, end) not in kept)
    session.starts_at, session.ends_at = slots[0][0], slots[-1][1]
    session.ical_sequence += 1
    session.save(update_fields=["starts_at", "ends_at", "ical_sequence", "updated_at"])
    _tell_after_commit("session_changed", session,
                       previous_slots=[(s.starts_at, s.ends_at) for s in current])
    return session


@transaction.atomic
def update_session(session: Session, *, by: User, **changes: Any) -> Session:
    """Change what a session is, not when: title, description, kind, seats, room or
    address, meeting link, trainers, live-session step, self-registration and
    cancellation notice.

    Seats never go below the people already registered; new seats go to the people
    waiting (the registrations part tells them). New trainers and a new room
    must be free at the session's slots. When the place or the link changes, calendars
    update (the sequence goes up) and the people registered are told after commit.
    """
    require_permission(by, session.organisation, Permission.SCHEDULE_SESSIONS)
    unknown = set(changes) - SESSION_FIELDS
    if unknown:
        raise TypeError(f"update_session() got unknown fields {sorted(unknown)}")
    session = _locked(session)
    before = (session.kind, session.room_id, session.address, session.meeting_url)
    seats_before = session.capacity
    current_trainers = list(session.trainers.all())
    values = {
        "title": session.title, "description": session.description, "kind": session.kind,
        "capacity": session.capacity, "room": session.room, "address": session.address,
        "meeting_url": session.meeting_url, "trainers": current_trainers,
        "step": session.step, "programme": session.programme,
        "allows_self_registration": session.allows_self_registration,
        "cancellation_notice_hours": session.cancellation_notice_hours,
        **changes,
    }
    if "step" in changes and "programme" not in changes:
        values["programme"] = None  # the step's programme, or none with no step
    trainers = _fill_session(session, by=by, **values)
    registered = session.registrations.filter(status=RegistrationStatus.REGISTERED).count()
    if session.capacity < registered:
        raise CapacityBelowRegistrations(
            _("%(count)s people are registered: keep at least %(count)s seats.")
            % {"count": registered})
    slots = [(s.starts_at, s.ends_at) for s in session.slots.all()]
    known = {t.pk for t in current_trainers}
    new_trainers = [t for t in trainers if t.pk not in known]
    new_room = session.room if session.room_id != before[1] else None
    _lock_and_check_free(session.organisation, by=by, slots=slots, trainers=new_trainers,
                         room=new_room, moving=session)
    moved = (session.kind, session.room_id, session.address, session.meeting_url) != before
    if moved:
        session.ical_sequence += 1
    session.save()
    if {t.pk for t in trainers} != known:
        SessionTrainer.objects.filter(session=session).exclude(
            trainer__in=[t.pk for t in trainers]).delete()
        SessionTrainer.objects.bulk_create(
            SessionTrainer(session=session, trainer=t) for t in new_trainers)
    if session.capacity > seats_before:
        fill_free_seats(session, by=by)
    if moved:
        _tell_after_commit("session_changed", session)
    return session


@transaction.atomic
def cancel_session(session: Session, *, by: User, reason: str) -> Session:
    """Call a session off. Calendars get a cancelling entry (the sequence goes up) and
    the people registered are told after commit, with the reason kept in the record."""
    require_permission(by, session.organisation, Permission.SCHEDULE_SESSIONS)
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired()
    session = _locked(session)
    session.status = SessionStatus.CANCELLED
    session.ical_sequence += 1
    session.save(update_fields=["status", "ical_sequence", "updated_at"])
    record_event(by, Verb.CANCELLED, session, organisation=session.organisation,
                 context={**_context(session), "reason": reason[:1000]})
    _tell_after_commit("session_cancelled", session, reason=reason)
    return session


# Shared steps


def _locked(session: Session) -> Session:
    """The session as it is now, locked: two changes to one session queue up."""
    locked = (Session.objects.select_for_update(of=("self",))
              .select_related("organisation", "room", "step", "programme").get(pk=session.pk))
    if locked.status == SessionStatus.CANCELLED:
        raise SessionCancelled()
    return locked


def _create(session: Session, slots: Slots, trainers: list[User], *, by: User) -> Session:
    zone = _zone(session.organisation)
    session.starts_at, session.ends_at = slots[0][0], slots[-1][1]
    session.save()
    Slot.objects.bulk_create(Slot(session=session, part=_part(start, zone), starts_at=start,
                                  ends_at=end) for start, end in slots)
    SessionTrainer.objects.bulk_create(SessionTrainer(session=session, trainer=t)
                                       for t in trainers)
    record_event(by, Verb.PUBLISHED, session, organisation=session.organisation,
                 context=_context(session))
    return session


def _context(session: Session) -> dict[str, Any]:
    context: dict[str, Any] = {"session": session.pk}
    if session.programme_id:
        context["programme"] = session.programme_id
    if session.step_id:
        context["step"] = session.step_id
    return context


def _with_defaults(fields: dict[str, Any]) -> dict[str, Any]:
    return {"description": "", "room": None, "address": "", "meeting_url": "",
            "trainers": (), "programme": None, "step": None,
            "allows_self_registration": False, "cancellation_notice_hours": 48, **fields}


def _copy_fields(source: Session, target: Session) -> None:
    for name in ("title", "description", "kind", "capacity", "room", "address",
                 "meeting_url", "programme", "step", "allows_self_registration",
                 "cancellation_notice_hours"):
        setattr(target, name, getattr(source, name))


def _fill_session(session: Session, *, by: User, title: str, kind: str, capacity: Any,
                  trainers: Iterable[User], room: Room | None, address: str,
                  meeting_url: str, description: str, programme: Programme | None,
                  step: Step | None, allows_self_registration: bool,
                  cancellation_notice_hours: Any) -> list[User]:
    """Check and set what a session is; return its trainers, checked."""
    organisation = session.organisation
    title = (title or "").strip()
    if not title or len(title) > 200:
        raise TitleRequired()
    if kind not in SessionKind.values:
        raise KindInvalid()
    if not _is_int(capacity) or capacity < 1:
        raise CapacityInvalid()
    if not _is_int(cancellation_notice_hours) or not 0 <= cancellation_notice_hours <= 720:
        raise NoticeInvalid()
    if room is not None and room.organisation_id != organisation.pk:
        raise RoomNotHere()
    if (room is not None and room.capacity is not None and kind == SessionKind.IN_PERSON
            and capacity > room.capacity):
        raise RoomTooSmall(_("%(room)s has %(seats)s seats: the session cannot take more.")
                           % {"room": room, "seats": room.capacity})
    meeting_url = (meeting_url or "").strip()
    if meeting_url:
        try:
            URLValidator(schemes=["http", "https"])(meeting_url)
        except ValidationError as bad:
            raise MeetingLinkInvalid() from bad
        if len(meeting_url) > 200:
            raise MeetingLinkInvalid()
    elif kind != SessionKind.IN_PERSON:
        raise MeetingLinkRequired()
    if step is not None:
        if (step.kind != StepKind.LIVE_SESSION
                or step.programme.organisation_id != organisation.pk
                or (programme is not None and programme.pk != step.programme_id)):
            raise StepNotALiveSession()
        programme = step.programme
    if programme is not None and programme.organisation_id != organisation.pk:
        raise ProgrammeNotHere()
    session.title, session.kind, session.capacity = title, kind, capacity
    session.description = (description or "").strip()
    session.room, session.address, session.meeting_url = room, (address or "").strip(), meeting_url
    session.step, session.programme = step, programme
    session.allows_self_registration = bool(allows_self_registration)
    session.cancellation_notice_hours = cancellation_notice_hours
    return _trainers_here(organisation, trainers)


def _trainers_here(organisation: Organisation, trainers: Iterable[User]) -> list[User]:
    chosen = list({t.pk: t for t in trainers}.values())
    if not chosen:
        return []
    allowed = set(MembershipRole.objects.filter(
        membership__organisation=organisation, role__in=TRAINING_ROLES,
        membership__user__in=[t.pk for t in chosen],
    ).values_list("membership__user_id", flat=True))
    for trainer in chosen:
        if trainer.pk not in allowed:
            raise NotATrainerHere(
                _("%(name)s is not a trainer or a coach in this organisation.")
                % {"name": trainer})
    return chosen


def _clean_slots(slots: Slots) -> list[tuple[datetime, datetime]]:
    """The slots in order, each ending after it starts, none overlapping another."""
    cleaned = []
    for pair in slots or ():
        try:
            start, end = pair
        except (TypeError, ValueError) as bad:
            raise SlotsInvalid() from bad
        if not isinstance(start, datetime) or not isinstance(end, datetime):
            raise SlotsInvalid()
        if timezone.is_naive(start) or timezone.is_naive(end):
            raise ValueError("Slots need aware datetimes: give them a time zone.")
        if end <= start:
            raise SlotsInvalid(_("Each slot must end after it starts."))
        cleaned.append((start, end))
    if not cleaned:
        raise SlotsInvalid()
    cleaned.sort()
    for (_start, previous_end), (start, _end) in zip(cleaned, cleaned[1:], strict=False):
        if start < previous_end:
            raise SlotsInvalid(_("Two slots of this session overlap."))
    return cleaned


class _Clash:
    """Another session's slot that already holds one of the trainers, or the room."""

    def __init__(self, error: type[Conflict], slot: Slot, who: str):
        self.error, self.slot, self.who = error, slot, who
        self.times = (slot.starts_at, slot.ends_at)


def _lock_and_check_free(organisation: Organisation, *, by: User, slots: Slots,
                         trainers: list[User], room: Room | None,
                         moving: Session | None = None) -> None:
    clash = _first_clash(organisation, slots, trainers=trainers, room=room, moving=moving)
    if clash is not None:
        raise clash.error(_busy_message(clash, by))


def _first_clash(organisation: Organisation, slots: Slots, *, trainers: list[User],
                 room: Room | None, moving: Session | None = None) -> _Clash | None:
    """The earliest slot of another scheduled session of the organisation that overlaps
    one of `slots` with one of these trainers or this room. Touching is not overlapping:
    a slot may start when another ends.

    The trainers' and the room's rows are locked first (always in that order, trainers
    by id, so that two transactions never wait for each other): another transaction
    booking one of them waits until this one commits, then sees its slots.
    """
    if not trainers and room is None:
        return None
    if trainers:
        list(User.objects.select_for_update().filter(pk__in=[t.pk for t in trainers])
             .order_by("pk").values_list("pk", flat=True))
    if room is not None:
        list(Room.objects.select_for_update().filter(pk=room.pk).values_list("pk", flat=True))
    overlapping = Q()
    for start, end in slots:
        overlapping |= Q(starts_at__lt=end, ends_at__gt=start)
    busy = (Slot.objects.filter(overlapping, session__organisation=organisation,
                                session__status=SessionStatus.SCHEDULED)
            .select_related("session").order_by("starts_at", "pk"))
    if moving is not None:
        busy = busy.exclude(session=moving)
    clashes = []
    if trainers:
        by_id = {t.pk: t for t in trainers}
        slot = busy.filter(session__trainer_links__trainer__in=list(by_id)).first()
        if slot is not None:
            trainer_id = (SessionTrainer.objects.filter(session=slot.session_id,
                                                        trainer__in=list(by_id))
                          .order_by("trainer_id").values_list("trainer_id", flat=True)[0])
            clashes.append(_Clash(TrainerBusy, slot, str(by_id[trainer_id])))
    if room is not None:
        slot = busy.filter(session__room=room).first()
        if slot is not None:
            clashes.append(_Clash(RoomBusy, slot, str(room)))
    return min(clashes, key=lambda clash: clash.times, default=None)


def _busy_message(clash: _Clash, by: User) -> str:
    values = {"who": clash.who, "session": clash.slot.session.title,
              "date": _date(clash.slot.starts_at, by),
              "start": _time(clash.slot.starts_at, by), "end": _time(clash.slot.ends_at, by)}
    if clash.error is RoomBusy:
        return _("%(who)s is already booked for “%(session)s” on %(date)s from %(start)s "
                 "to %(end)s.") % values
    return _("%(who)s already trains “%(session)s” on %(date)s from %(start)s to "
             "%(end)s.") % values


def _overlap(a: tuple[datetime, datetime], b: tuple[datetime, datetime]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _tell_after_commit(name: str, session: Session, **details: Any) -> None:
    """Hand the change to the notifications part once it is committed.

    notifications.py belongs to the registrations part; until it lands there is nobody
    to tell, so a missing module is skipped (and only that).
    """
    try:
        from parcours.classroom import notifications
    except ModuleNotFoundError as missing:
        if missing.name != "parcours.classroom.notifications":
            raise
        return
    tell = getattr(notifications, name)
    transaction.on_commit(lambda: tell(session, **details))


# Time


def _zone(organisation: Organisation) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(organisation.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.get_default_timezone()


def _reader_zone(person: User) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(person.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.get_default_timezone()


def _part(start: datetime, zone: zoneinfo.ZoneInfo) -> str:
    """Morning before noon, afternoon before six, evening after, in local time."""
    hour = start.astimezone(zone).hour
    if hour < 12:
        return SlotPart.MORNING
    if hour < 18:
        return SlotPart.AFTERNOON
    return SlotPart.EVENING


def _weeks_later(moment: datetime, weeks: int, zone: zoneinfo.ZoneInfo) -> datetime:
    """The same local hour `weeks` weeks later: rebuilt from the local date and time, not
    `moment + 7 days` in UTC, which would move an hour across summer time."""
    local = moment.astimezone(zone)
    later = datetime.combine(local.date() + timedelta(weeks=weeks), local.time(), tzinfo=zone)
    return later.astimezone(moment.tzinfo)


def _date(moment: datetime, reader: User) -> str:
    return formats.date_format(moment.astimezone(_reader_zone(reader)), "DATE_FORMAT")


def _time(moment: datetime, reader: User) -> str:
    return formats.time_format(moment.astimezone(_reader_zone(reader)), "H:i")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


__all__ = [
    "CapacityBelowRegistrations", "CapacityInvalid", "KindInvalid", "MeetingLinkInvalid",
    "MeetingLinkRequired", "NotATrainerHere", "NoticeInvalid", "ProgrammeNotHere",
    "ReasonRequired", "RoomBusy", "RoomInvalid", "RoomNotHere", "RoomTooSmall",
    "SeriesInvalid", "SessionCancelled", "SlotHasProof", "SlotsInvalid",
    "StepNotALiveSession", "TitleRequired", "TrainerBusy", "cancel_session", "create_room",
    "reschedule_session", "schedule_series", "schedule_session", "update_room",
    "update_session",
]
