"""Who is told what when an appointment is booked, moved or cancelled.

Every function here only enqueues, after commit: the emails are written and sent by
`coaching.tasks`, one per person (the beneficiary and the coach), each in its reader's
language and time zone with the appointment attached for their calendar. Reminders
before an appointment are not sent here: they are the engagement engine's
`appointment_reminder` trigger.
"""

from datetime import datetime

from django.db import transaction

from parcours.coaching import tasks
from parcours.coaching.models import Appointment

BOOKED = "booked"
CHANGED = "changed"
CANCELLED = "cancelled"


def _tell_both(appointment: Appointment, kind: str, **details) -> None:
    appointment_id, sequence = appointment.pk, appointment.ical_sequence
    people = [person for person in (appointment.engagement.beneficiary_id,
                                    appointment.coach_id) if person]

    def enqueue() -> None:
        # One task per person, so that one bad address does not hold the other back.
        for person_id in people:
            tasks.send_appointment_email.enqueue(appointment_id, person_id, kind, sequence,
                                                 **details)

    transaction.on_commit(enqueue)


def appointment_booked(appointment: Appointment) -> None:
    _tell_both(appointment, BOOKED)


def appointment_changed(appointment: Appointment, *, previous_start: datetime | None = None
                        ) -> None:
    _tell_both(appointment, CHANGED,
               previous_start=previous_start.isoformat() if previous_start else "")


def appointment_cancelled(appointment: Appointment) -> None:
    _tell_both(appointment, CANCELLED)
