"""After an appointment: the coach closes it in one go (actual duration, phase, notes,
new action items), or marks it missed.

Closing is the engagement's hours record: `actual_minutes` of closed appointments are the
hours used, nowhere else are hours typed. It records `closed-appointment` with the
duration, so that reports and the other apps read it from the learning events.
"""

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import User
from parcours.coaching import hours
from parcours.coaching.models import (
    Appointment,
    AppointmentStatus,
    Engagement,
    NoteVisibility,
    Phase,
)
from parcours.coaching.services.actions import ActionDraft, add_action_items
from parcours.coaching.services.engagements import require_active, require_coach
from parcours.coaching.services.notes import add_note
from parcours.core.errors import Conflict, DomainError
from parcours.core.events import record_event
from parcours.core.models import Verb

# A single appointment longer than a working day is a typing mistake, not an hour record.
MAX_MINUTES = 12 * 60


class AlreadyClosed(Conflict):
    default_message = _("This appointment is already closed: its hours are recorded.")


class AppointmentCancelled(Conflict):
    default_message = _("This appointment was cancelled: there is nothing to close.")


class AlreadyMissed(Conflict):
    default_message = _("This appointment is already marked as missed.")


class NotStartedYet(DomainError):
    default_message = _("This appointment has not started yet: close it once it has taken "
                        "place.")


class DurationInvalid(DomainError):
    default_message = _("Give the actual duration in whole minutes, from 1 to 720.")


class PhaseInvalid(DomainError):
    default_message = _("Choose one of the engagement's phases.")


def suggested_minutes(appointment: Appointment) -> int:
    """What the closing form proposes: the time both were in the video call when Parcours
    recorded it (from the later of the two joins to the leave), otherwise the booked
    length."""
    joins = [at for at in (appointment.coach_joined_at, appointment.beneficiary_joined_at)
             if at is not None]
    if joins and appointment.left_at is not None:
        seconds = (appointment.left_at - max(joins)).total_seconds()
        if seconds >= 60:
            return min(round(seconds / 60), MAX_MINUTES)
    return _minutes_between(appointment.starts_at, appointment.ends_at)


def _minutes_between(start: datetime, end: datetime) -> int:
    return max(round((end - start).total_seconds() / 60), 1)


def _locked(appointment: Appointment) -> Appointment:
    return (Appointment.objects.select_for_update().select_related("engagement__organisation")
            .get(pk=appointment.pk))


def _check_closable(appointment: Appointment, engagement: Engagement) -> None:
    if appointment.status == AppointmentStatus.CLOSED:
        raise AlreadyClosed()
    if appointment.status == AppointmentStatus.CANCELLED:
        raise AppointmentCancelled()
    if appointment.status == AppointmentStatus.MISSED:
        raise AlreadyMissed()
    require_active(engagement)
    if appointment.starts_at > timezone.now():
        raise NotStartedYet()


def closing_refusal(appointment: Appointment) -> DomainError | None:
    """Why the appointment cannot be closed now (said before the coach types anything),
    or None."""
    try:
        _check_closable(appointment, appointment.engagement)
    except DomainError as error:
        return error
    return None


@transaction.atomic
def close_appointment(appointment: Appointment, *, by: User, actual_minutes: int,
                      phase: Phase | None = None, shared_note: str = "",
                      private_note: str = "",
                      action_items: Sequence[ActionDraft] = ()) -> Appointment:
    """Record what the appointment was: its actual duration in a phase (the current phase
    when none is given), a note for the beneficiary, a note for the coaches only, and the
    actions agreed. One of the engagement's coaches, once, after it started."""
    require_coach(appointment.engagement, by)
    appointment = _locked(appointment)
    engagement = appointment.engagement
    _check_closable(appointment, engagement)
    if isinstance(actual_minutes, bool) or not isinstance(actual_minutes, int) \
            or not 1 <= actual_minutes <= MAX_MINUTES:
        raise DurationInvalid()
    if phase is None:
        phase = hours.current_phase(engagement)
    elif phase.engagement_id != engagement.pk:
        raise PhaseInvalid()
    now = timezone.now()
    appointment.status = AppointmentStatus.CLOSED
    appointment.actual_minutes = actual_minutes
    appointment.phase = phase
    appointment.closed_at = now
    appointment.closed_by = by
    appointment.save(update_fields=["status", "actual_minutes", "phase", "closed_at",
                                    "closed_by", "updated_at"])
    for body, visibility in ((shared_note, NoteVisibility.SHARED),
                             (private_note, NoteVisibility.PRIVATE)):
        if (body or "").strip():
            add_note(engagement, by=by, body=body, visibility=visibility,
                     appointment=appointment, phase=phase)
    add_action_items(engagement, list(action_items), by=by, appointment=appointment)
    record_event(by, Verb.CLOSED_APPOINTMENT, appointment, organisation=engagement.organisation,
                 result={"duration_minutes": actual_minutes},
                 context={"engagement": engagement.pk,
                          "phase": phase.pk if phase is not None else None,
                          "beneficiary": engagement.beneficiary_id})
    return appointment


@transaction.atomic
def mark_missed(appointment: Appointment, *, by: User) -> Appointment:
    """The beneficiary did not come: no hours are counted (one of the engagement's
    coaches, after the appointment started)."""
    require_coach(appointment.engagement, by)
    appointment = _locked(appointment)
    _check_closable(appointment, appointment.engagement)
    appointment.status = AppointmentStatus.MISSED
    appointment.closed_at = timezone.now()
    appointment.closed_by = by
    appointment.save(update_fields=["status", "closed_at", "closed_by", "updated_at"])
    return appointment
