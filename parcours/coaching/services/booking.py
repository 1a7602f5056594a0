"""Booking appointments: book, move, cancel, and the video link opened through Parcours.

Who books: the beneficiary, inside the coach's open slots and the engagement's rules
(notice, shortest and longest length, buffer around other appointments); or a coach of
the engagement or a manager of coaching, who may book outside the published
availability, without notice or buffer (they know the coach's diary), but never over
another appointment and always within the lengths allowed.

A coach is never booked twice at the same time. The check runs inside the transaction
that writes, after locking the coach's row, so two people booking the same coach at the
same moment queue up instead of both passing the check (as
`classroom/services/scheduling.py` does for trainers).
"""

import zoneinfo
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import User
from parcours.coaching import notifications
from parcours.coaching.models import (
    Appointment,
    AppointmentMode,
    AppointmentStatus,
    BookingSettings,
    Engagement,
    EngagementStatus,
)
from parcours.coaching.selectors import Capacity, capacity_in
from parcours.coaching.slots import BookingRules, OpenSlot, open_slots
from parcours.core.errors import Conflict, DomainError, NotAllowed
from parcours.core.events import record_event
from parcours.core.models import Verb


class EngagementNotActive(Conflict):
    default_message = _("This engagement is closed: appointments cannot be booked or "
                        "changed any more.")


class NotACoachOfEngagement(DomainError):
    default_message = _("Choose one of the engagement's coaches.")


class LengthOutOfRange(DomainError):
    default_message = _("Choose a length allowed by the engagement.")


class StartInvalid(DomainError):
    default_message = _("Give the date and time the appointment starts.")


class StartInThePast(DomainError):
    default_message = _("This time has already passed: choose a time to come.")


class NoticeTooShort(Conflict):
    default_message = _("It is too late: appointments are booked, moved or cancelled ahead "
                        "of the notice period.")


class SlotNotOpen(Conflict):
    default_message = _("This time is not open in the coach's availability any more: choose "
                        "one of the open slots.")


class CoachBusy(Conflict):
    default_message = _("The coach already has an appointment at that time.")


class BeneficiaryBusy(Conflict):
    default_message = _("The beneficiary already has an appointment at that time.")


class ModeInvalid(DomainError):
    default_message = _("Choose in person, by phone or by video.")


class ModeNotOffered(DomainError):
    default_message = _("The coach does not offer this way to meet at that time: choose "
                        "another.")


class PlaceRequired(DomainError):
    default_message = _("Say where the in-person appointment takes place.")


class MeetingLinkInvalid(DomainError):
    default_message = _("The meeting link must be a web address starting with https:// or "
                        "http://.")


class NotBookedAnyMore(Conflict):
    default_message = _("This appointment is no longer booked: it cannot be changed.")


class ReasonRequired(DomainError):
    default_message = _("Say why the appointment is cancelled (at most 255 characters): the "
                        "other person will read it.")


class NotAVideoAppointment(Conflict):
    default_message = _("This appointment is not by video.")


class MeetingLinkMissing(Conflict):
    default_message = _("The coach has not given a meeting link yet. Try again a little "
                        "later, or send them a message.")


def _capacity(engagement: Engagement, by: User) -> Capacity:
    capacity = capacity_in(by, engagement)
    if capacity is None:
        raise NotAllowed()
    return capacity


def _require_active(engagement: Engagement) -> None:
    if engagement.status != EngagementStatus.ACTIVE:
        raise EngagementNotActive()


def _coach_of(engagement: Engagement, coach: User | int | None) -> User:
    coach_id = getattr(coach, "pk", coach)
    found = engagement.coaches.filter(pk=coach_id).first() if coach_id else None
    if found is None:
        raise NotACoachOfEngagement()
    return found


def require_length(engagement: Engagement, minutes) -> int:
    """The length, if the engagement allows it (also what the slot listings check)."""
    if (not isinstance(minutes, int) or isinstance(minutes, bool)
            or not engagement.min_minutes <= minutes <= engagement.max_minutes):
        raise LengthOutOfRange(_("Choose a length from %(min)s to %(max)s minutes.") % {
            "min": engagement.min_minutes, "max": engagement.max_minutes})
    return minutes


def _start(starts_at) -> datetime:
    if not isinstance(starts_at, datetime) or starts_at.tzinfo is None:
        raise StartInvalid()
    if starts_at <= timezone.now():
        raise StartInThePast()
    return starts_at.replace(second=0, microsecond=0)


def _require_notice(engagement: Engagement, starts_at: datetime, by: User) -> None:
    if starts_at < timezone.now() + timedelta(hours=engagement.notice_hours):
        raise NoticeTooShort(_("It is too late: appointments are booked, moved or cancelled "
                               "at least %(hours)s hours ahead. Ask your coach.")
                             % {"hours": engagement.notice_hours})


def _mode(mode) -> str:
    if mode not in AppointmentMode.values:
        raise ModeInvalid()
    return mode


def _clean_link(meeting_url: str) -> str:
    meeting_url = (meeting_url or "").strip()
    if not meeting_url:
        return ""
    try:
        URLValidator(schemes=["https", "http"])(meeting_url)
    except ValidationError as invalid:
        raise MeetingLinkInvalid() from invalid
    if len(meeting_url) > 500:
        raise MeetingLinkInvalid()
    return meeting_url


def _lock(coach: User, engagement: Engagement) -> None:
    # Whoever books this coach (or this beneficiary) next waits here until this
    # transaction ends, then sees what it booked. Rows are locked in id order so two
    # transactions never wait for each other.
    people = {coach.pk, engagement.beneficiary_id} - {None}
    list(User.objects.select_for_update().filter(pk__in=people).order_by("pk")
         .values_list("pk", flat=True))


def _require_free(engagement: Engagement, coach: User, starts_at: datetime,
                  ends_at: datetime, *, by: User, capacity: Capacity,
                  ignoring: int | None = None) -> None:
    clash = (Appointment.objects
             .filter(coach=coach, status=AppointmentStatus.BOOKED, starts_at__lt=ends_at,
                     ends_at__gt=starts_at)
             .exclude(pk=ignoring)
             .select_related("engagement__beneficiary").order_by("starts_at").first())
    if clash is None:
        _require_beneficiary_free(engagement, starts_at, ends_at, by=by, capacity=capacity,
                                  ignoring=ignoring)
        return
    values = {"coach": coach.display_name, "date": _date(clash.starts_at, by),
              "start": _time(clash.starts_at, by), "end": _time(clash.ends_at, by)}
    # A beneficiary learns when the coach is busy, not with whom.
    sees_who = (clash.engagement_id == engagement.pk
                or (capacity != Capacity.BENEFICIARY
                    and clash.engagement.organisation_id == engagement.organisation_id))
    if sees_who and clash.engagement.beneficiary is not None:
        values["who"] = clash.engagement.beneficiary.display_name
        raise CoachBusy(_("%(coach)s already has an appointment with %(who)s on %(date)s "
                          "from %(start)s to %(end)s.") % values)
    raise CoachBusy(_("%(coach)s already has an appointment on %(date)s from %(start)s to "
                      "%(end)s.") % values)


def _require_beneficiary_free(engagement: Engagement, starts_at: datetime,
                              ends_at: datetime, *, by: User, capacity: Capacity,
                              ignoring: int | None) -> None:
    """The beneficiary is not in two appointments at once either (two coaches of one
    engagement, or two engagements)."""
    if engagement.beneficiary_id is None:
        return
    clash = (Appointment.objects
             .filter(engagement__beneficiary_id=engagement.beneficiary_id,
                     status=AppointmentStatus.BOOKED, starts_at__lt=ends_at,
                     ends_at__gt=starts_at)
             .exclude(pk=ignoring).select_related("coach").order_by("starts_at").first())
    if clash is None:
        return
    values = {"who": engagement.beneficiary.display_name, "coach": clash.coach.display_name,
              "date": _date(clash.starts_at, by), "start": _time(clash.starts_at, by),
              "end": _time(clash.ends_at, by)}
    if capacity == Capacity.BENEFICIARY:
        raise BeneficiaryBusy(_("You already have an appointment with %(coach)s on %(date)s "
                                "from %(start)s to %(end)s.") % values)
    raise BeneficiaryBusy(_("%(who)s already has an appointment with %(coach)s on %(date)s "
                            "from %(start)s to %(end)s.") % values)


def _open_slot(engagement: Engagement, coach: User, starts_at: datetime, minutes: int,
               *, ignoring: int | None = None) -> OpenSlot:
    slots = open_slots([coach], start=starts_at, end=starts_at + timedelta(minutes=1),
                       length_minutes=minutes, engagement_rules=BookingRules.of(engagement),
                       organisation=engagement.organisation, ignoring=ignoring)
    for slot in slots:
        if slot.starts_at == starts_at:
            return slot
    raise SlotNotOpen()


def _where(mode: str, place: str, slot: OpenSlot | None) -> str:
    if mode != AppointmentMode.IN_PERSON:
        return ""
    place = (place or "").strip() or (slot.place if slot else "")
    if not place or len(place) > 255:
        raise PlaceRequired()
    return place


def _generated_link(appointment: Appointment) -> str:
    template = (BookingSettings.objects.filter(organisation_id=appointment.engagement
                                               .organisation_id)
                .values_list("meeting_link_template", flat=True).first())
    if not template:
        return ""
    return template.replace("{code}", appointment.ical_uid.hex[:16])


def _context(appointment: Appointment, **extra) -> dict:
    return {"engagement": appointment.engagement_id, **extra}


@transaction.atomic
def book_appointment(engagement: Engagement, *, by: User, coach: User | int,
                     starts_at: datetime, minutes: int, mode: str, place: str = "",
                     meeting_url: str = "") -> Appointment:
    """Book an appointment of the engagement with one of its coaches.

    The beneficiary books an open slot (notice, availability, buffer, the modes offered
    then; the place is the coach's); a coach or a manager may choose any free time.
    Both the beneficiary and the coach get an invitation for their calendar.
    """
    capacity = _capacity(engagement, by)
    _require_active(engagement)
    coach = _coach_of(engagement, coach)
    minutes = require_length(engagement, minutes)
    starts_at = _start(starts_at)
    mode = _mode(mode)
    ends_at = starts_at + timedelta(minutes=minutes)
    _lock(coach, engagement)
    _require_free(engagement, coach, starts_at, ends_at, by=by, capacity=capacity)
    slot = None
    if capacity == Capacity.BENEFICIARY:
        _require_notice(engagement, starts_at, by)
        slot = _open_slot(engagement, coach, starts_at, minutes)
        if mode not in slot.modes:
            raise ModeNotOffered()
        place, meeting_url = "", ""
    appointment = Appointment(
        engagement=engagement, coach=coach, starts_at=starts_at, ends_at=ends_at, mode=mode,
        place=_where(mode, place, slot), booked_by=by,
        meeting_url=_clean_link(meeting_url) if mode == AppointmentMode.VIDEO else "")
    if mode == AppointmentMode.VIDEO and not appointment.meeting_url:
        appointment.meeting_url = _generated_link(appointment)
    appointment.save()
    record_event(by, Verb.BOOKED, appointment, organisation=engagement.organisation,
                 result={"duration_minutes": minutes}, context=_context(appointment))
    notifications.appointment_booked(appointment)
    return appointment


def _locked(appointment: Appointment) -> Appointment:
    locked = (Appointment.objects.select_for_update(of=("self",))
              .select_related("engagement__organisation", "engagement__beneficiary", "coach")
              .get(pk=appointment.pk))
    if locked.status != AppointmentStatus.BOOKED:
        raise NotBookedAnyMore()
    return locked


@transaction.atomic
def move_appointment(appointment: Appointment, *, by: User, starts_at: datetime,
                     minutes: int | None = None, mode: str | None = None,
                     place: str | None = None) -> Appointment:
    """Move an appointment to another time (and length, or way to meet), under the same
    rules as booking it. Calendars update in place: same UID, higher SEQUENCE."""
    engagement = appointment.engagement
    capacity = _capacity(engagement, by)
    _require_active(engagement)
    _lock(appointment.coach, engagement)
    appointment = _locked(appointment)
    engagement = appointment.engagement
    if minutes is None:
        minutes = int((appointment.ends_at - appointment.starts_at).total_seconds() // 60)
    minutes = require_length(engagement, minutes)
    starts_at = _start(starts_at)
    mode = _mode(appointment.mode if mode is None else mode)
    ends_at = starts_at + timedelta(minutes=minutes)
    _require_free(engagement, appointment.coach, starts_at, ends_at, by=by,
                  capacity=capacity, ignoring=appointment.pk)
    slot = None
    if capacity == Capacity.BENEFICIARY:
        _require_notice(engagement, appointment.starts_at, by)
        _require_notice(engagement, starts_at, by)
        slot = _open_slot(engagement, appointment.coach, starts_at, minutes,
                          ignoring=appointment.pk)
        if mode not in slot.modes:
            raise ModeNotOffered()
        place = None
    previous = appointment.starts_at
    if place is None:
        place = appointment.place if mode == appointment.mode and slot is None else ""
    appointment.place = _where(mode, place, slot)
    appointment.starts_at, appointment.ends_at, appointment.mode = starts_at, ends_at, mode
    if mode != AppointmentMode.VIDEO:
        appointment.meeting_url = ""
    elif not appointment.meeting_url:
        appointment.meeting_url = _generated_link(appointment)
    appointment.ical_sequence += 1
    appointment.save(update_fields=["starts_at", "ends_at", "mode", "place", "meeting_url",
                                    "ical_sequence", "updated_at"])
    record_event(by, Verb.RESCHEDULED, appointment, organisation=engagement.organisation,
                 result={"duration_minutes": minutes},
                 context=_context(appointment, previous_start=previous.isoformat()))
    notifications.appointment_changed(appointment, previous_start=previous)
    return appointment


@transaction.atomic
def cancel_appointment(appointment: Appointment, *, by: User, reason: str) -> Appointment:
    """Call an appointment off, with a reason the other person reads. The beneficiary
    must respect the notice period; the coach and managers need not. Calendars get a
    cancelling entry (METHOD:CANCEL)."""
    engagement = appointment.engagement
    capacity = _capacity(engagement, by)
    reason = (reason or "").strip()
    if not reason or len(reason) > 255:
        raise ReasonRequired()
    appointment = _locked(appointment)
    if capacity == Capacity.BENEFICIARY:
        _require_notice(engagement, appointment.starts_at, by)
    appointment.status = AppointmentStatus.CANCELLED
    appointment.cancelled_at = timezone.now()
    appointment.cancel_reason = reason
    appointment.ical_sequence += 1
    appointment.save(update_fields=["status", "cancelled_at", "cancel_reason",
                                    "ical_sequence", "updated_at"])
    record_event(by, Verb.CANCELLED, appointment, organisation=engagement.organisation,
                 context=_context(appointment, reason=reason))
    notifications.appointment_cancelled(appointment)
    return appointment


@transaction.atomic
def set_meeting_link(appointment: Appointment, *, by: User, meeting_url: str) -> Appointment:
    """The coach gives the video link of their own tool; both calendars are updated."""
    capacity = _capacity(appointment.engagement, by)
    if capacity == Capacity.BENEFICIARY:
        raise NotAllowed()
    appointment = _locked(appointment)
    if appointment.mode != AppointmentMode.VIDEO:
        raise NotAVideoAppointment()
    appointment.meeting_url = _clean_link(meeting_url) or _generated_link(appointment)
    appointment.ical_sequence += 1
    appointment.save(update_fields=["meeting_url", "ical_sequence", "updated_at"])
    notifications.appointment_changed(appointment)
    return appointment


@transaction.atomic
def join_appointment(appointment: Appointment, *, by: User) -> str:
    """The beneficiary or a coach opens the video meeting through Parcours: the first
    time each side joins is kept (it pre-fills the duration when the coach closes the
    appointment). Returns the meeting link to send them to."""
    capacity = _capacity(appointment.engagement, by)
    if capacity == Capacity.MANAGER:
        raise NotAllowed()
    appointment = _locked(appointment)
    if appointment.mode != AppointmentMode.VIDEO:
        raise NotAVideoAppointment()
    if not appointment.meeting_url:
        raise MeetingLinkMissing()
    field = ("beneficiary_joined_at" if capacity == Capacity.BENEFICIARY
             else "coach_joined_at")
    if getattr(appointment, field) is None:
        setattr(appointment, field, timezone.now())
        appointment.save(update_fields=[field, "updated_at"])
    record_event(by, Verb.JOINED, appointment, organisation=appointment.engagement.organisation,
                 context=_context(appointment, role=str(capacity)))
    return appointment.meeting_url


@transaction.atomic
def leave_appointment(appointment: Appointment, *, by: User) -> Appointment:
    """Someone says they left the video meeting: the last time is kept."""
    capacity = _capacity(appointment.engagement, by)
    if capacity == Capacity.MANAGER:
        raise NotAllowed()
    appointment = _locked(appointment)
    if appointment.mode != AppointmentMode.VIDEO:
        raise NotAVideoAppointment()
    appointment.left_at = timezone.now()
    appointment.save(update_fields=["left_at", "updated_at"])
    record_event(by, Verb.LEFT, appointment, organisation=appointment.engagement.organisation,
                 context=_context(appointment, role=str(capacity)))
    return appointment


def _zone(user: User):
    try:
        return zoneinfo.ZoneInfo(user.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.get_default_timezone()


def _date(moment: datetime, reader: User) -> str:
    return formats.date_format(moment.astimezone(_zone(reader)), "DATE_FORMAT")


def _time(moment: datetime, reader: User) -> str:
    return formats.time_format(moment.astimezone(_zone(reader)), "H:i")
