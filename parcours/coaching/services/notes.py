"""Notes on an engagement: written and edited by its coaches, private or shared with the
beneficiary, who may comment on shared ones.

A private note is the coach's working memory: it is never shown to the beneficiary nor to
managers (`selectors/notes.py` decides who reads what). So no learning event ever names a
private note, and a shared note never goes back to private: the beneficiary may have read
it already.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import User
from parcours.coaching.models import (
    Appointment,
    Engagement,
    Note,
    NoteComment,
    NoteVersion,
    NoteVisibility,
    Phase,
)
from parcours.coaching.selectors import Capacity, capacity_in
from parcours.coaching.services.engagements import require_active, require_coach
from parcours.core.errors import Conflict, DomainError, NotAllowed
from parcours.core.events import record_event
from parcours.core.models import Verb

MAX_LENGTH = 50_000


class NoteEmpty(DomainError):
    default_message = _("Write something first.")


class NoteTooLong(DomainError):
    default_message = _("Keep a note under 50,000 characters.")


class VisibilityInvalid(DomainError):
    default_message = _("Choose whether the note is private or shared.")


class AlreadyShared(Conflict):
    default_message = _("This note is already shared.")


class PrivateNoteComment(NotAllowed):
    default_message = _("Only shared notes can be commented on.")


class NoSuchPhase(DomainError):
    default_message = _("This phase is not one of the engagement's.")


def _body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise NoteEmpty()
    if len(body) > MAX_LENGTH:
        raise NoteTooLong()
    return body


def add_note(engagement: Engagement, *, by: User, body: str, visibility: str,
             appointment: Appointment | None = None, phase: Phase | None = None) -> Note:
    """The note itself, for services that already checked the permission (closing an
    appointment writes its notes through here)."""
    if visibility not in NoteVisibility.values:
        raise VisibilityInvalid()
    if phase is not None and phase.engagement_id != engagement.pk:
        raise NoSuchPhase()
    now = timezone.now()
    return Note.objects.create(
        engagement=engagement, appointment=appointment, phase=phase, author=by,
        visibility=visibility, body=_body(body),
        shared_at=now if visibility == NoteVisibility.SHARED else None)


@transaction.atomic
def write_note(engagement: Engagement, *, by: User, body: str,
               visibility: str = NoteVisibility.PRIVATE,
               phase: Phase | None = None) -> Note:
    """A coach of the engagement writes a note, private unless they share it."""
    require_coach(engagement, by)
    require_active(engagement)
    return add_note(engagement, by=by, body=body, visibility=visibility, phase=phase)


@transaction.atomic
def edit_note(note: Note, *, by: User, body: str) -> Note:
    """Change a note's text (its engagement's coaches); the previous text is kept as a
    version, so the history of edits shows what was read before."""
    require_coach(note.engagement, by)
    require_active(note.engagement)
    note = Note.objects.select_for_update().get(pk=note.pk)
    body = _body(body)
    if body == note.body:
        return note
    now = timezone.now()
    NoteVersion.objects.create(note=note, body=note.body,
                               written_at=note.edited_at or note.created_at,
                               replaced_at=now, replaced_by=by)
    note.body = body
    note.edited_at = now
    note.save(update_fields=["body", "edited_at", "updated_at"])
    return note


@transaction.atomic
def share_note(note: Note, *, by: User) -> Note:
    """Show a private note to the beneficiary (its engagement's coaches)."""
    require_coach(note.engagement, by)
    require_active(note.engagement)
    note = Note.objects.select_for_update().get(pk=note.pk)
    if note.is_shared:
        raise AlreadyShared()
    note.visibility = NoteVisibility.SHARED
    note.shared_at = timezone.now()
    note.save(update_fields=["visibility", "shared_at", "updated_at"])
    return note


@transaction.atomic
def comment_on_note(note: Note, *, by: User, body: str) -> NoteComment:
    """The beneficiary or a coach comments on a shared note."""
    engagement = note.engagement
    capacity = capacity_in(by, engagement)
    if capacity not in (Capacity.COACH, Capacity.BENEFICIARY):
        raise NotAllowed()
    if not note.is_shared:
        # Said the same way as "no such note" to the beneficiary: they must not learn
        # that a private note exists.
        raise PrivateNoteComment()
    require_active(engagement)
    comment = NoteComment.objects.create(note=note, author=by, body=_body(body))
    record_event(by, Verb.COMMENTED, note, organisation=engagement.organisation,
                 context={"engagement": engagement.pk})
    return comment
