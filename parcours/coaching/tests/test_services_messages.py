"""Léa and Karim write in the engagement's secure thread: attachments within limits and
checked by their first bytes, read receipts, an email when a message stays unread, and
the documents filed on the engagement. Sophie (manager) does not read it."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone, translation

from parcours.accounts.tests.factories import member
from parcours.coaching.models import Document, MessageReceipt
from parcours.coaching.selectors import Capacity
from parcours.coaching.selectors.messages import (
    document_entries,
    message_entries,
    thread_messages,
    unread_count,
)
from parcours.coaching.services import messages as services
from parcours.coaching.tests import factories
from parcours.coaching.tests.activities_for_tests import PDF_BYTES, PNG_BYTES, upload
from parcours.core.errors import NotAllowed
from parcours.core.models import LearningEvent, Verb
from parcours.engagement.models import Notification


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def engagement(organisation, lea, karim):
    return factories.engagement(organisation, lea, karim)


def test_a_message_is_recorded_as_sent_in_its_engagement(engagement, lea):
    message = services.send_message(engagement, by=lea, body="Hello Karim,\r\nsee you soon")

    assert message.body == "Hello Karim,\nsee you soon"
    event = LearningEvent.objects.get(verb=Verb.SENT_MESSAGE)
    assert event.actor == lea and event.context == {"engagement": engagement.pk}


def test_markup_is_removed_from_a_message(engagement, lea):
    message = services.send_message(
        engagement, by=lea, body='<script>alert("x")</script><b>Bold</b> & <i>fine</i> a < b')

    assert message.body == "Bold & fine a < b"


def test_an_empty_message_is_refused(engagement, lea):
    with pytest.raises(services.InvalidMessage):
        services.send_message(engagement, by=lea, body="  <p></p> ")


def test_a_manager_cannot_write_in_the_thread(engagement, sophie):
    with pytest.raises(NotAllowed):
        services.send_message(engagement, by=sophie, body="Hello")
    with pytest.raises(NotAllowed):
        services.mark_thread_read(engagement, by=sophie)


def test_someone_of_another_organisation_cannot_write_in_the_thread(engagement, oscar):
    with pytest.raises(NotAllowed):
        services.send_message(engagement, by=oscar, body="Hello")


def test_an_attachment_is_filed_on_the_engagement_in_private_storage(engagement, lea,
                                                                    settings, tmp_path):
    message = services.send_message(engagement, by=lea, body="My CV",
                                    files=[upload("Mon CV (2026).pdf")])

    document = Document.objects.get()
    assert document.message == message and document.uploaded_by == lea
    assert document.original_name == "Mon CV (2026).pdf"
    assert document.content_type == "application/pdf" and document.size == len(PDF_BYTES)
    stored = tmp_path / "private" / document.file.name
    assert stored.read_bytes() == PDF_BYTES
    # Neither the sender's file name nor a public URL: the download view serves it.
    assert "CV" not in document.file.name
    assert document.file.storage.base_url is None


def test_a_file_whose_first_bytes_contradict_its_extension_is_refused(engagement, lea):
    with pytest.raises(services.AttachmentRefused) as refused:
        services.send_message(engagement, by=lea, body="Report",
                              files=[upload("report.pdf", b"MZ\x90\x00 an executable")])

    assert "report.pdf" in str(refused.value.message)
    assert not Document.objects.exists()


def test_an_extension_outside_the_allow_list_is_refused(engagement, lea):
    with pytest.raises(services.AttachmentRefused):
        services.send_message(engagement, by=lea, files=[upload("tool.exe", PDF_BYTES)])
    with pytest.raises(services.AttachmentRefused):
        services.send_message(engagement, by=lea,
                              files=[upload("drawing.svg", b"<svg onload=alert(1)>")])


def test_images_office_documents_and_text_are_recognised(engagement, lea):
    services.send_message(engagement, by=lea, files=[
        upload("photo.png", PNG_BYTES), upload("letter.docx", b"PK\x03\x04" + b"\x00" * 30),
        upload("notes.txt", "Notes en français : été".encode()),
    ])

    assert sorted(Document.objects.values_list("content_type", flat=True)) == [
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "image/png", "text/plain"]


def test_a_binary_file_named_as_text_is_refused(engagement, lea):
    with pytest.raises(services.AttachmentRefused):
        services.send_message(engagement, by=lea, files=[upload("notes.txt", b"\x00\x01\x02")])


def test_an_attachment_larger_than_the_limit_is_refused(engagement, lea, settings):
    settings.COACHING_ATTACHMENT_MAX_MB = 1
    big = PDF_BYTES + b"0" * (1024 * 1024)

    with translation.override("en"), pytest.raises(services.AttachmentRefused) as refused:
        services.send_message(engagement, by=lea, body="Big", files=[upload("big.pdf", big)])

    assert "1 MB" in str(refused.value.message)


def test_too_many_attachments_are_refused(engagement, lea):
    with pytest.raises(services.AttachmentRefused):
        services.send_message(engagement, by=lea,
                              files=[upload(f"{n}.pdf") for n in range(6)])


def test_reading_the_thread_leaves_a_receipt_per_participant(engagement, lea, karim):
    message = services.send_message(engagement, by=lea, body="Are we on for Tuesday?")
    assert unread_count(engagement, karim) == 1

    read_at = timezone.now()
    assert services.mark_thread_read(engagement, by=karim, now=read_at) == 1
    assert services.mark_thread_read(engagement, by=karim) == 0

    assert unread_count(engagement, karim) == 0
    [item] = thread_messages(engagement, viewer=lea)
    assert item.mine and [r.reader for r in item.seen_by] == [karim]
    assert item.seen_by[0].read_at == read_at
    assert MessageReceipt.objects.filter(message=message).count() == 2  # the author too


def test_a_coach_files_a_document_and_a_beneficiary_cannot(engagement, lea, karim):
    document = services.file_document(engagement, by=karim, file=upload("synthesis.pdf"))
    assert document.message is None and document.uploaded_by == karim

    with pytest.raises(NotAllowed):
        services.file_document(engagement, by=lea, file=upload("mine.pdf"))


def test_a_message_unread_for_two_hours_is_emailed_once(engagement, lea, karim):
    with time_machine.travel(timezone.now() - timedelta(hours=3), tick=False):
        services.send_message(engagement, by=lea, body="Could we move Tuesday?")
        services.send_message(engagement, by=lea, body="Or Wednesday.")

    assert services.notify_unread_messages() == 1
    assert services.notify_unread_messages() == 0  # the same first unread message

    notification = Notification.objects.get()
    assert notification.recipient == karim and notification.kind == "coach_message"
    assert notification.context["engagement"] == engagement.pk
    assert notification.url == f"/o/cap-avenir/coaching/engagements/{engagement.pk}/messages/"
    assert "Léa Martin" in notification.subject


def test_a_message_read_in_time_or_too_recent_is_not_emailed(engagement, lea, karim):
    with time_machine.travel(timezone.now() - timedelta(hours=3), tick=False):
        services.send_message(engagement, by=lea, body="Read quickly")
        services.mark_thread_read(engagement, by=karim)
    services.send_message(engagement, by=lea, body="Just now")

    assert services.notify_unread_messages() == 0


def test_an_email_already_planned_is_not_sent_once_the_message_is_read(engagement, lea,
                                                                       karim):
    with time_machine.travel(timezone.now() - timedelta(hours=3), tick=False):
        services.send_message(engagement, by=lea, body="Hello?")
    services.notify_unread_messages()
    notification = Notification.objects.get()
    assert services.COACH_MESSAGE_KIND.still_relevant(notification) is True

    services.mark_thread_read(engagement, by=karim)

    assert services.COACH_MESSAGE_KIND.still_relevant(notification) is False


def test_every_coach_of_the_engagement_is_told(organisation, engagement, lea):
    from parcours.coaching.models import EngagementCoach

    nadia = member(organisation, "coach")
    EngagementCoach.objects.create(engagement=engagement, coach=nadia)
    with time_machine.travel(timezone.now() - timedelta(hours=3), tick=False):
        services.send_message(engagement, by=lea, body="To both of you")

    assert services.notify_unread_messages() == 2


def test_the_timeline_shows_messages_and_documents_but_not_to_managers(
        engagement, lea, karim, django_assert_num_queries):
    services.send_message(engagement, by=lea, body="Here it is", files=[upload()])
    engagement.organisation  # noqa: B018 (loaded, as the timeline's selector does)

    with django_assert_num_queries(1):
        messages = message_entries(engagement, Capacity.BENEFICIARY)
    with django_assert_num_queries(1):
        documents = document_entries(engagement, Capacity.COACH)

    assert [entry.detail for entry in messages] == ["Here it is"]
    assert [entry.actor for entry in documents] == ["Léa Martin"]
    assert message_entries(engagement, Capacity.MANAGER) == []
    assert document_entries(engagement, Capacity.MANAGER) == []


def test_files_already_written_are_removed_when_the_message_fails(engagement, lea, tmp_path,
                                                                  monkeypatch):
    def refuse(*args, **kwargs):
        raise RuntimeError("the event record is unavailable")

    monkeypatch.setattr(services, "record_event", refuse)

    with pytest.raises(RuntimeError):
        services.send_message(engagement, by=lea, body="Two files",
                              files=[upload("a.pdf"), upload("b.pdf")])

    assert not Document.objects.exists()
    assert [p for p in (tmp_path / "private").rglob("*") if p.is_file()] == []
