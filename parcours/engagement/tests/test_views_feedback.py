"""Léa answers her feedback request on its page; nobody else can open it. Sophie reads
the report and downloads it as CSV."""

import pytest

from parcours.accounts.tests.factories import member
from parcours.engagement.models import FeedbackAnswer
from parcours.engagement.services.feedback import answer_feedback, request_module_feedback
from parcours.engagement.tests.triggers_for_tests import speaking_path

REPORT = "/o/cap-avenir/nudges/feedback/"


@pytest.fixture
def asked(organisation, lea, karim):
    request, _created = request_module_feedback(speaking_path(organisation, lea, by=karim),
                                                "Se préparer")
    return request


@pytest.fixture
def as_lea(client, lea):
    lea.locale = "en"
    lea.save()
    client.force_login(lea)
    return client


def test_lea_answers_on_the_page(as_lea, asked):
    url = f"/feedback/{asked.pk}/"
    page = as_lea.get(url).content.decode()
    assert "Se préparer" in page and 'type="radio"' in page

    response = as_lea.post(url, {"rating": "5", "comment": "Parfait"})

    assert response.status_code == 302
    assert FeedbackAnswer.objects.get(request=asked).rating == 5
    assert "Thank you" in as_lea.get(url).content.decode()


def test_a_missing_rating_is_an_error_and_the_comment_is_kept(as_lea, asked):
    response = as_lea.post(f"/feedback/{asked.pk}/", {"comment": "Mon avis détaillé"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "This field is required" in page
    assert "Mon avis détaillé" in page
    assert not FeedbackAnswer.objects.exists()


def test_a_second_answer_from_another_tab_is_refused_politely(as_lea, asked, lea):
    answer_feedback(asked.pk, by=lea, rating=3)

    response = as_lea.post(f"/feedback/{asked.pk}/", {"rating": "1"})

    assert response.status_code == 200
    assert FeedbackAnswer.objects.get().rating == 3


def test_another_learner_gets_a_404(client, organisation, asked):
    client.force_login(member(organisation, "learner"))

    assert client.get(f"/feedback/{asked.pk}/").status_code == 404
    assert client.post(f"/feedback/{asked.pk}/", {"rating": "1"}).status_code == 404


def test_someone_of_another_organisation_gets_a_404(client, oscar, asked):
    client.force_login(oscar)

    assert client.get(f"/feedback/{asked.pk}/").status_code == 404


def test_a_visitor_is_sent_to_sign_in(client, asked):
    assert client.get(f"/feedback/{asked.pk}/").status_code == 302


def test_sophie_reads_the_report_and_downloads_it(client, sophie, lea, asked):
    answer_feedback(asked.pk, by=lea, rating=4, comment="Très concret")
    sophie.locale = "en"
    sophie.save()
    client.force_login(sophie)

    page = client.get(REPORT).content.decode()
    assert "Se préparer" in page and "4.00" in page and "Très concret" in page

    csv = client.get("/o/cap-avenir/nudges/feedback.csv")
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode().splitlines()
    assert lines[0].startswith("About,Title,Asked,Answered,Average")
    assert lines[1] == "module,Se préparer,1,1,4.00,0,0,0,1,0"


def test_learners_and_coaches_cannot_read_the_report(client, lea, karim, asked):
    for person in (lea, karim):
        client.force_login(person)
        assert client.get(REPORT).status_code == 403
        assert client.get("/o/cap-avenir/nudges/feedback.csv").status_code == 403


def test_another_organisations_manager_gets_a_404(client, oscar, asked):
    client.force_login(oscar)

    assert client.get(REPORT).status_code == 404
