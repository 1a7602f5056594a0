"""The thread, documents and private download pages: Léa and Karim write and exchange
files; Sophie (manager), another learner and Oscar are refused; a file is only ever
served through the access-checked download."""

import pytest

from parcours.accounts.tests.factories import member
from parcours.coaching.models import Document, Message
from parcours.coaching.services import messages as services
from parcours.coaching.tests import factories
from parcours.coaching.tests.activities_for_tests import PDF_BYTES, upload


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def signed_in(client, user):
    user.locale = "en"
    user.save(update_fields=["locale"])
    client.force_login(user)
    return client


@pytest.fixture
def engagement(organisation, lea, karim):
    return factories.engagement(organisation, lea, karim)


def thread_url(engagement):
    return f"/o/cap-avenir/coaching/engagements/{engagement.pk}/messages/"


def download_url(document):
    return f"/o/cap-avenir/coaching/documents/{document.pk}/download/"


def test_lea_sends_a_message_with_an_attachment(client, engagement, lea):
    page = signed_in(client, lea).post(thread_url(engagement), {
        "body": "Here is my CV", "files": [upload("cv.pdf")]})

    assert page.status_code == 302
    message = Message.objects.get()
    assert message.body == "Here is my CV" and message.attachments.get().original_name == "cv.pdf"
    shown = client.get(thread_url(engagement)).content.decode()
    assert "Here is my CV" in shown and "cv.pdf" in shown


def test_a_refused_attachment_keeps_the_message_typed(client, engagement, lea):
    page = signed_in(client, lea).post(thread_url(engagement), {
        "body": "A long message I wrote carefully",
        "files": [upload("script.pdf", b"#!/bin/sh\nrm -rf /")]})

    assert page.status_code == 400
    content = page.content.decode()
    assert "A long message I wrote carefully</textarea>" in content
    assert "does not contain what its name says" in content
    assert not Message.objects.exists()


def test_opening_the_thread_shows_who_has_seen_each_message(client, engagement, lea, karim):
    services.send_message(engagement, by=lea, body="Tuesday?")

    signed_in(client, karim).get(thread_url(engagement))
    page = signed_in(client, lea).get(thread_url(engagement)).content.decode()

    assert "Seen by Karim Benali on" in page


def test_the_download_serves_the_file_to_the_thread_only(client, engagement, lea, karim):
    services.send_message(engagement, by=lea, files=[upload("cv.pdf")])
    document = Document.objects.get()

    response = signed_in(client, karim).get(download_url(document))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert 'attachment; filename="cv.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("who", ["sophie", "other_learner", "oscar"])
def test_nobody_else_downloads_a_document(client, organisation, engagement, lea, sophie,
                                          oscar, who):
    services.send_message(engagement, by=lea, files=[upload("cv.pdf")])
    person = {"sophie": sophie, "oscar": oscar,
              "other_learner": member(organisation, "learner")}[who]

    assert signed_in(client, person).get(download_url(Document.objects.get())).status_code == 404


def test_an_anonymous_visitor_downloads_nothing(client, engagement, lea):
    services.send_message(engagement, by=lea, files=[upload("cv.pdf")])

    response = client.get(download_url(Document.objects.get()))

    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_file_has_no_public_address(engagement, lea):
    services.send_message(engagement, by=lea, files=[upload("cv.pdf")])

    with pytest.raises(ValueError):
        Document.objects.get().file.url  # noqa: B018


def test_a_manager_does_not_read_the_thread(client, engagement, lea, sophie):
    services.send_message(engagement, by=lea, body="Between us")

    page = signed_in(client, sophie).get(thread_url(engagement))

    assert page.status_code == 403
    assert "Between us" not in page.content.decode()
    assert client.post(thread_url(engagement), {"body": "Hi"}).status_code == 403


def test_another_learner_and_another_organisation_get_a_404(client, organisation, engagement,
                                                           oscar):
    assert signed_in(client, member(organisation, "learner")).get(
        thread_url(engagement)).status_code == 404
    assert signed_in(client, oscar).get(thread_url(engagement)).status_code == 404


def test_karim_files_a_document_and_it_is_listed_with_who_and_when(client, engagement,
                                                                   karim, lea):
    documents = f"/o/cap-avenir/coaching/engagements/{engagement.pk}/documents/"
    signed_in(client, karim).post(documents, {"file": upload("synthesis.pdf")})
    services.send_message(engagement, by=lea, files=[upload("cv.pdf")])

    page = signed_in(client, lea).get(documents).content.decode()

    assert "synthesis.pdf" in page and "Karim Benali" in page
    assert "cv.pdf" in page and "in a message" in page
    assert 'name="file"' not in page  # filing directly is for coaches
    assert client.post(documents, {"file": upload("mine.pdf")}).status_code == 403


def test_the_panel_counts_unread_messages_and_tells_a_manager_the_thread_is_private(
        client, engagement, lea, karim, sophie):
    services.send_message(engagement, by=lea, body="One", files=[upload()])
    panel = f"/o/cap-avenir/coaching/engagements/{engagement.pk}/messages/panel/"

    assert "1 unread message" in signed_in(client, karim).get(panel).content.decode()
    for_manager = signed_in(client, sophie).get(panel).content.decode()
    assert "between the coaches" in for_manager and "unread" not in for_manager


def test_the_thread_page_reads_the_same_queries_however_long_the_thread(
        client, engagement, lea, karim):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def write(count):
        for n in range(count):
            services.send_message(engagement, by=lea if n % 2 else karim, body=f"Message {n}",
                                  files=[upload(f"{n}.pdf")])

    signed_in(client, karim)
    write(2)
    with CaptureQueriesContext(connection) as short:
        client.get(thread_url(engagement))
    write(10)
    with CaptureQueriesContext(connection) as long:
        page = client.get(thread_url(engagement))

    assert len(long) == len(short) <= 17
    # Karim has now seen Léa's six messages; Léa has not opened the thread since.
    assert page.content.decode().count("Seen by Karim Benali") == 6
