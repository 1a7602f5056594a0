"""Léa rates a module she finished, once; nobody else can answer for her; Sophie's
report counts the answers per module."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.http import Http404

from parcours.accounts.tests.factories import member
from parcours.core.errors import NotAllowed
from parcours.core.models import LearningEvent, Verb
from parcours.engagement.models import FeedbackAnswer
from parcours.engagement.selectors.feedback import feedback_report
from parcours.engagement.services.feedback import (
    CommentTooLong,
    FeedbackAlreadyGiven,
    RatingInvalid,
    answer_feedback,
    request_module_feedback,
)
from parcours.engagement.tests.triggers_for_tests import speaking_path


@pytest.fixture
def asked(organisation, lea, karim):
    enrolment = speaking_path(organisation, lea, by=karim)
    request, _created = request_module_feedback(enrolment, "Se préparer")
    return request


def test_lea_rates_the_module_and_it_is_recorded(asked, lea):
    answer = answer_feedback(asked.pk, by=lea, rating=4, comment="  Très concret.  ")

    answer.refresh_from_db()
    assert (answer.rating, answer.comment) == (4, "Très concret.")
    event = LearningEvent.objects.get(verb=Verb.RATED)
    assert event.actor == lea
    assert event.result == {"score": 4, "response": "Très concret."}
    assert event.context["feedback_request"] == asked.pk


def test_she_answers_once(asked, lea):
    answer_feedback(asked.pk, by=lea, rating=4)

    with pytest.raises(FeedbackAlreadyGiven):
        answer_feedback(asked.pk, by=lea, rating=1)
    assert FeedbackAnswer.objects.get().rating == 4


@pytest.mark.parametrize("rating", [0, 6, "5", None, True, 4.5])
def test_a_rating_outside_1_to_5_is_refused(asked, lea, rating):
    with pytest.raises(RatingInvalid):
        answer_feedback(asked.pk, by=lea, rating=rating)
    assert not FeedbackAnswer.objects.exists()


def test_a_very_long_comment_is_refused(asked, lea):
    with pytest.raises(CommentTooLong):
        answer_feedback(asked.pk, by=lea, rating=3, comment="x" * 4001)


def test_the_database_refuses_a_rating_of_6_whatever_the_code_path(asked):
    with pytest.raises(IntegrityError), transaction.atomic():
        FeedbackAnswer.objects.create(request=asked, rating=6)


def test_another_learner_cannot_answer_for_lea(asked, organisation):
    hugo = member(organisation, "learner")

    with pytest.raises(Http404):
        answer_feedback(asked.pk, by=hugo, rating=1)


def test_a_module_is_asked_about_once_per_learner(organisation, lea, karim, asked):
    enrolment = asked.enrolment_id
    again, created = request_module_feedback(lea.enrolments.get(pk=enrolment), "Se préparer")

    assert again == asked and not created


def test_the_report_gives_the_average_distribution_and_comments_per_module(
        organisation, lea, karim, sophie, asked):
    answer_feedback(asked.pk, by=lea, rating=4, comment="Très concret.")
    for rating in (5, 2):
        other = member(organisation, "learner")
        request, _ = request_module_feedback(speaking_path(organisation, other, by=karim,
                                                           title=f"Parcours {rating}"),
                                             "Se préparer")
        answer_feedback(request.pk, by=other, rating=rating)
    request_module_feedback(speaking_path(organisation, member(organisation, "learner"),
                                          by=karim, title="Sans réponse"), "Se préparer")

    [row] = feedback_report(organisation, viewer=sophie)
    assert (row.title, row.asked, row.answered) == ("Se préparer", 4, 3)
    assert row.average == Decimal("3.67")
    assert row.distribution == {1: 0, 2: 1, 3: 0, 4: 1, 5: 1}
    assert row.response_rate == 75
    assert [comment.comment for comment in row.comments] == ["Très concret."]


def test_the_report_takes_the_same_queries_however_many_modules(
        organisation, lea, karim, sophie, asked, django_assert_num_queries):
    answer_feedback(asked.pk, by=lea, rating=4, comment="Bien")
    request, _ = request_module_feedback(lea.enrolments.get(), "S'exercer")
    answer_feedback(request.pk, by=lea, rating=3, comment="Court")

    with django_assert_num_queries(3):  # the viewer's roles, the figures, the comments
        rows = feedback_report(organisation, viewer=sophie)
    assert len(rows) == 2


def test_the_report_is_for_managers_of_the_organisation(organisation, lea, oscar, asked):
    with pytest.raises(NotAllowed):
        feedback_report(organisation, viewer=lea)
    with pytest.raises(NotAllowed):
        feedback_report(organisation, viewer=oscar)
