"""A script takes quizzes and reviews cards through the API, under the pages' rules."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from parcours.accounts.tests.factories import member
from parcours.assessments import services
from parcours.assessments.models import Attempt, CardReview
from parcours.assessments.tests import factories as make

pytestmark = pytest.mark.django_db

API = "/api/v1/organisations/cap-avenir"
NINE = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


@pytest.fixture
def quiz(bank, organisation, sophie):
    make.single(bank, sophie, prompt="Capitale ?", explanation="Depuis 987.",
                choices=make.choices("Paris", "Lyon", correct={"Paris"},
                                     feedback={"Lyon": "Non."}))
    make.numeric(bank, sophie, prompt="7 ÷ 2 ?")
    return services.create_quiz(organisation, by=sophie, title="Culture", bank=bank,
                                pass_mark_percent=50, max_attempts=1)


def answers(attempt_json, **by_prompt):
    """[{"question": id, "response": …}] from the questions' prompts."""
    result = []
    for question in attempt_json["questions"]:
        if question["prompt"] in by_prompt:
            wanted = by_prompt[question["prompt"]]
            if question["choices"]:
                wanted = next(c["id"] for c in question["choices"] if c["text"] == wanted)
            result.append({"question": question["id"], "response": wanted})
    return result


def test_lea_starts_answers_and_sends_an_attempt(api_as, lea, quiz):
    caller = api_as(lea)

    started = caller.post(f"{API}/quizzes/{quiz.pk}/attempts")
    attempt = started.json()
    saved = caller.put(f"{API}/attempts/{attempt['id']}/answers",
                       {"answers": answers(attempt, **{"7 ÷ 2 ?": "3,5"})})
    sent = caller.post(f"{API}/attempts/{attempt['id']}/submit",
                       {"answers": answers(attempt, **{"Capitale ?": "Lyon"})})

    assert started.status_code == 201
    assert [q["prompt"] for q in attempt["questions"]] == ["Capitale ?", "7 ÷ 2 ?"]
    assert saved.status_code == 200
    assert saved.json()["questions"][1]["response"] == "3,5"
    result = sent.json()
    assert sent.status_code == 200
    assert (result["score_percent"], result["passed"], result["attempts_left"]) == (50.0, True, 0)
    capital = result["questions"][0]
    assert (capital["is_correct"], capital["feedback"], capital["explanation"]) == (
        False, "Non.", "Depuis 987.")


def test_answers_are_hidden_until_the_attempt_is_sent(api_as, lea, quiz):
    attempt = api_as(lea).post(f"{API}/quizzes/{quiz.pk}/attempts").json()

    assert all(q["is_correct"] is None and q["feedback"] is None and q["explanation"] is None
               for q in attempt["questions"])


def test_an_answer_that_does_not_fit_gets_400_naming_the_question(api_as, lea, quiz):
    caller = api_as(lea)
    attempt = caller.post(f"{API}/quizzes/{quiz.pk}/attempts").json()
    capital = attempt["questions"][0]["id"]

    response = caller.put(f"{API}/attempts/{attempt['id']}/answers",
                          {"answers": [{"question": capital, "response": "Paris"}]})

    assert response.status_code == 400
    assert response.json()["detail"].startswith("Question 1")


def test_starting_beyond_the_attempts_allowed_gets_409_with_the_reason(api_as, lea, quiz):
    caller = api_as(lea)
    attempt = caller.post(f"{API}/quizzes/{quiz.pk}/attempts").json()
    caller.post(f"{API}/attempts/{attempt['id']}/submit")

    response = caller.post(f"{API}/quizzes/{quiz.pk}/attempts")

    assert response.status_code == 409
    assert response.json()["detail"]
    assert Attempt.objects.count() == 1


def test_answers_saved_after_the_time_limit_get_409(api_as, lea, bank, organisation, sophie):
    make.single(bank, sophie)
    quiz = services.create_quiz(organisation, by=sophie, title="Chrono", bank=bank,
                                time_limit_seconds=60)
    caller = api_as(lea)
    with time_machine.travel(NINE, tick=False):
        attempt = caller.post(f"{API}/quizzes/{quiz.pk}/attempts").json()
    question = attempt["questions"][0]

    with time_machine.travel(NINE + timedelta(minutes=2), tick=False):
        response = caller.put(f"{API}/attempts/{attempt['id']}/answers", {"answers": [
            {"question": question["id"], "response": question["choices"][0]["id"]}]})

    assert attempt["seconds_left"] == 60
    assert response.status_code == 409


def test_the_attempt_can_be_started_for_leas_own_quiz_step(api_as, lea, quiz, organisation):
    step = make.path_step_for(lea, organisation, quiz=quiz)

    response = api_as(lea).post(f"{API}/quizzes/{quiz.pk}/attempts", {"path_step": step.pk})

    assert response.json()["path_step"] == step.pk


def test_karim_reads_leas_attempt_but_cannot_answer_it(api_as, lea, karim, quiz):
    attempt = services.start_attempt(quiz, by=lea)
    caller = api_as(karim)

    assert caller.get(f"{API}/attempts/{attempt.pk}").json()["learner"] == lea.pk
    assert caller.post(f"{API}/attempts/{attempt.pk}/submit").status_code == 403


def test_another_learner_gets_404_on_leas_attempt(api_as, lea, quiz, organisation):
    attempt = services.start_attempt(quiz, by=lea)
    caller = api_as(member(organisation, "learner"))

    assert caller.get(f"{API}/attempts/{attempt.pk}").status_code == 404
    assert caller.post(f"{API}/attempts/{attempt.pk}/submit").status_code == 404


def test_oscar_gets_403_on_another_organisation(api_as, oscar, lea, quiz):
    attempt = services.start_attempt(quiz, by=lea)
    caller = api_as(oscar)

    assert caller.get(f"{API}/attempts/{attempt.pk}").status_code == 403
    assert caller.post(f"{API}/quizzes/{quiz.pk}/attempts").status_code == 403
    assert caller.get(f"{API}/reviews").status_code == 403


def test_anonymous_callers_get_401(client, quiz):
    assert client.post(f"{API}/quizzes/{quiz.pk}/attempts").status_code == 401
    assert client.get(f"{API}/reviews").status_code == 401


def test_a_coach_cannot_start_an_attempt(api_as, karim, quiz):
    response = api_as(karim).post(f"{API}/quizzes/{quiz.pk}/attempts")

    assert response.status_code == 403
    assert response.json()["detail"]


# Reviews


def test_lea_lists_her_due_cards_and_reviews_one(api_as, lea, organisation, sophie):
    deck = make.deck_of(organisation, sophie)
    services.introduce_deck(deck, learner=lea)
    caller = api_as(lea)

    queue = caller.get(f"{API}/reviews").json()
    first = queue["items"][0]
    reviewed = caller.post(f"{API}/cards/{first['card']}/reviews", {"rating": 4})

    assert queue["count"] == 3
    assert (first["front"], first["back"], first["deck"]["title"]) == (
        "to go", "aller", "Verbes irréguliers")
    assert reviewed.status_code == 201
    assert reviewed.json()["reviews"] == 1
    assert caller.get(f"{API}/reviews").json()["count"] == 2
    assert CardReview.objects.get().rating == 4


def test_a_rating_out_of_range_gets_422(api_as, lea, organisation, sophie):
    deck = make.deck_of(organisation, sophie)
    services.introduce_deck(deck, learner=lea)

    response = api_as(lea).post(f"{API}/cards/{deck.cards.first().pk}/reviews", {"rating": 7})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "rating"


def test_a_card_lea_has_not_met_gets_404(api_as, lea, organisation, sophie):
    deck = make.deck_of(organisation, sophie)

    response = api_as(lea).post(f"{API}/cards/{deck.cards.first().pk}/reviews", {"rating": 3})

    assert response.status_code == 404
