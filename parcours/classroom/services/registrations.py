"""Registrations: seats, the waiting list, cancellations.

Seats are counted with the session's row locked (`select_for_update`; SQLite's
IMMEDIATE transactions serialise writers the same way), so two people taking the
last seat at the same moment queue up: one gets it, the other the waiting list. A
seat that frees up goes to the first person waiting, in the same transaction, and
they are told. Registration closes when the session starts; a learner may cancel
until `cancellation_notice_hours` before the start (leaving a waiting list is
possible until the start), people who register learners until the session ends.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import MembershipRole, User
from parcours.accounts.selectors import require_permission, roles_in
from parcours.classroom import notifications
from parcours.classroom.models import Registration, RegistrationStatus, Session, SessionStatus
from parcours.core.errors import Conflict, DomainError, NotAllowed
from parcours.core.events import record_event
from parcours.core.models import Verb
from parcours.core.roles import Permission, Role, roles_allow

FUNDER_MAX_LENGTH = Registration._meta.get_field("funder").max_length


class NoLearners(DomainError):
    default_message = _("Choose at least one learner.")


class NotALearnerHere(DomainError):
    default_message = _("This person is not a learner in this organisation.")


class AlreadyRegistered(Conflict):
    default_message = _("This person is already registered for this session, or on its "
                        "waiting list.")


class SessionCalledOff(Conflict):
    default_message = _("This session is cancelled: its registrations can no longer change.")


class RegistrationClosed(Conflict):
    default_message = _("Registration is closed: the session has started.")


class SelfRegistrationClosed(NotAllowed):
    default_message = _("This session does not take registrations from learners "
                        "themselves: ask your trainer or coach to register you.")


class FunderTooLong(DomainError):
    default_message = _("Keep the funder under 120 characters.")


class NotYourRegistration(NotAllowed):
    default_message = _("This is not your registration.")


class AlreadyCancelled(Conflict):
    default_message = _("This registration is already cancelled.")


class CancellationTooLate(Conflict):
    default_message = _("It is too late to cancel online. Contact your trainer.")


class SessionOver(Conflict):
    default_message = _("This session is over: its registrations can no longer change.")


# --- Registering -------------------------------------------------------------------------


@transaction.atomic
def register_learners(session: Session, learners: Iterable[User], *, by: User,
                      funder: str = "") -> list[Registration]:
    """Register learners: seats first, then the waiting list, in the order given.

    Learners already registered (or waiting) are skipped; refused only when every one
    of them is. Each person is told by email (a calendar entry with their seat).
    Returns the new registrations.
    """
    require_permission(by, session.organisation, Permission.REGISTER_LEARNERS)
    return _register(session, learners, by=by, funder=funder)


@transaction.atomic
def register_self(session: Session, *, by: User) -> Registration:
    """A learner takes a seat (or a place on the waiting list), when the session lets
    learners register themselves."""
    require_permission(by, session.organisation, Permission.FOLLOW_OWN_PATH)
    if not session.allows_self_registration:
        raise SelfRegistrationClosed()
    [registration] = _register(session, [by], by=by, funder="")
    return registration


def _register(session: Session, learners: Iterable[User], *, by: User,
              funder: str) -> list[Registration]:
    chosen = list({learner.pk: learner for learner in learners}.values())
    if not chosen:
        raise NoLearners()
    funder = (funder or "").strip()
    if len(funder) > FUNDER_MAX_LENGTH:
        raise FunderTooLong()
    session = locked_session(session)
    now = timezone.now()
    check_open(session, now=now)
    here = set(MembershipRole.objects.filter(
        membership__organisation=session.organisation_id, role=Role.LEARNER,
        membership__user__in=[learner.pk for learner in chosen],
    ).values_list("membership__user_id", flat=True))
    for learner in chosen:
        if learner.pk not in here:
            raise NotALearnerHere(_("%(name)s is not a learner in this organisation.")
                                  % {"name": str(learner)})
    live = _live(session).filter(learner__in=[learner.pk for learner in chosen])
    already = set(live.values_list("learner_id", flat=True))
    new = [learner for learner in chosen if learner.pk not in already]
    if not new:
        if len(chosen) == 1:
            raise AlreadyRegistered(_("%(name)s is already registered for this session, or "
                                      "on its waiting list.") % {"name": str(chosen[0])})
        raise AlreadyRegistered(_("Everyone chosen is already registered for this session, "
                                  "or on its waiting list."))
    free = seats_free(session)
    registrations = []
    for learner in new:
        registrations.append(_create(session, learner, by=by, funder=funder, seat=free > 0,
                                     now=now))
        free -= 1
    return registrations


def _create(session: Session, learner: User, *, by: User, funder: str, seat: bool,
            now: datetime) -> Registration:
    try:
        # A savepoint: the unique constraint settles a race with another registration.
        with transaction.atomic():
            registration = Registration.objects.create(
                session=session, learner=learner, registered_by=by, funder=funder,
                status=RegistrationStatus.REGISTERED if seat else RegistrationStatus.WAITLISTED,
                waitlisted_at=None if seat else now)
    except IntegrityError as clash:
        raise AlreadyRegistered(_("%(name)s is already registered for this session, or on "
                                  "its waiting list.") % {"name": str(learner)}) from clash
    record_event(by, Verb.REGISTERED, session, organisation=session.organisation,
                 context=event_context(registration, waitlisted=not seat))
    if seat:
        notifications.registration_confirmed(registration)
    else:
        notifications.placed_on_waitlist(registration)
    return registration


# --- Cancelling ------------------------------------------------------------------------


@transaction.atomic
def cancel_registration(registration: Registration, *, by: User) -> Registration:
    """Cancel a seat or a place on the waiting list.

    The learner may, until the cancellation notice before the start (a place on the
    waiting list until the start); people who register learners may until the end. A
    freed seat goes to the first person waiting, who is told.
    """
    session = locked_session(registration.session)
    registration = (Registration.objects.select_for_update(of=("self",))
                    .select_related("learner").get(pk=registration.pk))
    registration.session = session
    now = timezone.now()
    refusal = cancellation_refusal(registration, by=by, now=now)
    if refusal is not None:
        raise refusal
    had_seat = registration.status == RegistrationStatus.REGISTERED
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = now
    registration.save(update_fields=["status", "cancelled_at", "updated_at"])
    record_event(by, Verb.CANCELLED, session, organisation=session.organisation,
                 context=event_context(registration, waitlisted=not had_seat))
    notifications.registration_cancelled(registration, by_learner=by.pk == registration.learner_id,
                                         had_seat=had_seat)
    if had_seat:
        _promote(session, by=by, now=now)
    return registration


def cancellation_deadline(session: Session) -> datetime | None:
    """Until when a learner may cancel their seat themselves."""
    if session.starts_at is None:
        return None
    return session.starts_at - timedelta(hours=session.cancellation_notice_hours)


def cancellation_refusal(registration: Registration, *, by: User,
                         roles: frozenset[str] | None = None,
                         now: datetime | None = None) -> DomainError | None:
    """Why `by` may not cancel this registration now, or None when they may.

    Pages use it to show the cancel button only when it would work; give `roles` (by's
    roles in the session's organisation) to save a query per row.
    """
    session = registration.session
    now = now or timezone.now()
    if roles is None:
        roles = roles_in(by, session.organisation)
    manages = roles_allow(roles, Permission.REGISTER_LEARNERS)
    own = registration.learner_id == by.pk and roles_allow(roles, Permission.FOLLOW_OWN_PATH)
    if not manages and not own:
        return NotYourRegistration()
    if registration.status == RegistrationStatus.CANCELLED:
        return AlreadyCancelled()
    if session.status == SessionStatus.CANCELLED:
        return SessionCalledOff()
    if session.ends_at is not None and now >= session.ends_at:
        return SessionOver()
    if manages:
        return None
    if registration.status == RegistrationStatus.WAITLISTED:
        return RegistrationClosed() if _started(session, now) else None
    deadline = cancellation_deadline(session)
    if deadline is not None and now >= deadline:
        return CancellationTooLate(_(
            "It is too late to cancel online: learners can cancel until %(date)s "
            "(%(hours)s hours before the start). Contact your trainer.") % {
            "date": formats.date_format(timezone.localtime(deadline), "DATETIME_FORMAT"),
            "hours": session.cancellation_notice_hours})
    return None


# --- The waiting list -------------------------------------------------------------------


@transaction.atomic
def fill_free_seats(session: Session, *, by: User) -> list[Registration]:
    """Give the free seats to the people waiting, first come first served, and tell
    them. For other services that add seats (more capacity) inside their transaction,
    after their own permission check."""
    return _promote(locked_session(session), by=by, now=timezone.now())


def _promote(session: Session, *, by: User, now: datetime) -> list[Registration]:
    # Nobody is moved in once the session has started: they would join half-way.
    if session.status == SessionStatus.CANCELLED or _started(session, now):
        return []
    free = seats_free(session)
    if free <= 0:
        return []
    waiting = list(waiting_list(session).select_for_update(of=("self",))[:free])
    for registration in waiting:
        registration.status = RegistrationStatus.REGISTERED
        registration.save(update_fields=["status", "updated_at"])
        record_event(by, Verb.REGISTERED, session, organisation=session.organisation,
                     context=event_context(registration, waitlisted=False, promoted=True))
        notifications.promoted_from_waitlist(registration)
    return waiting


# --- Shared ------------------------------------------------------------------------------


def locked_session(session: Session) -> Session:
    """The session as it is now, locked until the transaction ends: seats are counted
    by one transaction at a time."""
    return (Session.objects.select_for_update(of=("self",))
            .select_related("organisation").get(pk=session.pk))


def check_open(session: Session, *, now: datetime) -> None:
    if session.status == SessionStatus.CANCELLED:
        raise SessionCalledOff(_("This session is cancelled: nobody can register for it."))
    if _started(session, now):
        raise RegistrationClosed()


def _started(session: Session, now: datetime) -> bool:
    return session.starts_at is not None and now >= session.starts_at


def _live(session: Session):
    return Registration.objects.filter(session=session).exclude(
        status=RegistrationStatus.CANCELLED)


def seats_free(session: Session) -> int:
    taken = Registration.objects.filter(session=session,
                                        status=RegistrationStatus.REGISTERED).count()
    return max(session.capacity - taken, 0)


def waiting_list(session: Session):
    """The people waiting, first come first served (ties keep the order they were
    registered in)."""
    return Registration.objects.filter(session=session, status=RegistrationStatus.WAITLISTED
                                       ).order_by("waitlisted_at", "pk")


def event_context(registration: Registration, **extra: Any) -> dict[str, Any]:
    """The context of registration events: the session (and its programme and step,
    so that journeys can follow), the registration and the learner."""
    session = registration.session
    context: dict[str, Any] = {"session": session.pk, "registration": registration.pk,
                               "learner": registration.learner_id}
    if session.programme_id:
        context["programme"] = session.programme_id
    if session.step_id:
        context["step"] = session.step_id
    context.update(extra)
    return context

