"""Léa's daily reviews: a card's front, the answer on request, four ratings, the next card."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parcours.accounts.tests.factories import member
from parcours.assessments import services
from parcours.assessments.models import CardMemory, CardReview
from parcours.assessments.tests import factories as make

pytestmark = pytest.mark.django_db

NINE = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def url(name, *args):
    return reverse(f"assessments:{name}", args=["cap-avenir", *args])


@pytest.fixture
def deck(organisation, sophie):
    return make.deck_of(organisation, sophie, ("to go", "aller"), ("to be", "être"))


def test_lea_sees_the_front_of_her_first_due_card_and_how_many_wait(sign_in, lea, deck):
    services.introduce_deck(deck, learner=lea)

    page = sign_in(lea).get(url("reviews")).content.decode()

    assert "to go" in page
    assert "aller" not in page
    assert "2 cards to review" in page
    assert "Show the answer" in page


def test_showing_the_answer_needs_no_javascript(sign_in, lea, deck):
    services.introduce_deck(deck, learner=lea)
    card = deck.cards.get(front="to go")

    page = sign_in(lea).get(url("reviews"), {"reveal": card.pk}).content.decode()

    assert "aller" in page
    for rating in ("Again", "Hard", "Good", "Easy"):
        assert f">{rating}</button>" in page


def test_rating_a_card_schedules_it_and_brings_the_next_one(sign_in, lea, deck):
    services.introduce_deck(deck, learner=lea)
    card = deck.cards.get(front="to go")
    client = sign_in(lea)

    response = client.post(url("card_review", card.pk), {"rating": "4"})
    page = client.get(response["Location"]).content.decode()

    assert response["Location"] == url("reviews")
    assert CardReview.objects.get().rating == 4
    assert CardMemory.objects.get(card=card).reviews == 1
    assert "to be" in page
    assert "1 card to review" in page


def test_when_all_is_done_lea_sees_when_the_next_review_is_in_her_time_zone(sign_in, lea, deck):
    with time_machine.travel(NINE, tick=False):
        services.introduce_deck(deck, learner=lea)
        for card in deck.cards.all():
            services.review_card(card, by=lea, rating=4)

        page = sign_in(lea).get(url("reviews")).content.decode()

    assert "All done for today." in page
    # Reviewed at 9:00 UTC, due days later at the same time: 10 a.m. in Paris in winter.
    next_review = page.split("Next review:")[1].split("</p>")[0]
    assert "10 a.m." in next_review


def test_reviews_for_a_step_count_for_that_step(sign_in, lea, deck, organisation):
    step = make.path_step_for(lea, organisation, deck=deck, reviews_required=1)
    services.introduce_deck(deck, learner=lea)
    card = deck.cards.get(front="to go")
    client = sign_in(lea)

    page = client.get(url("reviews"), {"step": step.pk}).content.decode()
    response = client.post(url("card_review", card.pk), {"rating": "3", "path_step": step.pk})

    assert "Reviews: Verbes irréguliers" in page
    assert response["Location"] == url("reviews") + f"?step={step.pk}"
    assert CardReview.objects.get().path_step == step


def test_a_rating_that_is_not_one_of_the_four_changes_nothing(sign_in, lea, deck):
    services.introduce_deck(deck, learner=lea)
    card = deck.cards.first()

    response = sign_in(lea).post(url("card_review", card.pk), {"rating": "9"}, follow=True)

    assert "Choose how well you knew the card" in response.content.decode()
    assert not CardReview.objects.exists()


def test_a_card_lea_has_not_met_cannot_be_reviewed(sign_in, lea, deck):
    response = sign_in(lea).post(url("card_review", deck.cards.first().pk), {"rating": "3"})

    assert response.status_code == 404


def test_another_learner_never_sees_leas_cards(sign_in, lea, deck, organisation):
    services.introduce_deck(deck, learner=lea)

    page = sign_in(member(organisation, "learner")).get(url("reviews")).content.decode()

    assert "to go" not in page
    assert "All done for today." in page


def test_sophie_a_manager_without_a_path_has_no_review_page(sign_in, sophie):
    assert sign_in(sophie).get(url("reviews")).status_code == 403


def test_oscar_from_another_organisation_gets_404(sign_in, oscar, lea, deck):
    services.introduce_deck(deck, learner=lea)
    client = sign_in(oscar)

    assert client.get(url("reviews")).status_code == 404
    assert client.post(url("card_review", deck.cards.first().pk),
                       {"rating": "3"}).status_code == 404


def test_cards_come_back_after_their_interval(sign_in, lea, deck):
    with time_machine.travel(NINE, tick=False):
        services.introduce_deck(deck, learner=lea)
        for card in deck.cards.all():
            services.review_card(card, by=lea, rating=1)

    with time_machine.travel(NINE + timedelta(minutes=30), tick=False):
        page = sign_in(lea).get(url("reviews")).content.decode()

    assert "2 cards to review" in page


def test_the_review_page_takes_the_same_queries_whatever_the_number_of_cards(
    sign_in, lea, organisation, sophie
):
    client = sign_in(lea)
    services.introduce_deck(make.deck_of(organisation, sophie, ("a", "b")), learner=lea)
    with CaptureQueriesContext(connection) as few:
        client.get(url("reviews"))
    services.introduce_deck(make.deck_of(organisation, sophie, title="Plus"), learner=lea)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url("reviews")).content.decode()

    assert "4 cards to review" in page
    assert len(many) == len(few)
