"""Sessions, slots and registrations for the attendance tests, as plain rows.

Scheduling and registrations have their own services and tests; attendance only needs
their rows, so these helpers write them directly and stay independent of those rules.
"""

from datetime import UTC, datetime, timedelta

from parcours.classroom.models import (
    Registration,
    RegistrationStatus,
    Session,
    SessionKind,
    SessionTrainer,
    SlotPart,
)

# Monday 7 September 2026, 9:00 to 12:30 in Paris.
MORNING_STARTS = datetime(2026, 9, 7, 7, 0, tzinfo=UTC)
MORNING_ENDS = MORNING_STARTS + timedelta(hours=3, minutes=30)
DURING = MORNING_STARTS + timedelta(minutes=20)

# A 1×1 transparent PNG, as the signature pad would send a (very small) drawing.
SIGNATURE = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR4"
             "2mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=")


def session_row(organisation, *, title="Prendre la parole en public", kind=SessionKind.IN_PERSON,
                starts_at=MORNING_STARTS, ends_at=None, trainers=(), learners=(), step=None,
                programme=None, meeting_url="") -> Session:
    """A session of one slot (the morning), with its trainers and registered learners."""
    ends_at = ends_at or starts_at + (MORNING_ENDS - MORNING_STARTS)
    if kind != SessionKind.IN_PERSON and not meeting_url:
        meeting_url = "https://meet.example.org/prise-de-parole"
    session = Session.objects.create(
        organisation=organisation, title=title, kind=kind, capacity=12, step=step,
        programme=programme, meeting_url=meeting_url, starts_at=starts_at, ends_at=ends_at)
    session.slots.create(part=SlotPart.MORNING, starts_at=starts_at, ends_at=ends_at)
    for trainer in trainers:
        SessionTrainer.objects.create(session=session, trainer=trainer)
    for learner in learners:
        register(session, learner)
    return session


def register(session, learner, status=RegistrationStatus.REGISTERED) -> Registration:
    waiting = status == RegistrationStatus.WAITLISTED
    fields = {"waitlisted_at": session.created_at} if waiting else {}
    return Registration.objects.create(session=session, learner=learner, status=status, **fields)


def slot_of(session):
    return session.slots.get()
