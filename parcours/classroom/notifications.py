"""Who is told what when a registration or a session changes.

Every function here only enqueues: the emails are written and sent by the tasks of
`classroom.tasks`, after the change is committed (`transaction.on_commit`, which runs
at once when called outside a transaction, as from another `on_commit` hook). Each
email is in its recipient's language and time zone and carries the session as an
iCalendar attachment (`classroom.ical.session_event`) when the person has a place.

Kept in one module so that the engagement engine can take these messages over. The
reminders before a session already went: the engine's `session_reminder` trigger sends
them (`manage.py run_engagement_triggers`).
"""

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction

from parcours.classroom import tasks
from parcours.classroom.models import (
    Registration,
    RegistrationStatus,
    Session,
    SessionTrainer,
)
from parcours.classroom.tasks import (
    CANCELLED,
    CONFIRMED,
    PROMOTED,
    SESSION_CANCELLED,
    SESSION_CHANGED,
    WAITLISTED,
)


def _after_commit(task, *args, **kwargs) -> None:
    transaction.on_commit(lambda: task.enqueue(*args, **kwargs))


def registration_confirmed(registration: Registration) -> None:
    """The learner has a seat: the confirmation and the calendar entry."""
    _after_commit(tasks.send_registration_email, registration.pk, CONFIRMED)


def placed_on_waitlist(registration: Registration) -> None:
    """The session is full: the learner is told their place on the waiting list."""
    _after_commit(tasks.send_registration_email, registration.pk, WAITLISTED)


def promoted_from_waitlist(registration: Registration) -> None:
    """A seat freed up and went to this waiting learner: the news and the calendar entry."""
    _after_commit(tasks.send_registration_email, registration.pk, PROMOTED)


def registration_cancelled(registration: Registration, *, by_learner: bool,
                           had_seat: bool) -> None:
    """The learner's place is cancelled (by them or by the organisation); a person who
    had a seat gets the calendar entry removed."""
    _after_commit(tasks.send_registration_email, registration.pk, CANCELLED,
                  by_learner=by_learner, had_seat=had_seat)


def session_changed(session: Session, *,
                    previous_slots: Sequence[tuple[datetime, datetime]] | None = None) -> None:
    """The session moved (or its place changed): everyone concerned gets the new
    schedule, and an updated calendar entry (same UID, higher SEQUENCE) when they have a
    seat or train it. Pass `previous_slots` (start, end) so the email shows what moved."""
    session_id, sequence = session.pk, session.ical_sequence
    previous = [[start.isoformat(), end.isoformat()] for start, end in previous_slots or ()]
    transaction.on_commit(lambda: _tell_everyone(session_id, SESSION_CHANGED, sequence,
                                                 previous_slots=previous))


def session_cancelled(session: Session, *, reason: str = "") -> None:
    """The session is cancelled: everyone concerned is told, with a cancelling calendar
    entry (METHOD:CANCEL) for those who had it in their calendar."""
    session_id, sequence = session.pk, session.ical_sequence
    transaction.on_commit(lambda: _tell_everyone(session_id, SESSION_CANCELLED, sequence,
                                                 reason=reason))


def _tell_everyone(session_id: int, kind: str, sequence: int, **details) -> None:
    # One task per person, so that one bad address does not hold the others back.
    for person_id in concerned_by(session_id):
        tasks.send_session_email.enqueue(session_id, person_id, kind, sequence, **details)


def concerned_by(session_id: int) -> list[int]:
    """Everyone a change of the session concerns: the learners with a seat or on the
    waiting list, and the trainers."""
    learners = Registration.objects.filter(
        session_id=session_id,
        status__in=[RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED],
    ).values_list("learner_id", flat=True)
    trainers = SessionTrainer.objects.filter(session_id=session_id).values_list(
        "trainer_id", flat=True)
    return sorted({*learners, *trainers})

