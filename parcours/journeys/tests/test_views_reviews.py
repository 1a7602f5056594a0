"""Karim's review queue: the work learners sent, accepted or returned with feedback."""

import html

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.journeys.models import PathStepStatus, SubmissionStatus
from parcours.journeys.services import enrol_learner, submit_assignment
from parcours.journeys.tests.pages_for_tests import in_english
from parcours.journeys.tests.paths_for_tests import path_step, speaking_programme

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(lea, karim, sophie):
    in_english(lea, karim, sophie)


def reviews(slug="cap-avenir"):
    return reverse("journeys:reviews", args=[slug])


def review(submission, slug="cap-avenir"):
    return reverse("journeys:review_submission", args=[slug, submission.pk])


@pytest.fixture
def submission(organisation, lea, karim):
    enrolment = enrol_learner(speaking_programme(organisation), lea, by=karim,
                              start_on=timezone.localdate(), minutes_per_week=120)
    return submit_assignment(path_step(enrolment, "Pitch"), by=lea,
                             text="Bonjour, je m'appelle Léa.")


def test_karim_sees_the_work_waiting_with_a_form_to_answer(client, karim, submission):
    client.force_login(karim)

    response = client.get(reviews())

    body = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "Bonjour, je m'appelle Léa." in body
    assert "Léa Martin — Pitch" in body
    assert f'action="{review(submission)}"' in body


def test_karim_accepts_the_work_and_the_step_is_done(client, karim, submission):
    client.force_login(karim)

    response = client.post(review(submission), {f"s{submission.pk}-decision": "accept",
                                                f"s{submission.pk}-feedback": "Très bien."},
                           follow=True)

    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.ACCEPTED
    assert submission.path_step.status == PathStepStatus.DONE
    assert "Accepted" in response.content.decode()
    assert response.context["items"] == []


def test_asking_for_changes_needs_feedback_and_keeps_the_choice(client, karim, submission):
    client.force_login(karim)

    response = client.post(review(submission), {f"s{submission.pk}-decision": "changes",
                                                f"s{submission.pk}-feedback": ""})

    assert response.status_code == 400
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED
    form = {s.pk: f for s, f in response.context["items"]}[submission.pk]
    assert form.errors["feedback"]
    assert form["decision"].value() == "changes"
    assert str(form["decision"]) in response.content.decode()
    assert "checked" in str(form["decision"])


def test_karim_returns_the_work_with_feedback(client, karim, submission):
    client.force_login(karim)

    client.post(review(submission), {f"s{submission.pk}-decision": "changes",
                                     f"s{submission.pk}-feedback": "Plus court."})

    submission.refresh_from_db()
    assert (submission.status, submission.feedback) == (SubmissionStatus.CHANGES_REQUESTED,
                                                        "Plus court.")


def test_reviewing_twice_says_it_is_already_done(client, karim, submission):
    client.force_login(karim)
    data = {f"s{submission.pk}-decision": "accept", f"s{submission.pk}-feedback": ""}
    client.post(review(submission), data)

    response = client.post(review(submission), data, follow=True)

    assert response.status_code == 200
    assert "already been reviewed" in response.content.decode()


def test_a_manager_does_not_review_work(client, sophie, submission):
    client.force_login(sophie)

    assert client.get(reviews()).status_code == 403


def test_a_learner_cannot_open_the_review_queue(client, lea, submission):
    client.force_login(lea)

    assert client.get(reviews()).status_code == 403
    assert client.post(review(submission), {}).status_code == 403


def test_oscar_from_another_organisation_gets_a_404(client, oscar, submission):
    client.force_login(oscar)

    assert client.get(reviews()).status_code == 404
    assert client.post(review(submission), {}).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, submission):
    response = client.get(reviews())

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
