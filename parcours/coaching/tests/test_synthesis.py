"""The synthesis document: drafted from what the beneficiary already saw, edited by the
coach, shared, downloaded as PDF."""

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.coaching.models import (
    ActivityAssignment,
    AppointmentStatus,
    AssignmentStatus,
    Note,
    NoteVisibility,
)
from parcours.coaching.services.synthesis import (
    NothingToShare,
    draft_synthesis,
    edit_synthesis,
    share_synthesis,
)
from parcours.coaching.tests.factories import appointment, engagement
from parcours.core.errors import NotAllowed


@pytest.fixture
def followed(organisation, lea, karim):
    row = engagement(organisation, lea, karim, objectives="Find a new job in the care sector")
    Note.objects.create(engagement=row, author=karim, visibility=NoteVisibility.SHARED,
                        shared_at=timezone.now(), body="Strengths: listening, organisation.")
    Note.objects.create(engagement=row, author=karim, visibility=NoteVisibility.PRIVATE,
                        body="PRIVATE: mentions health issues")
    appointment(row, karim, starts_at=timezone.now(), status=AppointmentStatus.CLOSED,
                actual_minutes=90, closed_at=timezone.now(), phase=row.phases.first())
    return row


def _url(followed):
    return reverse("coaching:synthesis", args=[followed.organisation.slug, followed.pk])


def test_the_draft_gathers_the_shared_record_and_never_private_notes(followed, karim):
    document = draft_synthesis(followed, by=karim)
    assert "Find a new job in the care sector" in document.body
    assert "Strengths: listening, organisation." in document.body
    assert "1 h 30" in document.body
    assert "PRIVATE" not in document.body


def test_returned_activities_and_the_coachs_comment_are_in_the_draft(followed, karim,
                                                                    organisation):
    from parcours.coaching.models import Activity

    activity = Activity.objects.create(
        organisation=organisation, kind="worksheet", title="My values",
        definition={"fields": [{"id": "top", "label": "What matters most", "kind": "text"}]})
    ActivityAssignment.objects.create(
        activity=activity, engagement=followed, status=AssignmentStatus.COMMENTED,
        answers={"top": "Helping people"}, returned_at=timezone.now(),
        comment="Consistent with the care sector.", commented_at=timezone.now())

    body = draft_synthesis(followed, by=karim).body

    assert "My values" in body and "Helping people" in body
    assert "Consistent with the care sector." in body


def test_the_beneficiary_reads_it_only_once_shared(client, followed, karim, lea):
    draft_synthesis(followed, by=karim)
    client.force_login(lea)
    assert client.get(_url(followed)).status_code == 404
    share_synthesis(followed, by=karim)
    response = client.get(_url(followed))
    assert response.status_code == 200
    assert b"Strengths" in response.content


def test_managers_do_not_read_the_synthesis(client, followed, karim, sophie):
    draft_synthesis(followed, by=karim)
    share_synthesis(followed, by=karim)
    client.force_login(sophie)
    assert client.get(_url(followed)).status_code == 404


def test_only_the_coach_writes_it(followed, lea):
    with pytest.raises(NotAllowed):
        draft_synthesis(followed, by=lea)


def test_an_empty_synthesis_cannot_be_shared(followed, karim):
    with pytest.raises(NothingToShare):
        share_synthesis(followed, by=karim)


def test_the_coach_edits_and_downloads_the_pdf(client, followed, karim):
    client.force_login(karim)
    response = client.post(_url(followed), {"action": "save",
                                            "body": "# Synthèse\n\n- **Projet** : aide-soignante"})
    assert response.status_code == 302
    pdf = client.get(_url(followed), {"format": "pdf", "language": "fr"})
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_an_empty_edit_keeps_the_text_and_says_why(client, followed, karim):
    edit_synthesis(followed, by=karim, body="Kept text")
    client.force_login(karim)
    response = client.post(_url(followed), {"action": "save", "body": "   "})
    assert response.status_code == 400
    followed.synthesis.refresh_from_db()
    assert followed.synthesis.body == "Kept text"
