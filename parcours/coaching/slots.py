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


@dataclass(frozen=True)
class _Window:
    starts_at: datetime
    ends_at: datetime
    modes: tuple[str, ...]
    place: str
    zone: zoneinfo.ZoneInfo


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
    blocked: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)

    weekly = WeeklyAvailability.objects.filter(coach_id__in=coach_ids)
    exceptions = AvailabilityException.objects.filter(
        coach_id__in=coach_ids, starts_at__lt=end + length, ends_at__gt=start,
    ).annotate(coach_zone=F("coach__time_zone"))  # extra slots sit on the coach's grid
    if organisation is not None:
        weekly = weekly.filter(organisation=organisation)
        exceptions = exceptions.filter(organisation=organisation)
    for period in weekly:
        windows[period.coach_id].extend(_expand(period, start, end + length))
    for exception in exceptions:
        if exception.kind == ExceptionKind.EXTRA:
            windows[exception.coach_id].append(_Window(
                exception.starts_at, exception.ends_at, tuple(exception.modes),
                exception.place, _zone(exception.coach_zone)))
        else:
            blocked[exception.coach_id].append((exception.starts_at, exception.ends_at))
    appointments = (Appointment.objects
                    .filter(coach_id__in=coach_ids, status=AppointmentStatus.BOOKED,
                            starts_at__lt=end + length + buffer, ends_at__gt=start - buffer)
                    .values_list("pk", "coach_id", "starts_at", "ends_at"))
    for pk, coach_id, starts_at, ends_at in appointments:
        if pk != ignoring:
            blocked[coach_id].append((starts_at - buffer, ends_at + buffer))

    found: dict[tuple[datetime, int], OpenSlot] = {}
    step = timedelta(minutes=grid_minutes)
    for coach_id in coach_ids:
        busy = _merged(blocked[coach_id])
        busy_starts = [interval[0] for interval in busy]
        for window in windows[coach_id]:
            moment = _on_grid(max(window.starts_at, earliest), window.zone, grid_minutes)
            while moment < end and moment + length <= window.ends_at:
                if not _overlaps(busy, busy_starts, moment, moment + length):
                    key = (moment, coach_id)
                    known = found.get(key)
                    modes = window.modes if known is None else tuple(
                        mode for mode in ("in_person", "phone", "video")
                        if mode in known.modes or mode in window.modes)
                    found[key] = OpenSlot(coach_id, moment, moment + length, modes,
                                          known.place if known and known.place else window.place)
                moment += step
    return [found[key] for key in sorted(found)]


def _expand(period: WeeklyAvailability, start: datetime, end: datetime) -> list[_Window]:
    """The period's occurrences overlapping [start, end), each built from local wall-clock
    times in the period's zone so that it follows the changes to and from summer time."""
    zone = _zone(period.time_zone)
    first: date = start.astimezone(zone).date() - timedelta(days=1)
    last: date = end.astimezone(zone).date()
    day = first + timedelta(days=(period.weekday - first.weekday()) % 7)
    occurrences = []
    modes = tuple(period.modes)
    while day <= last:
        opens = datetime.combine(day, period.start_time, tzinfo=zone).astimezone(UTC)
        closes = datetime.combine(day, period.end_time, tzinfo=zone).astimezone(UTC)
        if closes > start and opens < end:
            occurrences.append(_Window(opens, closes, modes, period.place, zone))
        day += timedelta(days=7)
    return occurrences


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.get_default_timezone()


def _on_grid(moment: datetime, zone: zoneinfo.ZoneInfo, grid_minutes: int) -> datetime:
    """The first moment at or after `moment` whose local minutes are a multiple of the
    grid (09:00, 09:30 … for 30), so that slots read well on the coach's clock."""
    local = moment.astimezone(zone)
    minutes = local.hour * 60 + local.minute
    late = minutes % grid_minutes
    if late == 0 and local.second == 0 and local.microsecond == 0:
        return moment
    rounded = moment - timedelta(seconds=local.second, microseconds=local.microsecond)
    return rounded + timedelta(minutes=grid_minutes - late)


def _merged(intervals: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[tuple[datetime, datetime]] = []
    for begin, finish in sorted(intervals):
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], finish))
        else:
            merged.append((begin, finish))
    return merged


def _overlaps(busy: list[tuple[datetime, datetime]], busy_starts: list[datetime],
              begin: datetime, finish: datetime) -> bool:
    """Whether [begin, finish) meets a busy interval; touching is not overlapping."""
    index = bisect_left(busy_starts, finish)
    return index > 0 and busy[index - 1][1] > begin

