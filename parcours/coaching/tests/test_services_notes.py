"""Notes: written by the engagement's coaches, private or shared, edited with a history,
commented on by the beneficiary when shared."""

import pytest

from parcours.accounts.tests.factories import member
from parcours.coaching.models import NoteVisibility
from parcours.coaching.selectors import Capacity
from parcours.coaching.selectors.notes import note_template_for, notes_for
from parcours.coaching.services import notes as services
from parcours.coaching.services.engagements import (
    EngagementClosed,
    close_engagement,
    update_phase_template,
)
from parcours.coaching.tests import factories
from parcours.core.errors import NotAllowed
from parcours.core.models import LearningEvent, Verb


@pytest.fixture
def engagement(organisation, lea, karim):
    return factories.engagement(organisation, lea, karim)


def test_a_coach_writes_a_private_note_by_default(engagement, karim):
    note = services.write_note(engagement, by=karim, body="  First impressions  ")
    assert (note.visibility, note.body, note.author) == (NoteVisibility.PRIVATE,
                                                         "First impressions", karim)
    assert note.shared_at is None


def test_nobody_but_its_coaches_writes_notes(organisation, engagement, lea, sophie):
    for person in (lea, sophie, member(organisation, "coach")):
        with pytest.raises(NotAllowed):
            services.write_note(engagement, by=person, body="Hello")


def test_an_empty_note_is_refused(engagement, karim):
    with pytest.raises(services.NoteEmpty):
        services.write_note(engagement, by=karim, body="   ")


def test_editing_keeps_the_previous_text_as_a_version(engagement, karim):
    note = services.write_note(engagement, by=karim, body="Version one",
                               visibility=NoteVisibility.SHARED)
    services.edit_note(note, by=karim, body="Version two")
    services.edit_note(note, by=karim, body="Version three")
    note.refresh_from_db()
    assert note.body == "Version three" and note.edited_at
    assert [v.body for v in note.versions.all()] == ["Version two", "Version one"]
    assert note.versions.first().replaced_by == karim


def test_an_edit_that_changes_nothing_keeps_no_version(engagement, karim):
    note = services.write_note(engagement, by=karim, body="Same")
    services.edit_note(note, by=karim, body="Same ")
    assert not note.versions.exists()


def test_the_beneficiary_cannot_edit_a_shared_note(engagement, karim, lea):
    note = services.write_note(engagement, by=karim, body="Shared",
                               visibility=NoteVisibility.SHARED)
    with pytest.raises(NotAllowed):
        services.edit_note(note, by=lea, body="Rewritten")


def test_sharing_a_private_note_shows_it_to_the_beneficiary(engagement, karim):
    note = services.write_note(engagement, by=karim, body="Worth sharing")
    assert note not in notes_for(engagement, Capacity.BENEFICIARY)[0]
    services.share_note(note, by=karim)
    assert note in notes_for(engagement, Capacity.BENEFICIARY)[0]
    with pytest.raises(services.AlreadyShared):
        services.share_note(note, by=karim)


def test_the_beneficiary_comments_on_a_shared_note(engagement, karim, lea):
    note = services.write_note(engagement, by=karim, body="Your strengths",
                               visibility=NoteVisibility.SHARED)
    comment = services.comment_on_note(note, by=lea, body="I agree with the first one")
    services.comment_on_note(note, by=karim, body="Good")
    assert [c.author for c in note.comments.all()] == [lea, karim]
    assert comment.body == "I agree with the first one"
    assert LearningEvent.objects.filter(verb=Verb.COMMENTED, actor=lea,
                                        context__engagement=engagement.pk).exists()


def test_a_private_note_cannot_be_commented_on(engagement, karim, lea):
    note = services.write_note(engagement, by=karim, body="Private")
    for person in (lea, karim):
        with pytest.raises(NotAllowed):
            services.comment_on_note(note, by=person, body="?")
    assert not note.comments.exists()


def test_a_manager_cannot_comment(engagement, karim, sophie):
    note = services.write_note(engagement, by=karim, body="Shared",
                               visibility=NoteVisibility.SHARED)
    with pytest.raises(NotAllowed):
        services.comment_on_note(note, by=sophie, body="As a manager")


def test_no_learning_event_names_a_private_note(engagement, karim):
    services.write_note(engagement, by=karim, body="Secret thoughts")
    assert not LearningEvent.objects.filter(object_type="coaching.note").exists()
    assert not LearningEvent.objects.filter(object_name__icontains="Secret").exists()


def test_the_phase_note_outline_comes_from_the_type(organisation, engagement, sophie):
    template = engagement.engagement_type.phases.get(name="Preliminary")
    update_phase_template(template, by=sophie, name="Preliminary", planned_minutes=240,
                          note_template="## The request")
    phase = engagement.phases.get(name="Preliminary")
    assert note_template_for(phase) == "## The request"
    assert note_template_for(engagement.phases.get(name="Conclusion")) == ""


def test_notes_stop_once_the_engagement_is_closed(engagement, karim):
    close_engagement(engagement, by=karim)
    with pytest.raises(EngagementClosed):
        services.write_note(engagement, by=karim, body="Late")
