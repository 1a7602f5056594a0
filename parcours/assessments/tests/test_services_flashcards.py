"""Léa meets Sophie's flashcards and reviews them, scheduled by FSRS."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from parcours.accounts.services import add_member
from parcours.assessments import selectors, services
from parcours.assessments.models import CardMemory, CardReview
from parcours.assessments.tests import factories as make
from parcours.core.errors import NotAllowed
from parcours.core.models import LearningEvent, Verb

pytestmark = pytest.mark.django_db

NINE = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4


@pytest.fixture
def deck(organisation, sophie):
    return make.deck_of(organisation, sophie)


def test_meeting_a_deck_makes_every_card_due_now(deck, organisation, lea):
    with time_machine.travel(NINE, tick=False):
        new = services.introduce_deck(deck, learner=lea)

        assert new == 3
        queue = selectors.review_queue(lea, organisation, now=NINE)
    assert [memory.card.front for memory in queue] == ["to go", "to be", "to have"]
    assert {memory.due_at for memory in queue} == {NINE}


def test_meeting_a_deck_again_changes_nothing(deck, organisation, lea):
    services.introduce_deck(deck, learner=lea)
    memory = CardMemory.objects.first()
    services.review_card(memory.card, by=lea, rating=EASY)
    memory.refresh_from_db()

    assert services.introduce_deck(deck, learner=lea) == 0
    assert CardMemory.objects.count() == 3
    assert CardMemory.objects.get(pk=memory.pk).due_at == memory.due_at


def test_a_card_added_later_reaches_learners_who_already_review_the_deck(
    deck, organisation, sophie, lea
):
    services.introduce_deck(deck, learner=lea)

    services.add_card(deck, by=sophie, front="to do", back="faire")

    assert selectors.reviews_due_count(lea, organisation, now=datetime.now(UTC)) == 4


def test_again_brings_a_card_back_sooner_than_easy(deck, organisation, lea):
    services.introduce_deck(deck, learner=lea)
    forgotten, known, _third = (m.card for m in CardMemory.objects.order_by("card__position"))

    with time_machine.travel(NINE, tick=False):
        again = services.review_card(forgotten, by=lea, rating=AGAIN)
        easy = services.review_card(known, by=lea, rating=EASY)

    assert again.due_at < NINE + timedelta(hours=1)
    assert easy.due_at >= NINE + timedelta(days=1)
    assert again.reviews == easy.reviews == 1
    assert again.last_reviewed_at == NINE


def test_a_card_known_well_comes_back_later_each_time(deck, lea):
    services.introduce_deck(deck, learner=lea)
    card = deck.cards.first()
    moment, gaps = NINE, []
    for _review in range(3):
        with time_machine.travel(moment, tick=False):
            memory = services.review_card(card, by=lea, rating=GOOD)
        gaps.append(memory.due_at - moment)
        moment = memory.due_at

    assert gaps[0] < gaps[1] < gaps[2]


def test_the_queue_holds_only_cards_due_now_most_overdue_first(deck, organisation, lea):
    with time_machine.travel(NINE, tick=False):
        services.introduce_deck(deck, learner=lea)
        first = deck.cards.first()
        services.review_card(first, by=lea, rating=EASY)

    queue = selectors.review_queue(lea, organisation, now=NINE + timedelta(hours=2))

    assert first.pk not in [memory.card_id for memory in queue]
    assert len(queue) == 2
    assert selectors.reviews_due_count(lea, organisation, now=NINE + timedelta(hours=2)) == 2
    assert selectors.next_review_at(lea, organisation, now=NINE + timedelta(hours=2)) > NINE


def test_the_queue_holds_only_this_organisations_cards(deck, organisation, other_organisation,
                                                       lea, oscar):
    add_member(other_organisation, lea, roles=["learner"])
    services.introduce_deck(make.deck_of(other_organisation, oscar, title="Horizon"), learner=lea)
    services.introduce_deck(deck, learner=lea)

    queue = selectors.review_queue(lea, organisation, now=datetime.now(UTC))

    assert {memory.card.deck for memory in queue} == {deck}
    assert selectors.reviews_due_count(lea, other_organisation, now=datetime.now(UTC)) == 3


def test_each_review_is_logged_and_recorded_as_a_learning_event(deck, organisation, lea):
    step = make.path_step_for(lea, organisation, deck=deck, reviews_required=2)
    services.introduce_deck(deck, learner=lea, path_step=step)
    card = deck.cards.first()

    services.review_card(card, by=lea, rating=HARD)

    review = CardReview.objects.get()
    assert (review.learner, review.card, review.rating, review.path_step) == (lea, card, 2, step)
    event = LearningEvent.objects.get(verb=Verb.REVIEWED_CARD)
    assert (event.actor, event.organisation) == (lea, organisation)
    assert (event.object_type, event.object_id) == ("assessments.card", str(card.pk))
    assert event.result == {"response": "hard"}
    assert event.context == {"deck": deck.pk, "path_step": step.pk}


def test_reviews_count_for_the_step_that_brought_the_deck(deck, organisation, lea):
    step = make.path_step_for(lea, organisation, deck=deck, reviews_required=2)
    services.introduce_deck(deck, learner=lea, path_step=step)
    for card in deck.cards.all()[:2]:
        services.review_card(card, by=lea, rating=GOOD)

    assert selectors.reviews_done(lea, deck, path_step=step) == 2
    assert selectors.reviews_done(lea, deck, path_step=None) == 2


def test_reviews_of_a_deck_met_outside_the_path_have_no_step(deck, lea):
    services.introduce_deck(deck, learner=lea)

    services.review_card(deck.cards.first(), by=lea, rating=GOOD)

    assert LearningEvent.objects.get(verb=Verb.REVIEWED_CARD).context["path_step"] is None


def test_a_rating_outside_one_to_four_is_refused(deck, lea):
    services.introduce_deck(deck, learner=lea)

    with pytest.raises(services.InvalidRating):
        services.review_card(deck.cards.first(), by=lea, rating=5)
    assert not CardReview.objects.exists()


def test_oscar_cannot_review_cards_of_another_organisation(deck, oscar):
    with pytest.raises(NotAllowed):
        services.review_card(deck.cards.first(), by=oscar, rating=GOOD)


def test_sophie_pastes_cards_one_a_line(deck, sophie):
    cards = services.add_cards_from_text(deck, by=sophie, text=(
        "to see ; voir\n\n  to know;savoir \nto say\tdire\n"))

    assert [(c.front, c.back) for c in cards] == [
        ("to see", "voir"), ("to know", "savoir"), ("to say", "dire")]
    assert list(deck.cards.values_list("position", flat=True)) == [0, 1, 2, 3, 4, 5]


def test_pasted_lines_that_are_not_cards_are_named_and_nothing_is_added(deck, sophie):
    with pytest.raises(services.InvalidCards) as refused:
        services.add_cards_from_text(deck, by=sophie, text="to see ; voir\nto know\n ; dire")

    assert "2, 3" in str(refused.value.message)
    assert deck.cards.count() == 3


def test_a_learner_cannot_write_cards(deck, lea):
    with pytest.raises(NotAllowed):
        services.add_card(deck, by=lea, front="to do", back="faire")
