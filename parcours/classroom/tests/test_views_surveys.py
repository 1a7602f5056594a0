"""Léa's survey page after the session, and Sophie's satisfaction results."""

import html
import re

import pytest
import time_machine
from django.urls import reverse

from parcours.accounts.tests.factories import member
from parcours.catalog.models import Programme
from parcours.classroom.models import SurveyResponse
from parcours.classroom.tests.documents_for_tests import attend, paris, session_on, slots_of

pytestmark = pytest.mark.django_db

AFTER_THE_END = paris("2026-03-03", "18:00")


@pytest.fixture(autouse=True)
def in_english(lea, sophie, karim):
    for person in (lea, sophie, karim):
        person.locale = "en"
        person.save(update_fields=["locale"])


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(AFTER_THE_END, tick=False) as traveller:
        yield traveller


@pytest.fixture
def session(organisation, lea, karim):
    programme = Programme.objects.create(organisation=organisation, title="Sécurité")
    session = session_on(organisation, title="Accueil et sécurité", first_day="2026-03-02",
                         days=2, trainers=[karim], learners=[lea], programme=programme)
    attend(slots_of(session)[0], lea)
    return session


def survey_url(session, kind="end", slug="cap-avenir"):
    return reverse("classroom:survey", args=[slug, session.pk]) + f"?kind={kind}"


def text(response) -> str:
    return html.unescape(response.content.decode())


ANSWERS = {"content": "5", "trainer": "4", "organisation": "3", "usefulness": "5"}


def test_lea_sees_a_group_of_five_ratings_per_question(client, lea, session):
    client.force_login(lea)

    page = text(client.get(survey_url(session)))

    assert page.count("<fieldset") == 4
    assert "<legend>The trainer</legend>" in page
    assert page.count('type="radio"') == 20
    assert "5 — Excellent" in page


def test_lea_answers_and_is_thanked(client, lea, session):
    client.force_login(lea)

    response = client.post(survey_url(session), {**ANSWERS, "comment": "Très utile"},
                           follow=True)

    response_row = SurveyResponse.objects.get(learner=lea)
    assert response_row.answers == {key: int(value) for key, value in ANSWERS.items()}
    assert "Thank you for your answers!" in text(response)
    assert "You answered on 3 March 2026" in text(response)
    assert 'type="radio"' not in text(response)


def test_a_missing_rating_keeps_what_lea_typed(client, lea, session):
    client.force_login(lea)

    response = client.post(survey_url(session), {**ANSWERS, "trainer": "",
                                                 "comment": "Salle trop froide"})

    assert response.status_code == 400
    page = text(response)
    assert "Choose a rating from 1 to 5." in page
    assert "Salle trop froide" in page
    assert re.search(r'name="content" value="5"[^>]*checked', page)
    assert not SurveyResponse.objects.exists()


def test_before_the_end_the_survey_says_when_it_opens(client, lea, session, clock):
    clock.move_to(paris("2026-03-03", "10:00"))
    client.force_login(lea)

    page = text(client.get(survey_url(session)))

    assert "This survey opens on 3 March 2026." in page
    assert 'type="radio"' not in page


def test_posting_before_it_opens_is_refused_with_the_reason(client, lea, session, clock):
    clock.move_to(paris("2026-03-03", "10:00"))
    client.force_login(lea)

    response = client.post(survey_url(session), ANSWERS)

    assert response.status_code == 409
    assert "This survey opens on 3 March 2026." in text(response)


def test_a_registered_learner_who_did_not_attend_is_told_so(client, organisation, session):
    hugo = member(organisation, "learner", locale="en")
    session.registrations.create(learner=hugo, status="registered")
    client.force_login(hugo)

    page = text(client.get(survey_url(session)))

    assert "This survey is for the learners who attended the session." in page


def test_a_learner_not_registered_gets_a_404(client, organisation, session):
    client.force_login(member(organisation, "learner"))

    assert client.get(survey_url(session)).status_code == 404


def test_karim_has_no_survey_to_answer(client, karim, session):
    client.force_login(karim)

    assert client.get(survey_url(session)).status_code == 403


def test_oscar_gets_a_404(client, oscar, session):
    client.force_login(oscar)

    assert client.get(survey_url(session)).status_code == 404


# --- Results ---------------------------------------------------------------------------------


def results_url(slug="cap-avenir", **query):
    url = reverse("classroom:survey_results", args=[slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_sophie_reads_averages_per_session_trainer_and_programme_with_comments(
        client, sophie, session, organisation, lea):
    hugo = member(organisation, "learner")
    SurveyResponse.objects.create(session=session, learner=lea, kind="end",
                                  answers={"content": 5, "trainer": 4, "organisation": 3,
                                           "usefulness": 5}, comment="Très concret")
    SurveyResponse.objects.create(session=session, learner=hugo, kind="end",
                                  answers={"content": 4, "trainer": 4, "organisation": 4,
                                           "usefulness": 4})
    client.force_login(sophie)

    page = text(client.get(results_url(start="2026-01-01", end="2026-03-31")))

    assert "Accueil et sécurité" in page
    assert "Karim Benali" in page and "Sécurité" in page
    assert "4.5" in page and "4.1" in page  # content, and all ratings (33 / 8)
    assert "Très concret" in page
    assert "Léa" not in page  # comments without names


def test_a_period_that_ends_before_it_starts_is_explained(client, sophie, session):
    client.force_login(sophie)

    response = client.get(results_url(start="2026-03-31", end="2026-01-01"))

    assert response.status_code == 400
    assert "The period must end on or after its first day" in text(response)


def test_lea_cannot_see_the_results(client, lea, session):
    client.force_login(lea)

    assert client.get(results_url()).status_code == 403


def test_oscar_gets_a_404_for_the_results(client, oscar):
    client.force_login(oscar)

    assert client.get(results_url()).status_code == 404
