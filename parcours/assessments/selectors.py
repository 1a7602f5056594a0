"""Reads about quizzes, attempts and flashcards, each with its access check built in.

Outsiders never reach these: pages and the API resolve the organisation first
(`organisation_for`, a 404 or a 403). Here, a row of another organisation, or another
learner's attempt, is a 404 too.
"""

import random
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import Organisation, User
from parcours.accounts.selectors import require_permission, roles_in
from parcours.assessments.marking import Marking, mark_response
from parcours.assessments.models import (
    Attempt,
    Card,
    CardMemory,
    CardReview,
    Choice,
    Deck,
    Question,
    QuestionBank,
    QuestionKind,
    Quiz,
)
from parcours.core.roles import Permission, roles_allow

# Authoring


def banks_for_author(user: User, organisation: Organisation) -> list[QuestionBank]:
    """The organisation's question banks, each with its number of questions."""
    require_permission(user, organisation, Permission.MANAGE_CATALOG)
    return list(QuestionBank.objects.filter(organisation=organisation)
                .annotate(question_count=Count("questions")).order_by("title", "id"))


def bank_for_author(user: User, organisation: Organisation, bank_id: int) -> QuestionBank:
    require_permission(user, organisation, Permission.MANAGE_CATALOG)
    try:
        return QuestionBank.objects.select_related("organisation").get(
            pk=bank_id, organisation=organisation)
    except QuestionBank.DoesNotExist as missing:
        raise Http404(_("No such question bank.")) from missing


def questions_of(bank: QuestionBank) -> list[Question]:
    """A bank's questions in order, with their choices (two queries)."""
    return list(bank.questions.prefetch_related("choices").order_by("position", "id"))


def question_for_author(user: User, organisation: Organisation, question_id: int) -> Question:
    require_permission(user, organisation, Permission.MANAGE_CATALOG)
    try:
        return (Question.objects.select_related("bank__organisation")
                .prefetch_related("choices")
                .get(pk=question_id, bank__organisation=organisation))
    except Question.DoesNotExist as missing:
        raise Http404(_("No such question.")) from missing


def quizzes_for_author(user: User, organisation: Organisation) -> list[Quiz]:
    """The organisation's quizzes with their bank and number of attempts."""
    require_permission(user, organisation, Permission.MANAGE_CATALOG)
    return list(Quiz.objects.filter(organisation=organisation).select_related("bank")
                .annotate(attempt_count=Count("attempts")).order_by("title", "id"))


def quiz_for_author(user: User, organisation: Organisation, quiz_id: int) -> Quiz:
    require_permission(user, organisation, Permission.MANAGE_CATALOG)
    return _quiz(organisation, quiz_id)


def decks_for_author(user: User, organisation: Organisation) -> list[Deck]:
    """The organisation's flashcard decks, each with its number of cards."""
    require_permission(user, organisation, Permission.MANAGE_CATALOG)
    return list(Deck.objects.filter(organisation=organisation)
                .annotate(card_count=Count("cards")).order_by("title", "id"))


def deck_for_author(user: User, organisation: Organisation, deck_id: int) -> Deck:
    require_permission(user, organisation, Permission.MANAGE_CATALOG)
    try:
        return Deck.objects.select_related("organisation").get(pk=deck_id,
                                                                organisation=organisation)
    except Deck.DoesNotExist as missing:
        raise Http404(_("No such deck.")) from missing


def card_for_author(user: User, organisation: Organisation, card_id: int) -> Card:
    require_permission(user, organisation, Permission.MANAGE_CATALOG)
    try:
        return Card.objects.select_related("deck__organisation").get(
            pk=card_id, deck__organisation=organisation)
    except Card.DoesNotExist as missing:
        raise Http404(_("No such card.")) from missing


# Quizzes and attempts


def _quiz(organisation: Organisation, quiz_id: int) -> Quiz:
    try:
        return Quiz.objects.select_related("organisation", "bank").get(
            pk=quiz_id, organisation=organisation)
    except Quiz.DoesNotExist as missing:
        raise Http404(_("No such quiz.")) from missing


def quiz_for(user: User, organisation: Organisation, quiz_id: int) -> Quiz:
    """A quiz of the organisation, for any member with a role there."""
    require_permission(user, organisation, Permission.BROWSE_CATALOG)
    return _quiz(organisation, quiz_id)


def _attempts() -> QuerySet[Attempt]:
    return Attempt.objects.select_related("quiz__organisation", "learner", "path_step")


def attempt_for(user: User, organisation: Organisation, attempt_id: int) -> Attempt:
    """An attempt the person may read: their own, or any in the organisation for the
    coaches and managers who follow learners. Anyone else's is a 404."""
    attempts = _attempts().filter(pk=attempt_id, quiz__organisation=organisation)
    if not roles_allow(roles_in(user, organisation), Permission.FOLLOW_LEARNERS):
        attempts = attempts.filter(learner=user)
    try:
        return attempts.get()
    except Attempt.DoesNotExist as missing:
        raise Http404(_("No such attempt.")) from missing


def own_attempt(user: User, organisation: Organisation, attempt_id: int) -> Attempt:
    """One of the person's own attempts: only they can answer it."""
    require_permission(user, organisation, Permission.FOLLOW_OWN_PATH)
    try:
        return _attempts().get(pk=attempt_id, quiz__organisation=organisation, learner=user)
    except Attempt.DoesNotExist as missing:
        raise Http404(_("No such attempt.")) from missing


def attempts_of(learner: User, quiz: Quiz, path_step=None) -> list[Attempt]:
    """A learner's attempts at a quiz, latest first; only those for `path_step` if given."""
    attempts = Attempt.objects.filter(learner=learner, quiz=quiz)
    if path_step is not None:
        attempts = attempts.filter(path_step=path_step)
    return list(attempts.order_by("-number"))


def attempts_left(learner: User, quiz: Quiz) -> int | None:
    """How many more attempts the learner may start; None when there is no limit.

    An attempt in progress is not "left": it is carried on, not started.
    """
    if quiz.max_attempts is None:
        return None
    return max(0, quiz.max_attempts - Attempt.objects.filter(learner=learner, quiz=quiz).count())


@dataclass
class ChoiceView:
    id: int
    text: str
    feedback: str
    picked: bool = False


@dataclass
class QuestionView:
    """One question of an attempt as the learner sees it, with their answer."""

    number: int
    question: Question
    choices: list[ChoiceView]
    response: Any = None
    is_correct: bool | None = None
    marking: Marking | None = None
    response_text: str = ""
    order: list[ChoiceView] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.question.kind

    @property
    def answered(self) -> bool:
        return self.response is not None

    @property
    def picked_texts(self) -> list[str]:
        return [choice.text for choice in self.choices if choice.picked]


def _display_choices(attempt: Attempt, question: Question) -> list[Choice]:
    choices = sorted(question.choices.all(), key=lambda choice: (choice.position, choice.id))
    if question.kind != QuestionKind.ORDERING or len(choices) < 2:
        return choices
    # Items to put in order are shown mixed, the same way every time the page loads (a
    # seeded shuffle, not a secret), and never already in the right order.
    mixed = list(choices)
    random.Random(f"{attempt.pk}:{question.pk}").shuffle(mixed)  # noqa: S311
    if mixed == choices:
        mixed = mixed[1:] + mixed[:1]
    return mixed


def _choice_text(question: Question, choice: Choice) -> str:
    if question.kind == QuestionKind.TRUE_FALSE:
        # Shown in the reader's language, whatever the author's was.
        return str(_("True") if choice.position == 0 else _("False"))
    return choice.text


def attempt_sheet(attempt: Attempt) -> list[QuestionView]:
    """The attempt's questions in the order given, with the answers saved so far and,
    once sent, each marking with its feedback. Three queries, whatever the size."""
    by_id = (Question.objects.prefetch_related(
        Prefetch("choices", queryset=Choice.objects.order_by("position", "id")))
        .in_bulk(attempt.questions))
    answers = {answer.question_id: answer for answer in attempt.answers.all()}
    submitted = attempt.submitted_at is not None
    sheet = []
    for question_id in attempt.questions:
        question = by_id.get(question_id)
        if question is None:
            continue
        answer = answers.get(question_id)
        response = answer.response if answer is not None else None
        texts = {choice.id: _choice_text(question, choice) for choice in question.choices.all()}
        view = QuestionView(
            number=len(sheet) + 1, question=question, response=response,
            choices=[ChoiceView(choice.id, texts[choice.id], choice.feedback)
                     for choice in _display_choices(attempt, question)],
        )
        picked = set(response if isinstance(response, list) else [response])
        for choice in view.choices:
            choice.picked = choice.id in picked
        if question.kind == QuestionKind.ORDERING and isinstance(response, list):
            view.order = [ChoiceView(i, texts[i], "") for i in response if i in texts]
        if question.kind in {QuestionKind.SHORT_ANSWER, QuestionKind.NUMERIC}:
            view.response_text = response or ""
        if submitted:
            view.is_correct = answer.is_correct if answer is not None else False
            view.marking = mark_response(question, response)
        sheet.append(view)
    return sheet


# Spaced repetition


def _memories(user: User, organisation: Organisation) -> QuerySet[CardMemory]:
    return CardMemory.objects.filter(learner=user, card__deck__organisation=organisation)


def review_queue(user: User, organisation: Organisation, *, now: datetime,
                 deck: Deck | None = None) -> list[CardMemory]:
    """The person's cards due for review in this organisation, the most overdue first."""
    require_permission(user, organisation, Permission.FOLLOW_OWN_PATH)
    memories = _memories(user, organisation).filter(due_at__lte=now)
    if deck is not None:
        memories = memories.filter(card__deck=deck)
    return list(memories.select_related("card__deck").order_by("due_at", "id"))


def reviews_due_count(user: User, organisation: Organisation, *, now: datetime) -> int:
    """How many of the person's cards are due now (0 for anyone without cards)."""
    return _memories(user, organisation).filter(due_at__lte=now).count()


def next_review_at(user: User, organisation: Organisation, *, now: datetime) -> datetime | None:
    """When the person's next card falls due, after now."""
    memory = (_memories(user, organisation).filter(due_at__gt=now)
              .order_by("due_at").only("due_at").first())
    return memory.due_at if memory is not None else None


def reviews_done(learner: User, deck: Deck, *, path_step) -> int:
    """How many times the learner reviewed the deck's cards for this path step (all their
    reviews of the deck when `path_step` is None)."""
    reviews = CardReview.objects.filter(learner=learner, card__deck=deck)
    if path_step is not None:
        reviews = reviews.filter(path_step=path_step)
    return reviews.count()


def card_for_review(user: User, organisation: Organisation, card_id: int) -> Card:
    """A card the person has met (it has a memory of theirs), for reviewing it."""
    require_permission(user, organisation, Permission.FOLLOW_OWN_PATH)
    try:
        return Card.objects.select_related("deck__organisation").get(
            pk=card_id, deck__organisation=organisation, memories__learner=user)
    except Card.DoesNotExist as missing:
        raise Http404(_("This card is not among your reviews.")) from missing

