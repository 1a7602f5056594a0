"""THE place that decides who reads which note.

Private notes are the coaches' working memory: the engagement's coaches read them, and
nobody else, ever: not the beneficiary, not managers, not through comments, counts,
search, the timeline or the API. Every page and endpoint that shows notes reads them
through this module; `visible_notes` is the one filter.
"""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import Organisation, User
from parcours.coaching.models import (
    Engagement,
    EngagementStatus,
    Note,
    NoteComment,
    NoteTemplate,
    NoteVisibility,
    Phase,
)
from parcours.coaching.selectors import Capacity, capacity_in
from parcours.coaching.timeline import TimelineEntry, timeline_source


def can_read_private_notes(capacity: Capacity | None) -> bool:
    return capacity == Capacity.COACH


def visible_notes(engagement: Engagement, capacity: Capacity | None) -> QuerySet[Note]:
    """The engagement's notes this capacity may read: all of them for its coaches, the
    shared ones for the beneficiary and managers, none for anyone else."""
    notes = Note.objects.filter(engagement=engagement)
    if capacity is None:
        return notes.none()
    if not can_read_private_notes(capacity):
        notes = notes.filter(visibility=NoteVisibility.SHARED)
    return notes


def shared_notes(engagement: Engagement) -> QuerySet[Note]:
    """Shared notes only, whoever asks: what the API serves, even to coaches."""
    return Note.objects.filter(engagement=engagement, visibility=NoteVisibility.SHARED)


def with_details(notes: QuerySet[Note]) -> QuerySet[Note]:
    """Author, phase and comments (with their authors) in two more queries at most."""
    return (notes.select_related("author", "phase")
            .prefetch_related(Prefetch("comments",
                                       queryset=NoteComment.objects.select_related("author")))
            .order_by("-created_at", "-id"))


def notes_for(engagement: Engagement, capacity: Capacity | None, *, offset: int = 0,
              limit: int | None = None) -> tuple[list[Note], int]:
    """The notes this capacity may read, newest first, from `offset` (`limit` of them, all
    when None), and how many there are: three queries whatever their number."""
    notes = with_details(visible_notes(engagement, capacity))
    if limit is None:
        shown = list(notes[offset:])
        return shown, offset + len(shown)
    shown = list(notes[offset:offset + limit])
    total = (offset + len(shown) if len(shown) < limit
             else visible_notes(engagement, capacity).count())
    return shown, total


NOTES_PER_PAGE = 50


@dataclass(frozen=True)
class NotesPage:
    """One page of an engagement's notes, as the viewer's capacity allows."""

    engagement: Engagement
    capacity: Capacity
    notes: list[Note]
    notes_total: int
    offset: int

    is_coach = property(lambda self: self.capacity == Capacity.COACH)
    is_manager = property(lambda self: self.capacity == Capacity.MANAGER)
    is_beneficiary = property(lambda self: self.capacity == Capacity.BENEFICIARY)
    is_active = property(lambda self: self.engagement.status == EngagementStatus.ACTIVE)

    @property
    def previous_offset(self) -> int | None:
        return max(self.offset - NOTES_PER_PAGE, 0) if self.offset > 0 else None

    @property
    def next_offset(self) -> int | None:
        following = self.offset + NOTES_PER_PAGE
        return following if following < self.notes_total else None


def notes_page(engagement: Engagement, capacity: Capacity, *, offset: int = 0) -> NotesPage:
    offset = max(offset, 0)
    notes, total = notes_for(engagement, capacity, offset=offset, limit=NOTES_PER_PAGE)
    return NotesPage(engagement=engagement, capacity=capacity, notes=notes,
                     notes_total=total, offset=offset)


def note_for(user: User, organisation: Organisation,
             note_id: int) -> tuple[Note, Capacity]:
    """One note and the reader's capacity; 404 for anyone who may not read it (a private
    note is a 404 for the beneficiary and managers: they must not learn it exists)."""
    note = (Note.objects.select_related("engagement__organisation", "engagement__beneficiary",
                                        "engagement__engagement_type", "author", "phase")
            .filter(pk=note_id, engagement__organisation=organisation).first())
    if note is None:
        raise Http404(_("No such note."))
    capacity = capacity_in(user, note.engagement)
    if capacity is None or (not note.is_shared and not can_read_private_notes(capacity)):
        raise Http404(_("No such note."))
    return note, capacity


def note_template_for(phase: Phase | None) -> str:
    """The outline the engagement type proposes for notes in this phase, or ""."""
    if phase is None or phase.template_id is None:
        return ""
    return (NoteTemplate.objects.filter(phase_template=phase.template_id)
            .values_list("body", flat=True).first() or "")


@timeline_source("note")
def note_entries(engagement: Engagement, capacity: Capacity) -> list[TimelineEntry]:
    """Shared notes only, whoever reads the timeline: a coach reads private notes on the
    notes list, never on the record shown to the beneficiary and managers."""
    notes = shared_notes(engagement).select_related("author").order_by()
    return [TimelineEntry(at=note.shared_at, kind="note", title=str(_("Shared note")),
                          detail=note.body[:200],
                          actor=note.author.display_name if note.author else "")
            for note in notes]
