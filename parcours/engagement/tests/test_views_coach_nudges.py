"""Karim sees which of his learners were nudged, with what, and what happened next."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from parcours.accounts.tests.factories import member
from parcours.core.events import record_event
from parcours.core.models import Verb
from parcours.engagement.models import NotificationStatus
from parcours.engagement.tests.notifications_for_tests import sent

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(karim):
    karim.locale = "en"
    karim.save(update_fields=["locale"])
    return karim


def url(organisation):
    return reverse("engagement:coach_nudges", args=[organisation.slug])


def outcome_cell(page, subject):
    row = page[page.index(subject):]
    return row[:row.index("</tr>")]


def test_karim_sees_what_each_of_his_learners_received_and_did(
        client, english, lea, organisation):
    when = timezone.now() - timedelta(days=3)
    sent(lea, organisation, subject="Bravo for the quiz", at=when, opened_at=when,
         clicked_at=when)
    with time_machine.travel(when + timedelta(days=1)):
        record_event(lea, Verb.LAUNCHED, ("step", 1), organisation=organisation)
    client.force_login(english)

    page = client.get(url(organisation)).content.decode()

    cell = outcome_cell(page, "Bravo for the quiz")
    assert "Léa Martin" in page
    assert "Opened" in cell and "Clicked" in cell and "Came back" in cell
    assert "Opted out" not in cell


def test_a_suppressed_nudge_says_why_it_was_not_sent(client, english, lea, organisation):
    sent(lea, organisation, subject="Come back soon", status=NotificationStatus.SUPPRESSED,
         reason="backing_off")
    client.force_login(english)

    cell = outcome_cell(client.get(url(organisation)).content.decode(), "Come back soon")

    assert "Not sent:" in cell and "Backing off" in cell


def test_an_opt_out_after_a_nudge_shows_on_it(client, english, lea, organisation):
    when = timezone.now() - timedelta(days=2)
    sent(lea, organisation, subject="Weekly recap", at=when)
    with time_machine.travel(when + timedelta(hours=2)):
        record_event(lea, Verb.OPTED_OUT, ("category", "recap"), organisation=organisation)
    client.force_login(english)

    cell = outcome_cell(client.get(url(organisation)).content.decode(), "Weekly recap")

    assert "Opted out" in cell


def test_only_learners_of_the_organisation_are_shown(
        client, english, lea, sophie, oscar, other_organisation, organisation):
    sent(lea, organisation, subject="For Léa")
    sent(sophie, organisation, subject="For the manager")
    sent(oscar, other_organisation, subject="Elsewhere")
    client.force_login(english)

    page = client.get(url(organisation)).content.decode()

    assert "For Léa" in page
    assert "For the manager" not in page and "Elsewhere" not in page


def test_karim_narrows_the_view_to_one_learner(client, english, lea, organisation):
    other = member(organisation, "learner", display_name="Noé Petit")
    sent(lea, organisation, subject="For Léa")
    sent(other, organisation, subject="For Noé")
    client.force_login(english)

    page = client.get(url(organisation), {"learner": other.pk}).content.decode()

    assert "For Noé" in page and "For Léa" not in page


def test_a_learner_filter_that_is_not_a_number_shows_everyone(client, english, lea,
                                                              organisation):
    sent(lea, organisation, subject="For Léa")
    client.force_login(english)

    response = client.get(url(organisation), {"learner": "abc"})

    assert response.status_code == 200 and "For Léa" in response.content.decode()


def test_the_view_is_paginated(client, english, lea, organisation):
    for number in range(55):
        sent(lea, organisation, subject=f"Nudge {number:02d}",
             at=timezone.now() - timedelta(minutes=number))
    client.force_login(english)

    first = client.get(url(organisation)).content.decode()
    second = client.get(url(organisation), {"page": 2}).content.decode()

    assert "Nudge 00" in first and "Nudge 54" not in first and 'rel="next"' in first
    assert "Nudge 54" in second and 'rel="next"' not in second


def test_the_view_has_a_fixed_number_of_queries(
        client, karim, organisation, django_assert_max_num_queries):
    for number in range(30):
        sent(member(organisation, "learner"), organisation, subject=f"Nudge {number}")
    client.force_login(karim)

    with django_assert_max_num_queries(12):
        client.get(url(organisation))


def test_a_learner_may_not_see_who_was_nudged(client, lea, organisation):
    client.force_login(lea)

    assert client.get(url(organisation)).status_code == 403


def test_someone_from_another_organisation_gets_a_404(client, oscar, organisation):
    client.force_login(oscar)

    assert client.get(url(organisation)).status_code == 404


def test_a_manager_sees_it_too(client, sophie, lea, organisation):
    sent(lea, organisation, subject="For Léa")
    client.force_login(sophie)

    assert "For Léa" in client.get(url(organisation)).content.decode()
