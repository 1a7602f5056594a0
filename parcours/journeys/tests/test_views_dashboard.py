"""Léa opens "My path": her next step and why, first; then her programmes."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.journeys.services import enrol_learner
from parcours.journeys.tests.pages_for_tests import enrolled, in_english
from parcours.journeys.tests.paths_for_tests import path_step, speaking_programme

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(lea, karim):
    in_english(lea, karim)


def dashboard(slug="cap-avenir"):
    return reverse("journeys:dashboard", args=[slug])


@pytest.fixture
def enrolment(organisation, lea, karim):
    return enrol_learner(speaking_programme(organisation), lea, by=karim,
                         start_on=timezone.localdate(), minutes_per_week=120)


def test_lea_sees_her_next_step_why_and_a_button_to_open_it(client, lea, enrolment):
    client.force_login(lea)

    response = client.get(dashboard())

    page = response.content.decode()
    first = path_step(enrolment, "Respirer")
    assert response.status_code == 200
    assert page.index("Your next step") < page.index("Your programmes")
    assert "Respirer" in page
    assert response.context["board"].next.reason_text in page
    assert reverse("journeys:step", args=["cap-avenir", first.pk]) in page


@pytest.mark.parametrize("steps", [5, 40])
def test_the_dashboard_page_takes_the_same_queries_whatever_the_path_length(
        client, lea, organisation, django_assert_num_queries, steps):
    enrolled(lea, organisation, steps=steps, done=3)
    enrolled(lea, organisation, title="Écrire son CV", steps=steps)
    client.force_login(lea)

    # session, user, organisation, roles (decorator); the selector's roles, enrolments,
    # steps, prerequisites and flashcards due; the coaching actions; the menu's organisations
    with django_assert_num_queries(11):
        response = client.get(dashboard())

    assert len(response.context["board"].programmes) == 2


def test_progress_is_a_labelled_progress_bar_with_the_figures_in_words(client, lea,
                                                                       organisation):
    enrolment = enrolled(lea, organisation, steps=4, done=1)
    client.force_login(lea)

    page = client.get(dashboard()).content.decode()

    assert f'<label for="progress-{enrolment.pk}">' in page
    assert f'<progress id="progress-{enrolment.pk}" max="100" value="25">' in page
    assert "1 of 4 steps (25 %)" in page


def test_a_learner_not_enrolled_is_told_so_with_a_way_to_the_catalogue(client, lea):
    client.force_login(lea)

    response = client.get(dashboard())

    assert response.status_code == 200
    assert response.context["board"].enrolled is False
    assert "not enrolled" in response.content.decode()


def test_upcoming_due_dates_are_listed(client, lea, enrolment):
    step = path_step(enrolment, "Pitch")
    step.due_on = timezone.localdate() + timedelta(days=2)
    step.save()
    client.force_login(lea)

    page = client.get(dashboard()).content.decode()

    assert f'<time datetime="{step.due_on:%Y-%m-%d}">' in page


def test_a_coach_has_no_learner_dashboard(client, karim):
    client.force_login(karim)

    assert client.get(dashboard()).status_code == 403


def test_oscar_from_another_organisation_gets_a_404(client, oscar, lea):
    client.force_login(oscar)

    assert client.get(dashboard()).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, organisation):
    response = client.get(dashboard())

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
