"""Sophie writes question banks, quizzes and flashcard decks in her browser."""

from decimal import Decimal

import pytest
from django.urls import reverse

from parcours.assessments import services
from parcours.assessments.models import Card, Question, QuestionBank, Quiz
from parcours.assessments.tests import factories as make

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"assessments:{name}", args=["cap-avenir", *args])


def choice_rows(*rows, total=4):
    """The POST of the choices formset: rows of (text, is_correct, feedback, position)."""
    data = {"choices-TOTAL_FORMS": str(total), "choices-INITIAL_FORMS": "0"}
    for index, (text, is_correct, feedback, position) in enumerate(rows):
        data |= {f"choices-{index}-text": text, f"choices-{index}-feedback": feedback,
                 f"choices-{index}-position": str(position)}
        if is_correct:
            data[f"choices-{index}-is_correct"] = "on"
    return data


def test_sophie_creates_a_question_bank(sign_in, sophie):
    response = sign_in(sophie).post(url("bank_list"), {"title": "Anglais A2"})

    bank = QuestionBank.objects.get()
    assert bank.title == "Anglais A2"
    assert response["Location"] == url("bank_detail", bank.pk)


def test_sophie_adds_a_single_choice_question_with_feedback_per_choice(sign_in, sophie, bank):
    data = {"prompt": "Capitale ?", "points": "2", "explanation": "Depuis 987."} | choice_rows(
        ("Paris", True, "Oui.", 1), ("Lyon", False, "Non, Lyon est la 3e ville.", 2))

    response = sign_in(sophie).post(url("question_add", bank.pk, "single"), data)

    assert response["Location"] == url("bank_detail", bank.pk)
    question = Question.objects.get()
    assert (question.prompt, question.points, question.explanation) == ("Capitale ?", 2,
                                                                         "Depuis 987.")
    assert list(question.choices.values_list("text", "is_correct", "feedback")) == [
        ("Paris", True, "Oui."), ("Lyon", False, "Non, Lyon est la 3e ville.")]


def test_a_question_without_a_right_answer_is_refused_and_keeps_what_was_typed(
    sign_in, sophie, bank
):
    data = {"prompt": "Capitale ?", "points": "1"} | choice_rows(
        ("Paris", False, "", 1), ("Lyon", False, "", 2))

    response = sign_in(sophie).post(url("question_add", bank.pk, "single"), data)

    assert response.status_code == 400
    page = response.content.decode()
    assert "Mark exactly one choice as the right answer." in page
    assert 'value="Paris"' in page and "Capitale ?" in page
    assert not Question.objects.exists()


def test_sophie_writes_a_numeric_question_with_a_french_decimal_comma(sign_in, sophie, bank):
    client = sign_in(sophie)
    sophie.locale = "fr"
    sophie.save()

    client.post(url("question_add", bank.pk, "numeric"), {
        "prompt": "7 ÷ 2 ?", "points": "1", "numeric_answer": "3,5", "tolerance": "0,01"})

    question = Question.objects.get()
    assert (question.numeric_answer, question.tolerance) == (Decimal("3.5"), Decimal("0.01"))


def test_sophie_writes_a_true_or_false_question(sign_in, sophie, bank):
    sign_in(sophie).post(url("question_add", bank.pk, "true_false"), {
        "prompt": "Le soleil est une étoile.", "points": "1", "statement_is_true": "true",
        "feedback_if_false": "Si : une étoile naine."})

    question = Question.objects.get()
    true, false = question.choices.order_by("position")
    assert true.is_correct and not false.is_correct
    assert false.feedback == "Si : une étoile naine."


def test_a_dangerous_pattern_is_refused_on_the_field(sign_in, sophie, bank):
    response = sign_in(sophie).post(url("question_add", bank.pk, "short"), {
        "prompt": "?", "points": "1", "accepted_answers": "(a+)+b", "answer_is_pattern": "on"})

    assert response.status_code == 400
    assert "repeated group" in response.content.decode()


def test_editing_a_question_shows_its_values_and_saves_changes(sign_in, sophie, bank):
    question = make.short(bank, sophie, accepted=("été", "l'été"))
    client = sign_in(sophie)

    page = client.get(url("question_edit", question.pk)).content.decode()
    client.post(url("question_edit", question.pk), {
        "prompt": "Traduisez « summer ».", "points": "1", "accepted_answers": "été\nun été"})

    assert "l&#x27;été" in page
    question.refresh_from_db()
    assert question.accepted_answers == ["été", "un été"]


def test_an_unknown_kind_of_question_is_a_404(sign_in, sophie, bank):
    assert sign_in(sophie).get(url("question_add", bank.pk, "essay")).status_code == 404


def test_sophie_creates_a_quiz_with_a_time_limit_in_minutes(sign_in, sophie, bank):
    make.single(bank, sophie)

    response = sign_in(sophie).post(url("quiz_list"), {
        "title": "Test final", "bank": bank.pk, "pass_mark_percent": "80", "max_attempts": "3",
        "time_limit_minutes": "20", "draw_count": "10", "shuffle_questions": "on"})

    assert response.status_code == 302
    quiz = Quiz.objects.get()
    assert (quiz.pass_mark_percent, quiz.max_attempts, quiz.time_limit_seconds,
            quiz.draw_count, quiz.shuffle_questions) == (80, 3, 1200, 10, True)


def test_a_pass_mark_above_100_is_refused(sign_in, sophie, bank):
    response = sign_in(sophie).post(url("quiz_list"), {
        "title": "Test", "bank": bank.pk, "pass_mark_percent": "120"})

    assert response.status_code == 400
    assert not Quiz.objects.exists()


def test_sophie_edits_a_quiz(sign_in, sophie, organisation):
    quiz = make.quiz_of(organisation, sophie)

    sign_in(sophie).post(url("quiz_edit", quiz.pk), {
        "title": "Vocabulaire 2", "bank": quiz.bank_id, "pass_mark_percent": "60"})

    quiz.refresh_from_db()
    assert (quiz.title, quiz.pass_mark_percent, quiz.max_attempts) == ("Vocabulaire 2", 60,
                                                                        None)


def test_a_quiz_that_learners_took_is_not_deleted(sign_in, sophie, lea, organisation):
    quiz = make.quiz_of(organisation, sophie)
    services.start_attempt(quiz, by=lea)

    response = sign_in(sophie).post(url("quiz_delete", quiz.pk), follow=True)

    assert "Learners have taken this quiz" in response.content.decode()
    assert Quiz.objects.exists()


def test_sophie_adds_cards_one_by_one_and_by_pasting(sign_in, sophie, organisation):
    deck = services.create_deck(organisation, by=sophie, title="Verbes")
    client = sign_in(sophie)

    client.post(url("deck_detail", deck.pk), {"action": "add", "card-front": "to go",
                                              "card-back": "aller"})
    client.post(url("deck_detail", deck.pk), {"action": "paste",
                                              "paste-text": "to be ; être\nto have ; avoir"})

    assert list(deck.cards.values_list("front", "back")) == [
        ("to go", "aller"), ("to be", "être"), ("to have", "avoir")]


def test_a_pasted_line_without_a_back_is_named_and_the_text_stays(sign_in, sophie,
                                                                  organisation):
    deck = services.create_deck(organisation, by=sophie, title="Verbes")

    response = sign_in(sophie).post(url("deck_detail", deck.pk), {
        "action": "paste", "paste-text": "to be ; être\nto have"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "Line 2 is not a card" in page
    assert "to be ; être" in page
    assert not Card.objects.exists()


def test_sophie_edits_and_deletes_a_card(sign_in, sophie, organisation):
    deck = make.deck_of(organisation, sophie)
    card = deck.cards.get(front="to go")
    client = sign_in(sophie)

    client.post(url("card_edit", card.pk), {"front": "to go", "back": "aller, se rendre"})
    client.post(url("card_delete", deck.cards.get(front="to be").pk))

    card.refresh_from_db()
    assert card.back == "aller, se rendre"
    assert list(deck.cards.values_list("front", flat=True)) == ["to go", "to have"]


# Who may author


@pytest.mark.parametrize("name", ["bank_list", "quiz_list", "deck_list"])
def test_lea_a_learner_cannot_open_authoring_pages(sign_in, lea, name):
    assert sign_in(lea).get(url(name)).status_code == 403


def test_karim_a_coach_cannot_edit_a_question(sign_in, karim, sophie, bank):
    question = make.single(bank, sophie)
    client = sign_in(karim)

    assert client.get(url("question_edit", question.pk)).status_code == 403
    assert client.post(url("question_delete", question.pk)).status_code == 403
    assert Question.objects.exists()


def test_oscar_gets_404_on_cap_avenirs_authoring_pages(sign_in, oscar, sophie, bank,
                                                       organisation):
    question = make.single(bank, sophie)
    deck = make.deck_of(organisation, sophie)
    client = sign_in(oscar)

    for page in (url("bank_list"), url("bank_detail", bank.pk), url("question_edit", question.pk),
                 url("deck_detail", deck.pk), url("quiz_list")):
        assert client.get(page).status_code == 404


def test_a_manager_of_another_organisation_cannot_reach_a_bank_through_her_own(
    sign_in, oscar, sophie, bank
):
    question = make.single(bank, sophie)

    page = sign_in(oscar).get(reverse("assessments:question_edit",
                                      args=["horizon", question.pk]))

    assert page.status_code == 404
