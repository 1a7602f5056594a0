"""Emails about registrations and sessions, sent in the background.

Enqueued after commit by `classroom.notifications`. Each task loads by id and checks
that what it is about still holds (a confirmation for a place cancelled since is not
sent; a change superseded by a newer one is skipped), so a retry is always safe.
"""

from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from parcours.accounts.models import User
from parcours.classroom import ical
from parcours.classroom.models import (
    Registration,
    RegistrationStatus,
    Session,
    SessionStatus,
    SessionTrainer,
)
from parcours.classroom.selectors import waitlist_positions
from parcours.core.tasks import task_with_retries

CONFIRMED = "confirmed"
WAITLISTED = "waitlisted"
PROMOTED = "promoted"
CANCELLED = "cancelled"
SESSION_CHANGED = "session_changed"
SESSION_CANCELLED = "session_cancelled"

# What a registration must still be for its email to make sense.
EXPECTED_STATUS = {
    CONFIRMED: RegistrationStatus.REGISTERED,
    WAITLISTED: RegistrationStatus.WAITLISTED,
    PROMOTED: RegistrationStatus.REGISTERED,
    CANCELLED: RegistrationStatus.CANCELLED,
}


def _session(session_id: int) -> Session:
    return Session.objects.select_related("organisation", "room").get(pk=session_id)


@task_with_retries()
def send_registration_email(registration_id: int, kind: str, *, by_learner: bool = False,
                            had_seat: bool = True) -> str:
    """Tell a learner about their registration: confirmed, waiting, promoted, cancelled."""
    registration = Registration.objects.select_related("learner").get(pk=registration_id)
    if registration.status != EXPECTED_STATUS[kind]:
        return f"skipped: the registration is {registration.status} now"
    session = _session(registration.session_id)
    if session.status == SessionStatus.CANCELLED:
        return "skipped: the session is cancelled (its own email says so)"
    method = None
    if kind in (CONFIRMED, PROMOTED):
        method = ical.REQUEST
    elif kind == CANCELLED and had_seat:
        method = ical.CANCEL
    context = {
        "registration": registration,
        "has_seat": kind in (CONFIRMED, PROMOTED),
        "by_learner": by_learner,
        "deadline": _cancellation_deadline(session),
    }
    if kind == WAITLISTED:
        context["position"] = waitlist_positions([registration]).get(registration.pk)
    send_session_message(registration.learner, session, kind, method=method, **context)
    return "sent"


@task_with_retries()
def send_session_email(session_id: int, person_id: int, kind: str, sequence: int, *,
                       previous_slots: list | None = None, reason: str = "") -> str:
    """Tell one person that a session they are concerned by moved or is cancelled."""
    session = _session(session_id)
    if session.ical_sequence > sequence:
        return "skipped: a newer change follows"
    cancelled = session.status == SessionStatus.CANCELLED
    if cancelled != (kind == SESSION_CANCELLED):
        return "skipped: the session's status changed since"
    person = User.objects.get(pk=person_id)
    trains = SessionTrainer.objects.filter(session=session, trainer=person).exists()
    registration = Registration.objects.filter(
        session=session, learner=person,
        status__in=[RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED]).first()
    if not trains and registration is None:
        return "skipped: no longer concerned"
    has_seat = trains or registration.status == RegistrationStatus.REGISTERED
    method = (ical.CANCEL if cancelled else ical.REQUEST) if has_seat else None
    previous = [(datetime.fromisoformat(start), datetime.fromisoformat(end))
                for start, end in previous_slots or ()]
    send_session_message(person, session, kind, method=method, registration=registration,
                         has_seat=has_seat, previous_slots=previous, reason=reason)
    return "sent"


def _cancellation_deadline(session: Session) -> datetime | None:
    """Until when the learner may still cancel; None once it has passed."""
    # Imported here: the services enqueue these tasks through notifications.
    from parcours.classroom.services.registrations import cancellation_deadline

    deadline = cancellation_deadline(session)
    return deadline if deadline is not None and deadline > timezone.now() else None


def send_session_message(person: User, session: Session, kind: str, *, method: str | None,
                         **context) -> None:
    """Write one email about a session in the person's language and time zone, with
    the calendar entry attached when `method` is given, and send it."""
    if session.starts_at is None:
        method = None  # no dates yet: nothing to put in a calendar
    with ical.speaking_to(person):
        context.update({
            "kind": kind,
            "method": method,
            "person": person,
            "session": session,
            "organisation": session.organisation,
            "slots": list(session.slots.order_by("starts_at")),
            "location": ical.session_location(session),
            "session_url": ical.session_url(session),
            "my_sessions_url": settings.SITE_URL + reverse(
                "classroom:my_sessions", args=[session.organisation.slug]),
        })
        subject = render_to_string("classroom/email/session_subject.txt", context).strip()
        text = render_to_string("classroom/email/session.txt", context)
        html = render_to_string("classroom/email/session.html", context)
        invitation = ical.session_event(session, method=method, for_user=person) if method \
            else None
    message = EmailMultiAlternatives(subject, text, to=[person.email])
    message.attach_alternative(html, "text/html")
    if invitation is not None:
        # The method in the content type is what makes mail clients offer to update
        # the calendar (RFC 6047).
        message.attach("session.ics", invitation, f"text/calendar; method={method}")
    message.send()
