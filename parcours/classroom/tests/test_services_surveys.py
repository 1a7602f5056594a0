"""Léa gives her opinion on the session she attended: at the end, and some weeks later.
Only attendees answer, once each, with ratings from 1 to 5."""

from datetime import timedelta

import pytest
import time_machine

from parcours.accounts.tests.factories import member
from parcours.classroom.models import SurveyResponse
from parcours.classroom.services import (
    AnswersInvalid,
    NotAnAttendee,
    SurveyAlreadyAnswered,
    SurveyKindUnknown,
    SurveyNotOpen,
    answer_survey,
)
from parcours.classroom.tests.documents_for_tests import attend, paris, session_on, slots_of
from parcours.classroom.tests.sessions_for_tests import refused
from parcours.core.errors import NotAllowed
from parcours.core.models import LearningEvent, Verb

pytestmark = pytest.mark.django_db

END_ANSWERS = {"content": 5, "trainer": 4, "organisation": 3, "usefulness": 5}
FOLLOW_UP_ANSWERS = {"applied": 4, "usefulness": 5}
AFTER_THE_END = paris("2026-03-03", "17:05")


@pytest.fixture
def session(organisation, lea, karim):
    session = session_on(organisation, first_day="2026-03-02", days=2, trainers=[karim],
                         learners=[lea])
    attend(slots_of(session)[0], lea)
    return session


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(AFTER_THE_END, tick=False) as traveller:
        yield traveller


def test_lea_answers_the_end_of_session_survey_once_it_is_over(session, lea):
    response = answer_survey(session, by=lea, kind="end", answers=END_ANSWERS,
                             comment="  Très concret, merci !  ")

    response.refresh_from_db()
    assert response.answers == END_ANSWERS
    assert response.comment == "Très concret, merci !"
    event = LearningEvent.objects.get(verb=Verb.SUBMITTED, actor=lea)
    assert event.object_type == "classroom.session" and event.object_id == str(session.pk)
    assert event.context == {"survey": "end"}


def test_ratings_given_as_digits_are_read_as_numbers(session, lea):
    answers = {key: str(value) for key, value in END_ANSWERS.items()}

    response = answer_survey(session, by=lea, kind="end", answers=answers)

    assert response.answers == END_ANSWERS


def test_the_end_of_session_survey_is_not_open_before_the_last_half_day_ends(session, lea,
                                                                             clock):
    clock.move_to(paris("2026-03-03", "16:30"))

    with refused(SurveyNotOpen, match="opens on 3 March 2026"):
        answer_survey(session, by=lea, kind="end", answers=END_ANSWERS)


def test_the_follow_up_opens_the_set_number_of_days_after_the_end(session, lea, clock,
                                                                  settings):
    settings.SURVEY_FOLLOW_UP_DAYS = 30
    clock.move_to(AFTER_THE_END + timedelta(days=29))
    with refused(SurveyNotOpen, match="opens on 2 April 2026"):
        answer_survey(session, by=lea, kind="follow_up", answers=FOLLOW_UP_ANSWERS)

    clock.move_to(AFTER_THE_END + timedelta(days=30))
    response = answer_survey(session, by=lea, kind="follow_up", answers=FOLLOW_UP_ANSWERS)

    assert response.kind == "follow_up"


def test_lea_answers_each_survey_only_once(session, lea):
    answer_survey(session, by=lea, kind="end", answers=END_ANSWERS)

    with refused(SurveyAlreadyAnswered):
        answer_survey(session, by=lea, kind="end", answers=END_ANSWERS)
    assert SurveyResponse.objects.count() == 1


def test_a_learner_who_was_absent_cannot_answer(session, organisation):
    hugo = member(organisation, "learner")
    session.registrations.create(learner=hugo, status="registered")
    attend(slots_of(session)[0], hugo, "absent")

    with refused(NotAnAttendee, match="attended"):
        answer_survey(session, by=hugo, kind="end", answers=END_ANSWERS)


def test_a_learner_not_registered_cannot_answer(session, organisation):
    hugo = member(organisation, "learner")

    with refused(NotAnAttendee):
        answer_survey(session, by=hugo, kind="end", answers=END_ANSWERS)


def test_a_coach_cannot_answer_a_learners_survey(session, karim):
    with refused(NotAllowed):
        answer_survey(session, by=karim, kind="end", answers=END_ANSWERS)


def test_oscar_cannot_answer_in_another_organisation(session, oscar):
    with refused(NotAllowed):
        answer_survey(session, by=oscar, kind="end", answers=END_ANSWERS)


@pytest.mark.parametrize("answers", [
    {**END_ANSWERS, "content": 0},
    {**END_ANSWERS, "content": 6},
    {**END_ANSWERS, "content": 4.5},
    {**END_ANSWERS, "content": True},
    {key: value for key, value in END_ANSWERS.items() if key != "trainer"},
    {**END_ANSWERS, "price": 3},
    [5, 4, 3, 5],
])
def test_each_question_needs_one_rating_from_1_to_5(session, lea, answers):
    with refused(AnswersInvalid):
        answer_survey(session, by=lea, kind="end", answers=answers)
    assert not SurveyResponse.objects.exists()


def test_an_unknown_survey_is_refused(session, lea):
    with refused(SurveyKindUnknown):
        answer_survey(session, by=lea, kind="midterm", answers=END_ANSWERS)


def test_a_cancelled_session_has_no_survey(session, lea):
    session.status = "cancelled"
    session.save()

    with refused(SurveyNotOpen, match="cancelled"):
        answer_survey(session, by=lea, kind="end", answers=END_ANSWERS)
