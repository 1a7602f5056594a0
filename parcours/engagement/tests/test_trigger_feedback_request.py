"""Léa is asked for her opinion when she finishes a module (in-app survey), and after a
session she attended (classroom's own end-of-session survey, not a second one)."""

from datetime import timedelta

import pytest

from parcours.classroom.models import SurveyKind, SurveyResponse
from parcours.core.events import record_event
from parcours.core.models import Verb
from parcours.engagement.kinds import kind
from parcours.engagement.models import FeedbackAnswer, FeedbackRequest
from parcours.engagement.tests.triggers_for_tests import (
    finish,
    notifications,
    session_with_seat,
    speaking_path,
)

NAME = "feedback_request"


@pytest.fixture
def enrolment(organisation, lea, karim):
    return speaking_path(organisation, lea, by=karim)


def test_finishing_a_module_asks_for_an_opinion_on_it(enrolment, lea):
    finish(enrolment, "Respirer")
    assert notifications(NAME) == []

    finish(enrolment, "Structurer")

    [request] = FeedbackRequest.objects.all()
    assert (request.recipient, request.title, request.subject_type) == (
        lea, "Se préparer", "module")
    [ask] = notifications(NAME)
    assert ask.recipient == lea
    assert ask.url == f"/feedback/{request.pk}/"
    assert "Se préparer" in ask.subject


def test_a_module_is_asked_about_once(enrolment):
    finish(enrolment, "Respirer")
    finish(enrolment, "Structurer")
    finish(enrolment, "Improviser")

    assert [n.context["feedback_request"] for n in notifications(NAME)] == [
        FeedbackRequest.objects.get(title="Se préparer").pk]


def test_the_request_is_dropped_if_answered_before_it_went_out(enrolment):
    finish(enrolment, "Respirer")
    finish(enrolment, "Structurer")
    [ask] = notifications(NAME)

    FeedbackAnswer.objects.create(request=FeedbackRequest.objects.get(), rating=4)

    assert not kind(NAME).still_relevant(ask)


@pytest.fixture
def seat(organisation, lea, sophie):
    return session_with_seat(organisation, lea, by=sophie, starts_in=timedelta(hours=-1))


def attended(seat, trainer):
    slot = seat.session.slots.get()
    record_event(trainer, Verb.ATTENDED, slot, organisation=seat.session.organisation,
                 result={"duration_minutes": 180},
                 context={"session": seat.session.pk, "slot": slot.pk,
                          "learner": seat.learner_id, "status": "present"})


def test_a_session_attended_links_the_classroom_survey_when_it_opens(seat, lea, karim):
    attended(seat, karim)
    attended(seat, karim)  # corrected later: still one request

    [ask] = notifications(NAME)
    session = seat.session
    assert ask.recipient == lea
    assert ask.url == f"/o/cap-avenir/sessions/{session.pk}/survey/"
    assert ask.deliver_after == session.ends_at
    assert not FeedbackRequest.objects.exists()  # no second survey of our own


def test_the_session_request_is_dropped_once_the_survey_is_answered(seat, lea, karim):
    attended(seat, karim)
    [ask] = notifications(NAME)

    SurveyResponse.objects.create(session=seat.session, learner=lea,
                                  kind=SurveyKind.END_OF_SESSION, answers={"content": 5})

    assert not kind(NAME).still_relevant(ask)
