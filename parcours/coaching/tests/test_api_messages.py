"""The messages API: the thread (list, post with attachments, mark read) and documents
(list, file, download). A manager gets 403, another learner 404, another organisation
403, an anonymous caller 401."""

import pytest

from parcours.accounts.tests.factories import member
from parcours.coaching.models import Document
from parcours.coaching.services import messages as services
from parcours.coaching.tests import factories
from parcours.coaching.tests.activities_for_tests import PDF_BYTES, upload

API = "/api/v1/organisations/cap-avenir"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def engagement(organisation, lea, karim):
    return factories.engagement(organisation, lea, karim)


def thread(engagement):
    return f"{API}/engagements/{engagement.pk}/messages"


def test_lea_posts_a_message_with_a_file_and_karim_reads_it(api_as, engagement, lea, karim):
    posted = api_as(lea).upload(thread(engagement), {"body": "My CV", "files": [upload()]})

    assert posted.status_code == 201
    message = posted.json()
    assert message["body"] == "My CV" and message["author"]["display_name"] == "Léa Martin"
    [attachment] = message["attachments"]
    assert attachment["name"] == "cv.pdf" and attachment["size"] == len(PDF_BYTES)

    coach = api_as(karim)
    assert coach.post(f"{thread(engagement)}/read").json() == {"marked": 1}
    [seen] = coach.get(thread(engagement)).json()
    assert [r["reader"]["display_name"] for r in seen["seen_by"]] == ["Karim Benali"]

    download = coach.get(attachment["download"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES


def test_a_refused_file_says_why(api_as, engagement, lea):
    answer = api_as(lea, locale="en").upload(thread(engagement), {
        "body": "Here", "files": [upload("cv.pdf", b"not a pdf at all")]})

    assert answer.status_code == 400
    assert "does not contain what its name says" in answer.json()["detail"]


def test_an_empty_message_is_refused(api_as, engagement, lea):
    assert api_as(lea).upload(thread(engagement), {"body": ""}).status_code == 400


def test_documents_are_listed_and_a_coach_files_one(api_as, engagement, lea, karim):
    services.send_message(engagement, by=lea, files=[upload("cv.pdf")])

    filed = api_as(karim).upload(f"{API}/engagements/{engagement.pk}/documents",
                                 {"file": upload("synthesis.pdf")})
    assert filed.status_code == 201 and filed.json()["message"] is None

    listed = api_as(lea).get(f"{API}/engagements/{engagement.pk}/documents").json()
    assert {d["name"] for d in listed} == {"cv.pdf", "synthesis.pdf"}
    assert api_as(lea).upload(f"{API}/engagements/{engagement.pk}/documents",
                              {"file": upload("mine.pdf")}).status_code == 403


def test_a_manager_cannot_read_the_thread_nor_its_documents(api_as, engagement, lea, sophie):
    services.send_message(engagement, by=lea, body="Between us", files=[upload()])
    manager = api_as(sophie)

    assert manager.get(thread(engagement)).status_code == 403
    assert manager.upload(thread(engagement), {"body": "Hi"}).status_code == 403
    assert manager.get(f"{API}/engagements/{engagement.pk}/documents").status_code == 403
    document = Document.objects.get()
    assert manager.get(f"{API}/coaching/documents/{document.pk}").status_code == 404


def test_another_beneficiary_cannot_read_the_thread(api_as, organisation, engagement, lea):
    services.send_message(engagement, by=lea, body="Mine", files=[upload()])
    other = api_as(member(organisation, "learner"))

    assert other.get(thread(engagement)).status_code == 404
    assert other.get(f"{API}/coaching/documents/{Document.objects.get().pk}").status_code == 404


def test_another_organisation_is_refused(api_as, engagement, oscar):
    assert api_as(oscar).get(thread(engagement)).status_code == 403


def test_an_anonymous_caller_is_refused(client, engagement, lea):
    services.send_message(engagement, by=lea, files=[upload()])

    assert client.get(thread(engagement)).status_code == 401
    assert client.get(f"{API}/coaching/documents/{Document.objects.get().pk}").status_code == 401
