"""A private note is the coaches' alone: never shown to the beneficiary nor to managers,
through any page, endpoint, comment, count, timeline entry or learning event."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.coaching.models import NoteVisibility
from parcours.coaching.selectors import Capacity
from parcours.coaching.services.appointments import close_appointment
from parcours.coaching.services.notes import edit_note, write_note
from parcours.coaching.tests import factories
from parcours.coaching.timeline import timeline
from parcours.core.models import LearningEvent

SECRET = "Burn-out suspected: speak to the GP"
SECRET_BEFORE = "Earlier draft of the secret"
BASE = "/api/v1/organisations/cap-avenir/engagements"


@pytest.fixture
def engagement(organisation, lea, karim):
    return factories.engagement(organisation, lea, karim)


@pytest.fixture
def private(engagement, karim):
    note = write_note(engagement, by=karim, body=SECRET_BEFORE)
    return edit_note(note, by=karim, body=SECRET)


@pytest.fixture
def closed_with_private(engagement, karim):
    past = factories.appointment(engagement, karim, starts_at=timezone.now() - timedelta(1))
    return close_appointment(past, by=karim, actual_minutes=60, shared_note="Shared summary",
                             private_note=SECRET + " (closing)")


def url(name, *args):
    return reverse(f"coaching:{name}", args=["cap-avenir", *args])


def pages_of(client, engagement, note):
    return [
        client.get(url("engagement", engagement.pk)),
        client.get(url("notes", engagement.pk)),
        client.get(url("my_coaching"), follow=True),
        client.get(url("note_history", note.pk)),
        client.get(url("note_edit", note.pk)),
    ]


@pytest.mark.parametrize("who", ["lea", "sophie"])
def test_no_page_shows_a_private_note_to_the_beneficiary_or_a_manager(
        request, client, engagement, private, closed_with_private, who):
    client.force_login(request.getfixturevalue(who))
    for response in pages_of(client, engagement, private):
        content = response.content.decode()
        assert SECRET not in content and SECRET_BEFORE not in content
        assert "Private: coaches only" not in content
    assert client.get(url("note_history", private.pk)).status_code == 404


def test_the_managers_list_never_names_a_private_note(client, sophie, engagement, private):
    client.force_login(sophie)
    assert SECRET not in client.get(url("engagements")).content.decode()


def test_the_coach_does_read_it(client, karim, engagement, private):
    client.force_login(karim)
    assert SECRET in client.get(url("engagement", engagement.pk)).content.decode()
    history = client.get(url("note_history", private.pk)).content.decode()
    assert SECRET_BEFORE in history


def test_the_beneficiary_cannot_comment_share_or_edit_a_private_note(client, lea, private):
    client.force_login(lea)
    assert client.post(url("note_comment", private.pk), {"body": "Hi"}).status_code == 404
    assert client.post(url("note_share", private.pk)).status_code == 404
    assert client.post(url("note_edit", private.pk), {"body": "Mine"}).status_code == 404
    private.refresh_from_db()
    assert private.visibility == NoteVisibility.PRIVATE and not private.comments.exists()


@pytest.mark.parametrize("who", ["lea", "karim", "sophie"])
def test_the_api_never_serves_a_private_note_even_to_coaches(request, api_as, engagement,
                                                             private, closed_with_private,
                                                             who):
    caller = api_as(request.getfixturevalue(who))
    notes = caller.get(f"{BASE}/{engagement.pk}/notes")
    assert notes.status_code == 200
    assert SECRET not in notes.content.decode()
    assert [n["body"] for n in notes.json()] == ["Shared summary"]
    assert caller.get(f"{BASE}/{engagement.pk}/notes/{private.pk}/comments"
                      ).status_code == 404
    assert caller.post(f"{BASE}/{engagement.pk}/notes/{private.pk}/comments",
                       {"body": "?"}).status_code == 404
    for path in ("", "/hours", "/actions"):
        assert SECRET not in caller.get(f"{BASE}/{engagement.pk}{path}").content.decode()


@pytest.mark.parametrize("capacity", list(Capacity))
def test_the_timeline_never_holds_a_private_note(engagement, private, closed_with_private,
                                                 capacity):
    entries = timeline(engagement, capacity)
    assert [e.detail for e in entries if e.kind == "note"] == ["Shared summary"]
    assert not any(SECRET in f"{e.title} {e.detail}" for e in entries)


def test_no_learning_event_carries_a_private_note(engagement, private, closed_with_private):
    for event in LearningEvent.objects.all():
        assert SECRET not in f"{event.object_name} {event.result} {event.context}"
    assert not LearningEvent.objects.filter(object_type="coaching.note",
                                            object_id=str(private.pk)).exists()
