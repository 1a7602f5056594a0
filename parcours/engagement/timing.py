"""When a person is most likely to act on a nudge, and wall-clock times in their zone.

The most active hour is learned from the person's own learning events, bucketed by
the local hour each event happened at in their time zone: an event at 19:10 in July
(UTC+2) and one at 19:10 in January (UTC+1) are both 19, across daylight-saving changes.
"""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db.models import Count
from django.db.models.functions import ExtractHour
from django.utils import timezone

from parcours.accounts.models import Organisation, User
from parcours.core.models import LearningEvent, Verb
from parcours.engagement.models import DEFAULT_SEND_HOUR, EngagementSettings

LEARNING_WINDOW = timedelta(days=60)
# Below this many events the busiest hour is chance, not a habit.
MIN_EVENTS_FOR_BEST_HOUR = 10
# What the engine itself writes about a person does not show when they are active.
NOT_ACTIVITY = (Verb.NOTIFIED, Verb.OPTED_OUT)


def zone_of(user: User) -> ZoneInfo:
    try:
        return ZoneInfo(user.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def engagement_settings_for(organisation: Organisation) -> EngagementSettings:
    """The organisation's sending defaults, unsaved defaults when it never changed them."""
    found = EngagementSettings.objects.filter(organisation=organisation).first()
    return found if found is not None else EngagementSettings(organisation=organisation)


def best_hour(user: User, organisation: Organisation, *, now: datetime | None = None,
              default: int | None = None) -> int:
    """The local hour (0–23) at which the person was most often active over the last 60
    days; the organisation's default sending hour while there are too few events.

    One query: the database converts each event to the person's zone and groups by
    hour (zone-aware on SQLite and PostgreSQL alike). Ties go to the earlier hour.
    `default` spares reading the organisation's settings when the caller has them.
    """
    now = now or timezone.now()
    counts = (
        LearningEvent.objects.filter(actor=user, occurred_at__gte=now - LEARNING_WINDOW,
                                     occurred_at__lte=now)
        .exclude(verb__in=NOT_ACTIVITY)
        .annotate(hour=ExtractHour("occurred_at", tzinfo=zone_of(user)))
        .values("hour")
        .annotate(events=Count("id"))
        .values_list("hour", "events")
    )
    by_hour = dict(counts)
    if sum(by_hour.values()) < MIN_EVENTS_FOR_BEST_HOUR:
        return default if default is not None else default_hour(organisation)
    return min(by_hour, key=lambda hour: (-by_hour[hour], hour))


def default_hour(organisation: Organisation | None) -> int:
    if organisation is None:
        return DEFAULT_SEND_HOUR
    return engagement_settings_for(organisation).default_send_hour


def local_hour(user: User, moment: datetime) -> int:
    return moment.astimezone(zone_of(user)).hour


def next_local_time(user: User, hour: int, *, after: datetime) -> datetime:
    """The next moment strictly after `after` when the person's clock shows `hour`:00,
    as an aware UTC datetime.

    The wall time is built in the person's zone, then converted, so 08:00 stays 08:00
    on both sides of a daylight-saving change. On the spring-forward night an hour that
    does not exist (02:00 in Paris) becomes the first one that does (03:00); on the
    fall-back night an hour that happens twice is taken the first time.
    """
    zone = zone_of(user)
    day = after.astimezone(zone).date()
    for _day in range(3):
        # fold=0: a nonexistent wall time maps forward past the gap, an ambiguous one to
        # its first occurrence (PEP 495).
        candidate = datetime.combine(day, time(hour), tzinfo=zone).astimezone(UTC)
        if candidate > after:
            return candidate
        day += timedelta(days=1)
    raise AssertionError("An hour of the day always comes back within two days.")


def in_quiet_hours(user: User, moment: datetime, *, start: int, end: int) -> bool:
    """True when the person's local time at `moment` falls in [start, end), which may
    run over midnight (21 → 8)."""
    hour = local_hour(user, moment)
    if start < end:
        return start <= hour < end
    return hour >= start or hour < end
