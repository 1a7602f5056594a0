"""Attendance and signatures (émargement): who was there, proven per half-day slot.

- The trainers of a session (TEACH_SESSIONS) and the people who schedule sessions
  (SCHEDULE_SESSIONS) note each registered learner present, late (with an arrival time),
  absent or excused.
- Learners registered in the session and its trainers sign each slot: drawn on their own
  device, on the trainer's device, by opening the QR code the trainer's screen shows, or
  through a personal signing link. The signer is always the person signed in: nobody
  signs for someone else. One signature per person and slot (a database constraint).
- Signing is open from SIGNING_OPENS_BEFORE the slot starts to SIGNING_CLOSES_AFTER it
  ends: long enough for a late arrival or a dropped connection, short enough that a
  signature says "I was there" (Qualiopi asks for a signature per half-day, given then).
- Each slot's signatures form a hash chain (`parcours.classroom.signing`), computed under
  a lock on the slot row so two signatures at once cannot both claim the same
  predecessor; the hash is also written in the `signed` learning event, whose table is
  append-only, so a signature deleted afterwards is found too (`verify_slot`).
- Virtual classes open through Parcours (`join_virtual_class`), which keeps join and leave
  times; a trainer can accept them as attendance (`accept_virtual_attendance`).

Records `attended` (actor: whoever noted it; context: session, slot, learner, status and
the live-session step when the session has one, which journeys turns into evidence) and
`signed` (context: session, slot, learner or trainer, method, record hash).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parcours.accounts.models import User
from parcours.accounts.selectors import roles_in
from parcours.classroom import signing
from parcours.classroom.hours import attended_minutes
from parcours.classroom.models import (
    Attendance,
    AttendanceStatus,
    Registration,
    RegistrationStatus,
    SessionKind,
    SessionStatus,
    SessionTrainer,
    Signature,
    SignatureMethod,
    SignerRole,
    Slot,
    VirtualVisit,
)
from parcours.core.errors import Conflict, DomainError, NotAllowed
from parcours.core.events import record_event
from parcours.core.models import LearningEvent, Verb
from parcours.core.roles import Permission, roles_allow

SIGNING_OPENS_BEFORE = timedelta(minutes=15)
SIGNING_CLOSES_AFTER = timedelta(minutes=30)

ATTENDING = frozenset({AttendanceStatus.PRESENT, AttendanceStatus.LATE})


# --- Errors ------------------------------------------------------------------------------


class NotTrainerOfSession(NotAllowed):
    default_message = gettext_lazy("Only the trainers of this session can do this.")


class NotRegistered(NotAllowed):
    default_message = gettext_lazy(
        "You are not registered in this session: only its learners and trainers sign it.")


class LearnerNotRegistered(DomainError):
    default_message = gettext_lazy("This person is not registered in this session.")


class CancelledSession(Conflict):
    default_message = gettext_lazy("This session was cancelled: it takes no attendance.")


class UnknownAttendanceStatus(DomainError):
    default_message = gettext_lazy("Choose present, late, absent or excused.")


class ArrivalTimeRequired(DomainError):
    default_message = gettext_lazy("Give the arrival time of a learner who came late.")


class ArrivalTimeOutsideSlot(DomainError):
    default_message = gettext_lazy("The arrival time must fall within the slot.")


class TooEarlyForAttendance(Conflict):
    default_message = gettext_lazy(
        "Learners can be noted present from 15 minutes before the slot starts.")


class SigningClosed(Conflict):
    default_message = gettext_lazy("Signing is not open for this slot.")


class AlreadySigned(Conflict):
    default_message = gettext_lazy("You have already signed for this slot.")


class SignatureImageInvalid(DomainError):
    default_message = gettext_lazy(
        "Draw your signature, or type your name: the image must be a PNG under 200 KB.")


class SignatureMethodRefused(DomainError):
    default_message = gettext_lazy(
        "Sign by drawing, or by joining the virtual class through Parcours.")


class QrCodeInvalid(DomainError):
    default_message = gettext_lazy("This code is not valid: scan the one on the screen.")


class QrCodeExpired(DomainError):
    default_message = gettext_lazy("This code has expired: scan the one on the screen now.")


class NotYourCode(NotAllowed):
    default_message = gettext_lazy(
        "This code was opened by someone else: scan the code on the screen yourself.")


class SigningLinkInvalid(DomainError):
    default_message = gettext_lazy(
        "This signing link is not valid: ask your trainer for a new one.")


class NotYourLink(NotAllowed):
    default_message = gettext_lazy(
        "This signing link was sent to someone else: sign in as yourself and use your own "
        "link.")


class NotAVirtualClass(DomainError):
    default_message = gettext_lazy("This session has no virtual class.")


class VirtualClassClosed(Conflict):
    default_message = gettext_lazy("This virtual class is not open now.")


class NoVirtualVisit(DomainError):
    default_message = gettext_lazy(
        "This learner has not joined the virtual class through Parcours.")


# --- Who may do what ---------------------------------------------------------------------


def is_trainer_of(person: User, session) -> bool:
    return SessionTrainer.objects.filter(session=session, trainer=person).exists()


def is_registered_in(person: User, session) -> bool:
    return Registration.objects.filter(session=session, learner=person,
                                       status=RegistrationStatus.REGISTERED).exists()


def may_take_attendance(person: User, session, roles=None) -> bool:
    """Trainers of the session (TEACH_SESSIONS), and the people who schedule sessions."""
    roles = roles_in(person, session.organisation) if roles is None else roles
    return roles_allow(roles, Permission.SCHEDULE_SESSIONS) or (
        roles_allow(roles, Permission.TEACH_SESSIONS) and is_trainer_of(person, session))


def may_show_qr_code(person: User, session, roles=None) -> bool:
    """Only the session's own trainers show the code: they are in the room."""
    roles = roles_in(person, session.organisation) if roles is None else roles
    return roles_allow(roles, Permission.TEACH_SESSIONS) and is_trainer_of(person, session)


def signer_role(person: User, session, roles=None) -> str | None:
    """As what this person signs the session's slots, or None if they do not."""
    roles = roles_in(person, session.organisation) if roles is None else roles
    if not roles:
        return None
    if is_trainer_of(person, session):
        return SignerRole.TRAINER
    if roles_allow(roles, Permission.FOLLOW_OWN_PATH) and is_registered_in(person, session):
        return SignerRole.LEARNER
    return None


def _require_attendance_taker(person: User, session) -> None:
    roles = roles_in(person, session.organisation)
    if not roles:
        raise NotAllowed()
    if not may_take_attendance(person, session, roles):
        raise NotTrainerOfSession()


def _require_signer(person: User, session) -> str:
    role = signer_role(person, session)
    if role is None:
        if not roles_in(person, session.organisation):
            raise NotAllowed()
        raise NotRegistered()
    return role


def _require_registered_learner(learner: User, session) -> None:
    if not is_registered_in(learner, session):
        raise LearnerNotRegistered(
            _("%(name)s is not registered in this session.") % {"name": learner})


def _require_scheduled(session) -> None:
    if session.status == SessionStatus.CANCELLED:
        raise CancelledSession()


# --- When ----------------------------------------------------------------------------------


def signing_opens_at(slot: Slot) -> datetime:
    return slot.starts_at - SIGNING_OPENS_BEFORE


def signing_closes_at(slot: Slot) -> datetime:
    return slot.ends_at + SIGNING_CLOSES_AFTER


def signing_is_open(slot: Slot, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return signing_opens_at(slot) <= now <= signing_closes_at(slot)


def _local_time(moment: datetime) -> str:
    """09:45, in the time zone of the person the message is for (the active one)."""
    return date_format(timezone.localtime(moment), "H:i")


def _require_signing_open(slot: Slot, now: datetime) -> None:
    if now < signing_opens_at(slot):
        raise SigningClosed(
            _("Signing opens at %(time)s, 15 minutes before the slot starts.")
            % {"time": _local_time(signing_opens_at(slot))})
    if now > signing_closes_at(slot):
        raise SigningClosed(
            _("Signing closed at %(time)s, 30 minutes after the slot ended.")
            % {"time": _local_time(signing_closes_at(slot))})


def _locked_slot(slot: Slot | int) -> Slot:
    """The slot, locked until the transaction ends: signatures of one slot queue up, so
    each one chains onto the one really before it."""
    pk = slot if isinstance(slot, int) else slot.pk
    return (Slot.objects.select_for_update(of=("self",))
            .select_related("session__organisation").get(pk=pk))


def _slot(slot_id: int) -> Slot:
    return Slot.objects.select_related("session__organisation").get(pk=slot_id)


# --- Attendance ----------------------------------------------------------------------------


def _record_attended(slot: Slot, attendance: Attendance, *, by: User) -> None:
    session = slot.session
    context: dict[str, Any] = {"session": session.pk, "slot": slot.pk,
                               "learner": attendance.learner_id, "status": attendance.status}
    if session.step_id is not None:
        context["step"] = session.step_id
    record_event(by, Verb.ATTENDED, slot, organisation=session.organisation,
                 result={"duration_minutes": attended_minutes(
                     slot.starts_at, slot.ends_at, attendance.status, attendance.arrived_at)},
                 context=context)


def _set_attendance(slot: Slot, learner: User, *, by: User, status: str,
                    arrived_at: datetime | None) -> Attendance:
    attendance = Attendance.objects.filter(slot=slot, learner=learner).first()
    before = None if attendance is None else (attendance.status, attendance.arrived_at)
    if attendance is None:
        attendance = Attendance(slot=slot, learner=learner)
    attendance.status, attendance.arrived_at, attendance.recorded_by = status, arrived_at, by
    attendance.save()
    if status in ATTENDING and before != (status, arrived_at):
        _record_attended(slot, attendance, by=by)
    return attendance


@transaction.atomic
def record_attendance(slot: Slot, *, by: User, learner: User, status: str,
                      arrived_at: datetime | None = None) -> Attendance:
    """Note a registered learner present, late (from `arrived_at`), absent or excused.

    Present or late can be noted from SIGNING_OPENS_BEFORE the start on (and corrected
    later); absent and excused at any time. Records `attended` when the learner is noted
    present or late, or their arrival time changes.
    """
    slot = _locked_slot(slot)
    session = slot.session
    _require_attendance_taker(by, session)
    _require_scheduled(session)
    if status not in AttendanceStatus.values:
        raise UnknownAttendanceStatus()
    _require_registered_learner(learner, session)
    if status == AttendanceStatus.LATE:
        if arrived_at is None:
            raise ArrivalTimeRequired()
        if not slot.starts_at <= arrived_at <= slot.ends_at:
            raise ArrivalTimeOutsideSlot(
                _("The arrival time must fall within the slot (%(start)s–%(end)s).")
                % {"start": _local_time(slot.starts_at), "end": _local_time(slot.ends_at)})
    else:
        arrived_at = None
    if status in ATTENDING and timezone.now() < signing_opens_at(slot):
        raise TooEarlyForAttendance()
    return _set_attendance(slot, learner, by=by, status=status, arrived_at=arrived_at)


# --- Signatures ----------------------------------------------------------------------------


def _checked_image(image: str, *, required: bool) -> str:
    image = (image or "").strip()
    if not image:
        if required:
            raise SignatureImageInvalid()
        return ""
    if signing.png_from_data_url(image) is None:
        raise SignatureImageInvalid()
    return image


def _sign(slot: Slot, *, by: User, signer: User, role: str, method: str, image: str,
          device: dict | None, now: datetime) -> Signature:
    """Add a signature at the end of the slot's chain (the slot is locked), note a
    signing learner present unless the trainer noted otherwise, record `signed`."""
    session = slot.session
    last = (Signature.objects.filter(slot=slot).order_by("-signed_at", "-id")
            .only("record_hash", "signed_at").first())
    # A clock set back must not sort a new signature before an older one in the chain.
    signed_at = max(now, last.signed_at) if last else now
    signature = Signature(slot=slot, signer=signer, role=role, method=method, image=image,
                          signed_at=signed_at, device=dict(device or {}),
                          previous_hash=last.record_hash if last else "")
    signature.record_hash = signing.hash_of(signature)
    try:
        with transaction.atomic():
            signature.save()
    except IntegrityError as clash:  # signed from two tabs at the same moment
        raise AlreadySigned() from clash
    if role == SignerRole.LEARNER and not Attendance.objects.filter(
            slot=slot, learner=signer).exists():
        _set_attendance(slot, signer, by=by, status=AttendanceStatus.PRESENT, arrived_at=None)
    context: dict[str, Any] = {"session": session.pk, "slot": slot.pk, "role": role,
                               "method": method, "record_hash": signature.record_hash}
    context["learner" if role == SignerRole.LEARNER else "trainer"] = signer.pk
    record_event(by, Verb.SIGNED, signature, organisation=session.organisation,
                 context=context)
    return signature


def _require_not_signed(slot: Slot, person: User, *, yourself: bool = True) -> None:
    if Signature.objects.filter(slot=slot, signer=person).exists():
        if yourself:
            raise AlreadySigned()
        raise AlreadySigned(
            _("%(name)s has already signed for this slot.") % {"name": person})


@transaction.atomic
def sign_slot(slot: Slot, *, by: User, method: str, image: str = "",
              device: dict | None = None) -> Signature:
    """The person signed in signs the slot, as a learner registered in the session or as
    one of its trainers, while signing is open.

    `method` is "drawn" (with `image`, a PNG data URL from the pad, under 200 KB) or
    "virtual" (having joined the virtual class through Parcours: `device` gets the join
    and leave times). QR codes and personal links have their own functions.
    """
    slot = _locked_slot(slot)
    session = slot.session
    role = _require_signer(by, session)
    _require_scheduled(session)
    _require_not_signed(slot, by)
    now = timezone.now()
    _require_signing_open(slot, now)
    device = dict(device or {})
    if method == SignatureMethod.DRAWN:
        image = _checked_image(image, required=True)
    elif method == SignatureMethod.VIRTUAL:
        if session.kind == SessionKind.IN_PERSON:
            raise NotAVirtualClass()
        visits = _visits(slot, by)
        if not visits:
            raise NoVirtualVisit(
                _("Join the virtual class through Parcours first: your signature is "
                  "based on your time in it."))
        image, device["visits"] = "", visits
    else:
        raise SignatureMethodRefused()
    return _sign(slot, by=by, signer=by, role=role, method=method, image=image,
                 device=device, now=now)


@transaction.atomic
def sign_on_trainer_device(slot: Slot, *, by: User, learner: User, image: str,
                           device: dict | None = None) -> Signature:
    """A learner signs on their trainer's phone or tablet, handed to them in the room,
    as on a paper sheet: the trainer is signed in, the learner draws. The device keeps
    whose device it was."""
    slot = _locked_slot(slot)
    session = slot.session
    if not may_show_qr_code(by, session):
        if not roles_in(by, session.organisation):
            raise NotAllowed()
        raise NotTrainerOfSession()
    _require_scheduled(session)
    _require_registered_learner(learner, session)
    _require_not_signed(slot, learner, yourself=False)
    now = timezone.now()
    _require_signing_open(slot, now)
    image = _checked_image(image, required=True)
    device = {**(device or {}), "trainer_device": by.pk}
    return _sign(slot, by=by, signer=learner, role=SignerRole.LEARNER,
                 method=SignatureMethod.DRAWN, image=image, device=device, now=now)


# --- QR codes --------------------------------------------------------------------------------


def qr_code_token(slot: Slot, *, by: User, now: datetime | None = None) -> str:
    """The token the trainer's screen shows as a QR code, for the current 30-second
    window. Only the session's trainers, and only while signing is open."""
    now = now or timezone.now()
    session = slot.session
    if not may_show_qr_code(by, session):
        if not roles_in(by, session.organisation):
            raise NotAllowed()
        raise NotTrainerOfSession()
    _require_scheduled(session)
    _require_signing_open(slot, now)
    return signing.qr_token(slot.pk, now)


@dataclass(frozen=True)
class ScannedCode:
    slot: Slot
    ticket: str


def _slot_of_code(token: str) -> Slot:
    slot_id = signing.slot_of_qr_token(token)
    if slot_id is None:
        raise QrCodeInvalid()
    try:
        return _slot(slot_id)
    except Slot.DoesNotExist as gone:
        raise QrCodeInvalid() from gone


def _read_fresh_code(token: str, now: datetime) -> None:
    try:
        signing.read_qr_token(token, now)
    except signing.TokenExpired as old:
        raise QrCodeExpired() from old
    except signing.TokenInvalid as bad:
        raise QrCodeInvalid() from bad


def scan_qr_code(token: str, *, by: User) -> ScannedCode:
    """Someone opened a QR code's link: if the code is fresh and they may sign the slot,
    they get a ticket to sign with, valid SCAN_TICKET_SECONDS and for them only, so that
    drawing their signature does not race the 30-second code."""
    slot = _slot_of_code(token)
    _require_signer(by, slot.session)
    _require_scheduled(slot.session)
    _require_not_signed(slot, by)
    now = timezone.now()
    _read_fresh_code(token, now)
    _require_signing_open(slot, now)
    return ScannedCode(slot=slot, ticket=signing.scan_ticket(slot.pk, by.pk))


@transaction.atomic
def sign_with_qr_code(token: str, *, by: User, image: str = "",
                      device: dict | None = None) -> Signature:
    """Sign with a QR code from the trainer's screen: `token` is the code's own (valid in
    its 30-second window and the next) or the ticket `scan_qr_code` gave this person.

    The signer is always `by`: a code or ticket someone else opened cannot make them
    sign for anyone. Once per person and slot; only while signing is open.
    """
    now = timezone.now()
    if signing.is_scan_ticket(token):
        try:
            slot_id, person_id = signing.read_scan_ticket(token)
        except signing.TokenExpired as old:
            raise QrCodeExpired(
                _("This page was open too long: scan the code on the screen again.")) from old
        except signing.TokenInvalid as bad:
            raise QrCodeInvalid() from bad
        if person_id != by.pk:
            raise NotYourCode()
        try:
            slot = _locked_slot(slot_id)
        except Slot.DoesNotExist as gone:
            raise QrCodeInvalid() from gone
        fresh = None
    else:
        slot = _locked_slot(_slot_of_code(token))
        fresh = token
    session = slot.session
    role = _require_signer(by, session)
    _require_scheduled(session)
    _require_not_signed(slot, by)
    if fresh is not None:
        _read_fresh_code(fresh, now)
    _require_signing_open(slot, now)
    image = _checked_image(image, required=False)
    return _sign(slot, by=by, signer=by, role=role, method=SignatureMethod.QR_CODE,
                 image=image, device=device, now=now)


# --- Personal signing links ------------------------------------------------------------------


def signing_link(slot: Slot, learner: User) -> str:
    """The address of a learner's personal signing link for a slot (for virtual classes:
    sent to them, or pasted in the class's chat: it only works for them)."""
    return reverse("classroom:sign_link",
                   args=[slot.session.organisation.slug, signing.link_token(slot.pk, learner.pk)])


def slot_of_link(token: str, *, by: User) -> Slot:
    """The slot a personal link is for, if it is `by`'s own link."""
    try:
        slot_id, learner_id = signing.read_link_token(token)
    except (signing.TokenInvalid, signing.TokenExpired) as bad:
        raise SigningLinkInvalid() from bad
    if learner_id != by.pk:
        raise NotYourLink()
    try:
        return _slot(slot_id)
    except Slot.DoesNotExist as gone:
        raise SigningLinkInvalid() from gone


@transaction.atomic
def sign_with_link(token: str, *, by: User, image: str = "",
                   device: dict | None = None) -> Signature:
    """Sign through one's personal link: only the learner it was made for, only while
    signing the slot is open."""
    slot = _locked_slot(slot_of_link(token, by=by))
    session = slot.session
    role = _require_signer(by, session)
    _require_scheduled(session)
    _require_not_signed(slot, by)
    now = timezone.now()
    _require_signing_open(slot, now)
    image = _checked_image(image, required=False)
    return _sign(slot, by=by, signer=by, role=role, method=SignatureMethod.LINK,
                 image=image, device=device, now=now)


# --- Virtual classes -------------------------------------------------------------------------


def _visits(slot: Slot, person: User) -> list[dict[str, str | None]]:
    return [{"joined_at": signing.utc_iso(visit.joined_at),
             "left_at": signing.utc_iso(visit.left_at) if visit.left_at else None}
            for visit in VirtualVisit.objects.filter(slot=slot, person=person)
            .order_by("joined_at", "id")]


@transaction.atomic
def join_virtual_class(slot: Slot, *, by: User) -> tuple[VirtualVisit, str]:
    """Open the virtual class of a slot: records the visit and gives the meeting link
    to send the person to. For its registered learners and trainers, while signing is
    open (from 15 minutes before the start)."""
    slot = _locked_slot(slot)
    session = slot.session
    _require_signer(by, session)
    _require_scheduled(session)
    if session.kind == SessionKind.IN_PERSON or not session.meeting_url:
        raise NotAVirtualClass()
    now = timezone.now()
    if not signing_is_open(slot, now):
        raise VirtualClassClosed(
            _("This virtual class opens at %(time)s, 15 minutes before it starts.")
            % {"time": _local_time(signing_opens_at(slot))} if now < slot.starts_at
            else _("This virtual class is over."))
    visit = VirtualVisit.objects.create(slot=slot, person=by, joined_at=now)
    return visit, session.meeting_url


@transaction.atomic
def leave_virtual_class(slot: Slot, *, by: User) -> int:
    """The person left the virtual class (their join page was closed, or they said so):
    their open visits end now. Returns how many were open."""
    return VirtualVisit.objects.filter(slot=slot, person=by, left_at__isnull=True).update(
        left_at=timezone.now())


@transaction.atomic
def close_virtual_class(slot: Slot, *, by: User) -> int:
    """A trainer closes the virtual class: everyone still in it leaves now."""
    slot = _locked_slot(slot)
    _require_attendance_taker(by, slot.session)
    return VirtualVisit.objects.filter(slot=slot, left_at__isnull=True).update(
        left_at=timezone.now())


@transaction.atomic
def accept_virtual_attendance(slot: Slot, *, by: User, learner: User) -> Signature:
    """A trainer accepts a learner's time in the virtual class as their attendance: the
    learner is noted present, and signed for with method "virtual" and their join and
    leave times as the device information."""
    slot = _locked_slot(slot)
    session = slot.session
    _require_attendance_taker(by, session)
    _require_scheduled(session)
    _require_registered_learner(learner, session)
    visits = _visits(slot, learner)
    if not visits:
        raise NoVirtualVisit()
    _require_not_signed(slot, learner, yourself=False)
    now = timezone.now()
    attendance = Attendance.objects.filter(slot=slot, learner=learner).first()
    if attendance is None or attendance.status not in ATTENDING:
        _set_attendance(slot, learner, by=by, status=AttendanceStatus.PRESENT, arrived_at=None)
    return _sign(slot, by=by, signer=learner, role=SignerRole.LEARNER,
                 method=SignatureMethod.VIRTUAL, image="",
                 device={"visits": visits, "accepted_by": by.pk}, now=now)


# --- Verification ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainProblem:
    slot_id: int
    signature_id: int | None
    message: str

    def __str__(self) -> str:
        return self.message


def verify_slot(slot: Slot, *, signatures: list[Signature] | None = None,
                signed_events: list[LearningEvent] | None = None) -> list[ChainProblem]:
    """What is wrong with a slot's signatures: a record altered after signing (its hash
    no longer matches), a break in the chain (a record removed or inserted), or a
    signature the learning events recorded that is no longer there. Empty when all is
    well. Pass the rows to check many slots with few queries."""
    if signatures is None:
        signatures = list(Signature.objects.filter(slot=slot).select_related("signer")
                          .order_by("signed_at", "id"))
    if signed_events is None:
        signed_events = list(LearningEvent.objects.filter(
            verb=Verb.SIGNED, object_type=Signature._meta.label_lower,
            context__slot=slot.pk))
    problems: list[ChainProblem] = []
    expected_previous = ""
    for signature in signatures:
        name = _("Signature #%(id)s (%(signer)s, %(time)s)") % {
            "id": signature.pk, "signer": signature.signer,
            "time": signing.utc_iso(signature.signed_at)}
        if signing.hash_of(signature) != signature.record_hash:
            problems.append(ChainProblem(slot.pk, signature.pk, _(
                "%(record)s was altered after signing: its content no longer matches its "
                "hash.") % {"record": name}))
        if signature.previous_hash != expected_previous:
            problems.append(ChainProblem(slot.pk, signature.pk, _(
                "%(record)s does not follow the signature before it: a record was removed, "
                "inserted or moved.") % {"record": name}))
        expected_previous = signature.record_hash
    kept = {signature.record_hash for signature in signatures}
    for event in signed_events:
        recorded = (event.context or {}).get("record_hash")
        if recorded and recorded not in kept:
            problems.append(ChainProblem(slot.pk, int(event.object_id), _(
                "Signature #%(id)s, recorded on %(time)s, is missing or was altered.")
                % {"id": event.object_id, "time": signing.utc_iso(event.occurred_at)}))
    return problems
