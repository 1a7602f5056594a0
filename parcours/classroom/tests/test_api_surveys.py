"""Answering a session's satisfaction survey through the API."""

import pytest
import time_machine

from parcours.accounts.tests.factories import member
from parcours.classroom.models import SurveyResponse
from parcours.classroom.tests.documents_for_tests import attend, paris, session_on, slots_of

pytestmark = pytest.mark.django_db

ANSWER = {"kind": "end", "answers": {"content": 5, "trainer": 4, "organisation": 4,
                                     "usefulness": 5}, "comment": "Bien"}


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(paris("2026-03-03", "18:00"), tick=False) as traveller:
        yield traveller


@pytest.fixture
def session(organisation, lea, karim):
    session = session_on(organisation, first_day="2026-03-02", days=2, trainers=[karim],
                         learners=[lea])
    attend(slots_of(session)[0], lea)
    return session


def url(session, slug="cap-avenir"):
    return f"/api/v1/organisations/{slug}/sessions/{session.pk}/survey"


def test_lea_sees_where_she_stands_and_the_questions(api_as, lea, session):
    response = api_as(lea, locale="en").get(url(session))

    assert response.status_code == 200
    end, follow_up = response.json()
    assert end["kind"] == "end" and end["open"] and end["attended"]
    assert end["answered_at"] is None
    assert [q["key"] for q in end["questions"]] == ["content", "trainer", "organisation",
                                                    "usefulness"]
    assert follow_up["kind"] == "follow_up" and not follow_up["open"]


def test_lea_answers_the_end_of_session_survey(api_as, lea, session):
    response = api_as(lea).post(url(session), ANSWER)

    assert response.status_code == 201
    assert response.json()["answers"] == ANSWER["answers"]
    assert SurveyResponse.objects.get(learner=lea).comment == "Bien"


def test_a_second_answer_is_a_409(api_as, lea, session):
    caller = api_as(lea, locale="en")
    caller.post(url(session), ANSWER)

    response = caller.post(url(session), ANSWER)

    assert response.status_code == 409
    assert response.json()["detail"] == "You have already answered this survey. Thank you!"


def test_a_rating_outside_1_to_5_is_a_400(api_as, lea, session):
    response = api_as(lea, locale="en").post(
        url(session), {**ANSWER, "answers": {**ANSWER["answers"], "trainer": 7}})

    assert response.status_code == 400
    assert response.json()["detail"] == "Rate “The trainer” from 1 to 5."


def test_the_follow_up_before_it_opens_is_a_409(api_as, lea, session):
    response = api_as(lea).post(url(session), {"kind": "follow_up",
                                               "answers": {"applied": 4, "usefulness": 4}})

    assert response.status_code == 409


def test_a_registered_learner_who_did_not_attend_is_a_403(api_as, organisation, session):
    hugo = member(organisation, "learner")
    session.registrations.create(learner=hugo, status="registered")

    assert api_as(hugo).post(url(session), ANSWER).status_code == 403


def test_a_learner_not_registered_is_a_404(api_as, organisation, session):
    assert api_as(member(organisation, "learner")).post(url(session), ANSWER).status_code == 404


def test_oscar_is_refused(api_as, oscar, session):
    assert api_as(oscar).post(url(session), ANSWER).status_code == 403


def test_an_anonymous_caller_must_authenticate(client, session):
    response = client.post(url(session), ANSWER, content_type="application/json")

    assert response.status_code == 401
