"""Open slots: the start times at which coaches can still be booked.

A coach's weekly availability is expanded in the coach's own time zone (Tuesday
09:00–12:00 in Paris is 08:00 UTC in winter and 07:00 UTC in summer), extra one-off
slots are added, then holidays, booked appointments (widened by the engagement's
buffer) and the notice period are taken away. Start times sit on a grid of local
wall-clock minutes (every 30 minutes by default: 09:00, 09:30, …).

All coaches are computed together with one query per kind of row (weekly periods,
exceptions, appointments), so a page offering 20 coaches over 8 weeks stays fast.
"""

import zoneinfo
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db.models import F
from django.utils import timezone

from parcours.coaching.models import (
    Appointment,
    AppointmentStatus,
    AvailabilityException,
    ExceptionKind,
    WeeklyAvailability,
)

GRID_MINUTES = 30


@dataclass(frozen=True)
class BookingRules:
    """An engagement's booking rules, the part the slots depend on."""

    notice_hours: int = 24
    min_minutes: int = 30
    max_minutes: int = 180
    default_minutes: int = 60
    buffer_minutes: int = 15

    @classmethod
    def of(cls, engagement) -> "BookingRules":
        return cls(notice_hours=engagement.notice_hours, min_minutes=engagement.min_minutes,
                   max_minutes=engagement.max_minutes,
                   default_minutes=engagement.default_minutes,
                   buffer_minutes=engagement.buffer_minutes)


@dataclass(frozen=True)
class OpenSlot:
    coach_id: int
    starts_at: datetime  # aware, UTC
    ends_at: datetime
    modes: tuple[str, ...]
    place: str = ""


@dataclass(frozen=True, slots=True)
class _Window:
    starts: int  # minutes since the epoch, UTC
    ends: int
    modes: tuple[str, ...]
    place: str
    offset: int  # the coach's UTC offset then, in minutes: the grid follows their clock


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _minutes(moment: datetime, *, down: bool = False) -> int:
    """Minutes since the epoch, rounded up (or down) to the minute: the loop below runs
    on integers, which is what keeps 20 coaches over 8 weeks well under 200 ms."""
    seconds = (moment - _EPOCH).total_seconds()
    return int(seconds // 60) if down else int(-(-seconds // 60))


def _moment(minutes: int) -> datetime:
    return _EPOCH + timedelta(minutes=minutes)


def open_slots(coaches: Iterable, *, start: datetime, end: datetime, length_minutes: int,
               engagement_rules: BookingRules, organisation=None,
               now: datetime | None = None, grid_minutes: int = GRID_MINUTES,
               ignoring: int | None = None, apply_notice: bool = True) -> list[OpenSlot]:
    """Free start times in [start, end) for an appointment of `length_minutes`, for each
    coach, sorted by time then coach.

    `coaches` are users or their ids. Only the availability published in
    `organisation` counts (when given); appointments count in every organisation, since
    a coach cannot be in two meetings at once. `ignoring` is the id of an appointment
    being moved, which does not stand in its own way.
    """
    if length_minutes <= 0 or grid_minutes <= 0:
        raise ValueError("Slots need a positive length and grid.")
    coach_ids = sorted({getattr(coach, "pk", coach) for coach in coaches})
    if not coach_ids or end <= start:
        return []
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    length = timedelta(minutes=length_minutes)
    buffer = timedelta(minutes=engagement_rules.buffer_minutes)
    earliest = start
    if apply_notice:
        now = now or timezone.now()
        earliest = max(start, now + timedelta(hours=engagement_rules.notice_hours))

    windows: dict[int, list[_Window]] = defaultdict(list)
    blocked: dict[int, list[tuple[int, int]]] = defaultdict(list)

    weekly = WeeklyAvailability.objects.filter(coach_id__in=coach_ids)
    exceptions = AvailabilityException.objects.filter(
        coach_id__in=coach_ids, starts_at__lt=end + length, ends_at__gt=start,
    ).annotate(coach_zone=F("coach__time_zone"))  # extra slots sit on the coach's grid
    if organisation is not None:
        weekly = weekly.filter(organisation=organisation)
        exceptions = exceptions.filter(organisation=organisation)
    local_minutes: dict = {}  # coaches share zones and hours: convert each once
    for period in weekly.values_list("coach_id", "weekday", "start_time", "end_time",
                                     "time_zone", "offers_in_person", "offers_phone",
                                     "offers_video", "place"):
        windows[period[0]].extend(_expand(period, start, end + length, local_minutes))
    for exception in exceptions:
        if exception.kind == ExceptionKind.EXTRA:
            zone = _zone(exception.coach_zone)
            windows[exception.coach_id].append(_Window(
                _minutes(exception.starts_at), _minutes(exception.ends_at),
                tuple(exception.modes), exception.place, _offset(exception.starts_at, zone)))
        else:
            blocked[exception.coach_id].append((_minutes(exception.starts_at, down=True),
                                                _minutes(exception.ends_at)))
    appointments = (Appointment.objects
                    .filter(coach_id__in=coach_ids, status=AppointmentStatus.BOOKED,
                            starts_at__lt=end + length + buffer, ends_at__gt=start - buffer)
                    .values_list("pk", "coach_id", "starts_at", "ends_at"))
    pad = engagement_rules.buffer_minutes
    for pk, coach_id, starts_at, ends_at in appointments:
        if pk != ignoring:
            blocked[coach_id].append((_minutes(starts_at, down=True) - pad,
                                      _minutes(ends_at) + pad))

    first, stop, span = _minutes(earliest), _minutes(end), length_minutes
    found: list[tuple[int, int, tuple[str, ...], str]] = []
    for coach_id in coach_ids:
        busy = _merged(blocked[coach_id])
        busy_starts = [interval[0] for interval in busy]
        offered: dict[int, tuple[tuple[str, ...], str]] = {}
        for window in windows[coach_id]:
            moment = max(window.starts, first)
            moment += -(moment + window.offset) % grid_minutes  # onto the coach's grid
            while moment < stop and moment + span <= window.ends:
                index = bisect_left(busy_starts, moment + span)
                if index == 0 or busy[index - 1][1] <= moment:
                    known = offered.get(moment)
                    if known is None:
                        offered[moment] = (window.modes, window.place)
                    else:  # two windows overlap: offer what either offers
                        offered[moment] = (
                            tuple(mode for mode in ("in_person", "phone", "video")
                                  if mode in known[0] or mode in window.modes),
                            known[1] or window.place)
                moment += grid_minutes
        found.extend((moment, coach_id, modes, place)
                     for moment, (modes, place) in offered.items())
    found.sort(key=lambda row: (row[0], row[1]))
    moments: dict[int, datetime] = {}
    for moment in {row[0] for row in found}:
        for minutes in (moment, moment + span):
            if minutes not in moments:
                moments[minutes] = _moment(minutes)
    return [OpenSlot(coach_id, moments[moment], moments[moment + span], modes, place)
            for moment, coach_id, modes, place in found]


def _expand(period: tuple, start: datetime, end: datetime,
            local_minutes: dict) -> list[_Window]:
    """The period's occurrences overlapping [start, end), each built from local wall-clock
    times in the period's zone so that it follows the changes to and from summer time."""
    (_coach, weekday, start_time, end_time, zone_name, in_person, phone, video,
     place) = period
    zone = _zone(zone_name)
    first: date = start.astimezone(zone).date() - timedelta(days=1)
    last: date = end.astimezone(zone).date()
    day = first + timedelta(days=(weekday - first.weekday()) % 7)
    occurrences = []
    modes = tuple(mode for mode, offered in (("in_person", in_person), ("phone", phone),
                                             ("video", video)) if offered)
    low, high = _minutes(start), _minutes(end)
    while day <= last:
        opens, offset = _local(day, start_time, zone, local_minutes)
        closes, _offset_then = _local(day, end_time, zone, local_minutes)
        if closes > low and opens < high:
            occurrences.append(_Window(opens, closes, modes, place, offset))
        day += timedelta(days=7)
    return occurrences


def _local(day: date, at, zone, known: dict) -> tuple[int, int]:
    """A wall-clock time of a day in a zone, as epoch minutes and the UTC offset then."""
    key = (day, at, zone.key if hasattr(zone, "key") else str(zone))
    if key not in known:
        moment = datetime.combine(day, at, tzinfo=zone)
        known[key] = (_minutes(moment), _offset(moment, zone))
    return known[key]


def _offset(moment: datetime, zone) -> int:
    return int(moment.astimezone(zone).utcoffset().total_seconds() // 60)


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.get_default_timezone()


def _merged(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for begin, finish in sorted(intervals):
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], finish))
        else:
            merged.append((begin, finish))
    return merged

