"""Karim's caseload page: who is where, sortable and filterable, and who needs him."""

import html
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.accounts.tests.factories import member
from parcours.journeys.models import EnrolmentStatus, PathStep, Submission
from parcours.journeys.tests.pages_for_tests import enrolled, in_english, step_of
from parcours.journeys.tests.paths_for_tests import programme_row

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(lea, karim, sophie):
    in_english(lea, karim, sophie)


def caseload(slug="cap-avenir"):
    return reverse("journeys:caseload", args=[slug])


@pytest.fixture
def programme(organisation):
    return programme_row(organisation)


@pytest.fixture
def lea_behind(lea, organisation, programme):
    enrolment = enrolled(lea, organisation, programme=programme, steps=4, done=1,
                         last_activity_at=timezone.now() - timedelta(days=2))
    PathStep.objects.filter(enrolment=enrolment, position=2).update(
        planned_on=timezone.localdate() - timedelta(days=1))
    Submission.objects.create(path_step=step_of(enrolment, 4), text="Mon travail")
    return enrolment


@pytest.mark.parametrize("size", [3, 30])
def test_the_caseload_page_takes_the_same_queries_whatever_its_size(
        client, karim, organisation, programme, django_assert_num_queries, size):
    for number in range(size):
        learner = member(organisation, "learner", display_name=f"Apprenant {number:02d}")
        enrolled(learner, organisation, programme=programme, steps=5, done=number % 5)
    client.force_login(karim)

    # session, user, organisation, roles (decorator); the selector's six; the menu's
    # organisations
    with django_assert_num_queries(11):
        response = client.get(caseload())

    assert len(response.context["caseload"].rows) == size


def test_karim_sees_each_learner_with_status_progress_activity_and_reviews(
        client, karim, lea_behind):
    client.force_login(karim)

    response = client.get(caseload())

    body = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert reverse("journeys:learner", args=["cap-avenir", lea_behind.learner_id]) in body
    assert '<span class="status status-behind">Behind</span>' in body
    assert '<progress max="100" value="25"' in body
    row = response.context["caseload"].rows[0]
    assert (row.days_inactive, row.pending_reviews) == (2, 1)


def test_column_headers_sort_and_say_so_to_screen_readers(client, karim, lea_behind):
    client.force_login(karim)

    body = client.get(caseload(), {"sort": "-progress"}).content.decode()

    assert 'aria-sort="descending"><a href="?sort=progress">' in body
    assert '<a href="?sort=days_inactive">' in body


def test_filters_keep_their_values_and_narrow_the_list(client, karim, lea_behind,
                                                      organisation, programme):
    paul = member(organisation, "learner", display_name="Paul Durand")
    enrolled(paul, organisation, programme=programme, steps=2, done=2)
    client.force_login(karim)

    response = client.get(caseload(), {"status": EnrolmentStatus.COMPLETED, "search": "pau",
                                       "programme": programme.pk})

    assert [row.learner for row in response.context["caseload"].rows] == [paul]
    body = response.content.decode()
    assert 'value="pau"' in body
    assert f'<option value="{programme.pk}" selected>' in body
    assert "sort=name&amp;search=pau" in body or "search=pau" in body


def test_a_filter_that_does_not_read_is_ignored(client, karim, lea_behind):
    client.force_login(karim)

    response = client.get(caseload(), {"programme": "abc", "status": "lost", "page": "x"})

    assert response.status_code == 200
    assert response.context["caseload"].total == 1


def test_a_manager_sees_the_caseload_too(client, sophie, lea_behind):
    client.force_login(sophie)

    assert client.get(caseload()).status_code == 200


def test_a_learner_cannot_open_the_caseload(client, lea):
    client.force_login(lea)

    assert client.get(caseload()).status_code == 403


def test_oscar_from_another_organisation_gets_a_404(client, oscar, lea_behind):
    client.force_login(oscar)

    response = client.get(caseload())

    assert response.status_code == 404
    assert "Léa" not in response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client, organisation):
    response = client.get(caseload())

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
