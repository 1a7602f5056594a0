"""Question banks, quizzes and decks written by Sophie (manager), through the services."""

from datetime import date
from decimal import Decimal

from parcours.assessments import services
from parcours.assessments.models import QuestionKind
from parcours.catalog.models import Programme, StepKind
from parcours.journeys.models import Enrolment, PathStep


def choices(*texts: str, correct=(), feedback=None) -> list[dict]:
    """Choices in this order; `correct` names the right ones, `feedback` maps text to it."""
    feedback = feedback or {}
    return [{"text": text, "is_correct": text in correct, "feedback": feedback.get(text, ""),
             "position": position} for position, text in enumerate(texts)]


def single(bank, by, prompt="Capitale de la France ?", **extra):
    extra.setdefault("choices", choices("Paris", "Lyon", "Marseille", correct={"Paris"}))
    return services.add_question(bank, by=by, kind=QuestionKind.SINGLE_CHOICE, prompt=prompt,
                                 **extra)


def multiple(bank, by, prompt="Lesquels sont des verbes ?", **extra):
    extra.setdefault("choices", choices("manger", "table", "courir", correct={"manger",
                                                                              "courir"}))
    return services.add_question(bank, by=by, kind=QuestionKind.MULTIPLE_CHOICE, prompt=prompt,
                                 **extra)


def true_false(bank, by, prompt="Le soleil est une étoile.", statement_is_true=True, **extra):
    return services.add_question(bank, by=by, kind=QuestionKind.TRUE_FALSE, prompt=prompt,
                                 statement_is_true=statement_is_true, **extra)


def short(bank, by, prompt="Traduisez « summer ».", accepted=("été",), **extra):
    return services.add_question(bank, by=by, kind=QuestionKind.SHORT_ANSWER, prompt=prompt,
                                 accepted_answers=accepted, **extra)


def numeric(bank, by, prompt="Combien font 7 ÷ 2 ?", answer="3.5", tolerance="0", **extra):
    return services.add_question(bank, by=by, kind=QuestionKind.NUMERIC, prompt=prompt,
                                 numeric_answer=Decimal(answer), tolerance=Decimal(tolerance),
                                 **extra)


def ordering(bank, by, prompt="Dans l'ordre de la journée :", **extra):
    extra.setdefault("choices", choices("matin", "midi", "soir"))
    return services.add_question(bank, by=by, kind=QuestionKind.ORDERING, prompt=prompt,
                                 **extra)


def right_response(question):
    """What a learner who knows the answer sends."""
    kind = question.kind
    ids = [c.pk for c in question.choices.order_by("position", "id")]
    correct = [c.pk for c in question.choices.order_by("position", "id") if c.is_correct]
    if kind in {QuestionKind.SINGLE_CHOICE, QuestionKind.TRUE_FALSE}:
        return correct[0]
    if kind == QuestionKind.MULTIPLE_CHOICE:
        return correct
    if kind == QuestionKind.ORDERING:
        return ids
    if kind == QuestionKind.SHORT_ANSWER:
        return question.accepted_answers[0]
    return str(question.numeric_answer)


def wrong_response(question):
    kind = question.kind
    wrong = [c.pk for c in question.choices.order_by("position", "id") if not c.is_correct]
    if kind in {QuestionKind.SINGLE_CHOICE, QuestionKind.TRUE_FALSE}:
        return wrong[0]
    if kind == QuestionKind.MULTIPLE_CHOICE:
        return wrong
    if kind == QuestionKind.ORDERING:
        return list(reversed(right_response(question)))
    if kind == QuestionKind.SHORT_ANSWER:
        return "n'importe quoi"
    return "999"


def quiz_of(organisation, by, *, questions=3, title="Vocabulaire", **settings):
    """A quiz over a new bank of `questions` single-choice questions."""
    bank = services.create_bank(organisation, by=by, title=f"Banque {title}")
    for number in range(questions):
        single(bank, by, prompt=f"Question {number + 1}")
    return services.create_quiz(organisation, by=by, title=title, bank=bank, **settings)


def deck_of(organisation, by, *cards: tuple[str, str], title="Verbes irréguliers"):
    deck = services.create_deck(organisation, by=by, title=title, language="en")
    for front, back in cards or (("to go", "aller"), ("to be", "être"), ("to have", "avoir")):
        services.add_card(deck, by=by, front=front, back=back)
    return deck


def path_step_for(learner, organisation, *, quiz=None, deck=None, reviews_required=0):
    """A step of the learner's own path bringing this quiz or deck.

    Written straight to the tables: only the shape of a path step matters here, not how
    journeys builds one.
    """
    programme = Programme.objects.create(organisation=organisation, title="Anglais B1")
    enrolment = Enrolment.objects.create(organisation=organisation, programme=programme,
                                         learner=learner, start_on=date(2026, 9, 1),
                                         minutes_per_week=120)
    return PathStep.objects.create(
        enrolment=enrolment, position=0, title=quiz.title if quiz else deck.title,
        kind=StepKind.QUIZ if quiz else StepKind.LESSON, quiz=quiz, deck=deck,
        reviews_required=reviews_required,
    )
