"""Coaches publish when they can be booked: their usual week, and its exceptions.

A coach edits their own availability; a manager of coaching may edit a coach's for
them (a coach on sick leave). The organisation's meeting link template is the
managers'.
"""

import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, time

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import Organisation, User
from parcours.accounts.selectors import require_permission, roles_in
from parcours.coaching.models import (
    AppointmentMode,
    AvailabilityException,
    BookingSettings,
    ExceptionKind,
    WeeklyAvailability,
)
from parcours.core.errors import DomainError, NotAllowed
from parcours.core.roles import Permission, roles_allow

MODES = frozenset(AppointmentMode.values)


class NotACoach(DomainError):
    default_message = _("This person is not a coach in this organisation.")


class PeriodInvalid(DomainError):
    default_message = _("Each period needs a day of the week, and an end after its start.")


class PeriodsOverlap(DomainError):
    default_message = _("Two periods of the same day overlap: merge them into one.")


class ModeRequired(DomainError):
    default_message = _("Offer at least one way to meet: in person, by phone or by video.")


class PlaceRequired(DomainError):
    default_message = _("Say where in-person appointments happen.")


class TimeZoneInvalid(DomainError):
    default_message = _("This time zone is not known.")


class ExceptionInvalid(DomainError):
    default_message = _("Give a start and an end after it, and say whether it is time off "
                        "or an extra slot.")


class MeetingLinkTemplateInvalid(DomainError):
    default_message = _("The template must be a web address starting with https:// and "
                        "contain {code}.")


@dataclass(frozen=True)
class WeeklyPeriod:
    """One period of the usual week, as a coach types it (local wall-clock times)."""

    weekday: int
    start_time: time
    end_time: time
    modes: frozenset[str] = field(default_factory=lambda: frozenset({"video"}))
    place: str = ""


def _may_edit(coach: User, organisation: Organisation, *, by: User) -> None:
    if not roles_allow(roles_in(coach, organisation), Permission.COACH_BENEFICIARIES):
        raise NotACoach()
    if by.pk != coach.pk:
        require_permission(by, organisation, Permission.MANAGE_COACHING)
    else:
        require_permission(by, organisation, Permission.COACH_BENEFICIARIES)


def _zone_name(name: str) -> str:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as unknown:
        raise TimeZoneInvalid() from unknown
    return name


def _clean_modes(modes: Iterable[str], place: str) -> tuple[frozenset[str], str]:
    modes = frozenset(modes or ())
    if not modes or not modes <= MODES:
        raise ModeRequired()
    place = (place or "").strip()
    if AppointmentMode.IN_PERSON in modes and not place:
        raise PlaceRequired()
    if len(place) > 255:
        raise PlaceRequired()
    return modes, place


def _mode_fields(modes: frozenset[str]) -> dict[str, bool]:
    return {"offers_in_person": AppointmentMode.IN_PERSON in modes,
            "offers_phone": AppointmentMode.PHONE in modes,
            "offers_video": AppointmentMode.VIDEO in modes}


@transaction.atomic
def set_weekly_availability(coach: User, organisation: Organisation, *, by: User,
                            periods: Iterable[WeeklyPeriod],
                            time_zone: str | None = None) -> list[WeeklyAvailability]:
    """Replace the coach's usual week in the organisation with these periods, read in
    `time_zone` (the coach's own zone by default). Appointments already booked stay."""
    _may_edit(coach, organisation, by=by)
    zone = _zone_name(time_zone or coach.time_zone)
    rows = []
    for period in periods:
        if (not isinstance(period.weekday, int) or not 0 <= period.weekday <= 6
                or not isinstance(period.start_time, time)
                or not isinstance(period.end_time, time)
                or period.end_time <= period.start_time):
            raise PeriodInvalid()
        modes, place = _clean_modes(period.modes, period.place)
        rows.append(WeeklyAvailability(
            organisation=organisation, coach=coach, weekday=period.weekday,
            start_time=period.start_time.replace(second=0, microsecond=0),
            end_time=period.end_time.replace(second=0, microsecond=0), time_zone=zone,
            place=place, **_mode_fields(modes)))
    rows.sort(key=lambda row: (row.weekday, row.start_time))
    for before, after in zip(rows, rows[1:], strict=False):
        if before.weekday == after.weekday and after.start_time < before.end_time:
            raise PeriodsOverlap()
    WeeklyAvailability.objects.filter(coach=coach, organisation=organisation).delete()
    return WeeklyAvailability.objects.bulk_create(rows)


@transaction.atomic
def add_availability_exception(coach: User, organisation: Organisation, *, by: User,
                               kind: str, starts_at: datetime, ends_at: datetime,
                               note: str = "", modes: Iterable[str] = ("video",),
                               place: str = "") -> AvailabilityException:
    """Time off (nothing can be booked then, whatever the usual week says) or an extra
    one-off slot. Appointments already booked in a time off stay: the coach moves or
    cancels them, which tells the beneficiary."""
    _may_edit(coach, organisation, by=by)
    if (kind not in ExceptionKind.values or not isinstance(starts_at, datetime)
            or not isinstance(ends_at, datetime) or starts_at.tzinfo is None
            or ends_at.tzinfo is None or ends_at <= starts_at or len(note or "") > 200):
        raise ExceptionInvalid()
    fields = {}
    if kind == ExceptionKind.EXTRA:
        clean_modes, place = _clean_modes(modes, place)
        fields = {**_mode_fields(clean_modes), "place": place}
    return AvailabilityException.objects.create(
        organisation=organisation, coach=coach, kind=kind, starts_at=starts_at,
        ends_at=ends_at, note=(note or "").strip(), **fields)


@transaction.atomic
def remove_availability_exception(exception: AvailabilityException, *, by: User) -> None:
    _may_edit(exception.coach, exception.organisation, by=by)
    exception.delete()


@transaction.atomic
def set_meeting_link_template(organisation: Organisation, *, by: User,
                              template: str) -> BookingSettings:
    """The address video appointments get when their coach gives no link of their own;
    empty to stop generating links."""
    require_permission(by, organisation, Permission.MANAGE_COACHING)
    template = (template or "").strip()
    if template and (not template.startswith("https://") or "{code}" not in template
                     or len(template) > 300 or any(c.isspace() for c in template)):
        raise MeetingLinkTemplateInvalid()
    settings_row, _created = BookingSettings.objects.get_or_create(organisation=organisation)
    settings_row.meeting_link_template = template
    settings_row.save(update_fields=["meeting_link_template", "updated_at"])
    return settings_row


def require_self_or_manager(coach: User, organisation: Organisation, *, by: User) -> None:
    """Who may read a coach's availability: the coach, or a manager of coaching."""
    if by.pk != coach.pk and not roles_allow(roles_in(by, organisation),
                                             Permission.MANAGE_COACHING):
        raise NotAllowed()
