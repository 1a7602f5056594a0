"""Quizzes and flashcards: what authors and learners do. Every write goes through here.

Authors (Permission.MANAGE_CATALOG) keep question banks, quizzes and flashcard decks of
their organisation. Learners (Permission.FOLLOW_OWN_PATH) take quizzes and review cards;
each of their actions records a learning event, which is how a quiz passed or cards
reviewed become evidence on their path (journeys subscribes to the verbs).
"""

import secrets
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from fsrs import Card as FsrsCard
from fsrs import Rating as FsrsRating
from fsrs import Scheduler

from parcours.accounts.models import Organisation, User
from parcours.accounts.selectors import require_permission
from parcours.assessments.marking import (
    CHOICE_KINDS,
    InvalidResponse,
    check_pattern,
    clean_response,
    mark_response,
)
from parcours.assessments.models import (
    Answer,
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
from parcours.catalog.models import StepKind
from parcours.core.errors import Conflict, DomainError, NotAllowed
from parcours.core.events import record_event
from parcours.core.models import Verb
from parcours.core.roles import Permission

# Answers sent this long after the deadline still count: the request left the learner's
# device in time, the network was slow. Later, only the answers saved before count.
GRACE = timedelta(seconds=5)

# Unpredictable draws and orders: a learner must not be able to guess the next attempt.
_random = secrets.SystemRandom()

SCHEDULER = Scheduler()

QUIZ_FIELDS = frozenset({"title", "bank", "pass_mark_percent", "max_attempts",
                         "time_limit_seconds", "shuffle_questions", "draw_count"})
CARD_TEXT_MAX_LENGTH = 500


class AttemptsExhausted(Conflict):
    default_message = _("You have used every attempt allowed at this quiz.")


class QuizHasNoQuestions(DomainError):
    default_message = _("This quiz has no questions yet. Ask your trainer to add some.")


class AttemptClosed(Conflict):
    default_message = _("This attempt has already been sent: its results are final.")


class TimeIsUp(Conflict):
    default_message = _("Time is up: answers can no longer be changed. Send the attempt to "
                        "see your results.")


class NotYourAttempt(NotAllowed):
    default_message = _("Only the person taking this attempt can answer it.")


class StepDoesNotFit(DomainError):
    default_message = _("This step of your path is not for this activity.")


class InvalidQuestion(DomainError):
    default_message = _("This question is not complete.")


class InvalidQuiz(DomainError):
    default_message = _("These quiz settings are not valid.")


class InUse(Conflict):
    default_message = _("This is in use and cannot be deleted.")


class InvalidCards(DomainError):
    default_message = _("These cards cannot be added.")


class InvalidRating(DomainError):
    default_message = _("Rate the card 1 (again), 2 (hard), 3 (good) or 4 (easy).")


def _require_author(by: User, organisation: Organisation) -> None:
    require_permission(by, organisation, Permission.MANAGE_CATALOG)


def _same_organisation(organisation: Organisation, *rows) -> None:
    if any(row.organisation_id != organisation.pk for row in rows):
        raise NotAllowed()


def _next_position(rows) -> int:
    highest = rows.aggregate(highest=Max("position"))["highest"]
    return 0 if highest is None else highest + 1


# Question banks and questions


@transaction.atomic
def create_bank(organisation: Organisation, *, by: User, title: str) -> QuestionBank:
    _require_author(by, organisation)
    return QuestionBank.objects.create(organisation=organisation, title=title.strip())


@transaction.atomic
def rename_bank(bank: QuestionBank, *, by: User, title: str) -> QuestionBank:
    _require_author(by, bank.organisation)
    bank.title = title.strip()
    bank.save(update_fields=["title", "updated_at"])
    return bank


@transaction.atomic
def delete_bank(bank: QuestionBank, *, by: User) -> None:
    _require_author(by, bank.organisation)
    if bank.quizzes.exists():
        raise InUse(_("Quizzes draw their questions from this bank: delete them or give "
                      "them another bank first."))
    bank.delete()


def _check_question(
    kind: str, *, choices: Sequence[Mapping[str, Any]], accepted_answers: Sequence[str],
    answer_is_pattern: bool, numeric_answer: Decimal | None, tolerance: Decimal, points: int,
    prompt: str,
) -> None:
    if kind not in QuestionKind.values:
        raise InvalidQuestion(_("Choose a kind of question."))
    if not prompt.strip():
        raise InvalidQuestion(_("Write the question."))
    if points < 1:
        raise InvalidQuestion(_("A question is worth at least one point."))
    if kind in CHOICE_KINDS | {QuestionKind.MULTIPLE_CHOICE, QuestionKind.ORDERING}:
        if len(choices) < 2:
            raise InvalidQuestion(_("Give at least two choices."))
        if any(len(choice["text"]) > 500 for choice in choices):
            raise InvalidQuestion(_("A choice has at most 500 characters."))
        correct = sum(1 for choice in choices if choice.get("is_correct"))
        if kind in CHOICE_KINDS and correct != 1:
            raise InvalidQuestion(_("Mark exactly one choice as the right answer."))
        if kind == QuestionKind.MULTIPLE_CHOICE and correct < 1:
            raise InvalidQuestion(_("Mark at least one choice as right."))
        positions = [choice["position"] for choice in choices]
        if kind == QuestionKind.ORDERING and len(set(positions)) != len(positions):
            raise InvalidQuestion(_("Give each item a different position: it is the right "
                                    "order."))
    if kind == QuestionKind.SHORT_ANSWER:
        if not accepted_answers:
            raise InvalidQuestion(_("Give at least one accepted answer."))
        if answer_is_pattern:
            for pattern in accepted_answers:
                check_pattern(pattern)
    if kind == QuestionKind.NUMERIC and numeric_answer is None:
        raise InvalidQuestion(_("Give the expected number."))
    if tolerance < 0:
        raise InvalidQuestion(_("The tolerance cannot be negative."))


def _true_false_choices(
    statement_is_true: bool | None, feedback_if_true: str, feedback_if_false: str,
    existing: list[Choice],
) -> list[dict]:
    if statement_is_true is None:
        raise InvalidQuestion(_("Say whether the statement is true or false."))
    ids = [choice.pk for choice in existing[:2]] + [None, None]
    return [
        {"id": ids[0], "text": gettext("True"), "is_correct": statement_is_true,
         "feedback": feedback_if_true, "position": 0},
        {"id": ids[1], "text": gettext("False"), "is_correct": not statement_is_true,
         "feedback": feedback_if_false, "position": 1},
    ]


def _clean_choices(choices: Iterable[Mapping[str, Any]]) -> list[dict]:
    cleaned = []
    for index, choice in enumerate(choices):
        text = (choice.get("text") or "").strip()
        if not text:
            continue
        position = choice.get("position")
        cleaned.append({
            "id": choice.get("id"),
            "text": text,
            "is_correct": bool(choice.get("is_correct")),
            "feedback": (choice.get("feedback") or "").strip(),
            "position": index if position is None else int(position),
        })
    return cleaned


def _save_choices(question: Question, choices: list[dict]) -> None:
    """Make the question's choices these: update the ones named by id, add, remove the rest.

    Ids are kept so that the answers of past attempts still point at their choice.
    """
    existing = {choice.pk: choice for choice in question.choices.all()}
    kept = set()
    for data in choices:
        choice = existing.get(data["id"]) if data["id"] is not None else None
        if choice is None:
            choice = Choice(question=question)
        for field in ("text", "is_correct", "feedback", "position"):
            setattr(choice, field, data[field])
        choice.save()
        kept.add(choice.pk)
    question.choices.exclude(pk__in=kept).delete()


def _write_question(
    question: Question, *, kind: str, prompt: str, explanation: str, points: int,
    position: int | None, choices: Iterable[Mapping[str, Any]], accepted_answers: Iterable[str],
    answer_is_pattern: bool, numeric_answer: Decimal | None, tolerance: Decimal | None,
    feedback_correct: str, feedback_incorrect: str, statement_is_true: bool | None,
    feedback_if_true: str, feedback_if_false: str,
) -> Question:
    existing_choices = list(question.choices.all()) if question.pk else []
    if kind == QuestionKind.TRUE_FALSE:
        cleaned_choices = _true_false_choices(statement_is_true, feedback_if_true,
                                              feedback_if_false, existing_choices)
    else:
        cleaned_choices = _clean_choices(choices)
    answers = [answer.strip() for answer in accepted_answers if answer and answer.strip()]
    tolerance = Decimal(0) if tolerance is None else tolerance
    _check_question(kind, choices=cleaned_choices, accepted_answers=answers,
                    answer_is_pattern=answer_is_pattern, numeric_answer=numeric_answer,
                    tolerance=tolerance, points=points, prompt=prompt)
    has_choices = kind not in {QuestionKind.SHORT_ANSWER, QuestionKind.NUMERIC}
    question.kind = kind
    question.prompt = prompt.strip()
    question.explanation = explanation.strip()
    question.points = points
    if position is not None:
        question.position = position
    question.accepted_answers = answers if kind == QuestionKind.SHORT_ANSWER else []
    question.answer_is_pattern = kind == QuestionKind.SHORT_ANSWER and answer_is_pattern
    question.numeric_answer = numeric_answer if kind == QuestionKind.NUMERIC else None
    question.tolerance = tolerance if kind == QuestionKind.NUMERIC else Decimal(0)
    question.feedback_correct = feedback_correct.strip()
    question.feedback_incorrect = feedback_incorrect.strip()
    question.save()
    _save_choices(question, cleaned_choices if has_choices else [])
    return question


@transaction.atomic
def add_question(
    bank: QuestionBank, *, by: User, kind: str, prompt: str, explanation: str = "",
    points: int = 1, position: int | None = None, choices: Iterable[Mapping[str, Any]] = (),
    accepted_answers: Iterable[str] = (), answer_is_pattern: bool = False,
    numeric_answer: Decimal | None = None, tolerance: Decimal | None = None,
    feedback_correct: str = "", feedback_incorrect: str = "",
    statement_is_true: bool | None = None, feedback_if_true: str = "",
    feedback_if_false: str = "",
) -> Question:
    """Add a question to a bank.

    `choices` (single, multiple, ordering): dicts with text, is_correct, feedback and
    position; ordering questions are right in the order of their positions. True or false
    questions take `statement_is_true` and the feedback for each answer instead: their two
    choices, "True" and "False", are made here.
    """
    _require_author(by, bank.organisation)
    if position is None:
        position = _next_position(bank.questions)
    return _write_question(
        Question(bank=bank), kind=kind, prompt=prompt, explanation=explanation, points=points,
        position=position, choices=choices, accepted_answers=accepted_answers,
        answer_is_pattern=answer_is_pattern, numeric_answer=numeric_answer,
        tolerance=tolerance, feedback_correct=feedback_correct,
        feedback_incorrect=feedback_incorrect, statement_is_true=statement_is_true,
        feedback_if_true=feedback_if_true, feedback_if_false=feedback_if_false,
    )


@transaction.atomic
def update_question(
    question: Question, *, by: User, prompt: str, explanation: str = "", points: int = 1,
    position: int | None = None, choices: Iterable[Mapping[str, Any]] = (),
    accepted_answers: Iterable[str] = (), answer_is_pattern: bool = False,
    numeric_answer: Decimal | None = None, tolerance: Decimal | None = None,
    feedback_correct: str = "", feedback_incorrect: str = "",
    statement_is_true: bool | None = None, feedback_if_true: str = "",
    feedback_if_false: str = "",
) -> Question:
    """Change a question (its kind stays). Choices with an `id` are updated in place."""
    _require_author(by, question.bank.organisation)
    return _write_question(
        question, kind=question.kind, prompt=prompt, explanation=explanation, points=points,
        position=position, choices=choices, accepted_answers=accepted_answers,
        answer_is_pattern=answer_is_pattern, numeric_answer=numeric_answer,
        tolerance=tolerance, feedback_correct=feedback_correct,
        feedback_incorrect=feedback_incorrect, statement_is_true=statement_is_true,
        feedback_if_true=feedback_if_true, feedback_if_false=feedback_if_false,
    )


@transaction.atomic
def delete_question(question: Question, *, by: User) -> None:
    _require_author(by, question.bank.organisation)
    question.delete()


# Quizzes


def _check_quiz(organisation: Organisation, fields: Mapping[str, Any]) -> None:
    if not (fields.get("title") or "").strip():
        raise InvalidQuiz(_("Give the quiz a title."))
    bank = fields.get("bank")
    if bank is None:
        raise InvalidQuiz(_("Choose the question bank the quiz draws from."))
    _same_organisation(organisation, bank)
    if not 0 <= fields.get("pass_mark_percent", 70) <= 100:
        raise InvalidQuiz(_("The pass mark is a percentage, from 0 to 100."))
    for name, message in (
        ("max_attempts", _("Allow at least one attempt, or leave the number empty.")),
        ("time_limit_seconds", _("A time limit is at least one second, or empty.")),
        ("draw_count", _("Draw at least one question, or leave the number empty.")),
    ):
        if fields.get(name) is not None and fields[name] < 1:
            raise InvalidQuiz(message)


@transaction.atomic
def create_quiz(
    organisation: Organisation, *, by: User, title: str, bank: QuestionBank,
    pass_mark_percent: int = 70, max_attempts: int | None = None,
    time_limit_seconds: int | None = None, shuffle_questions: bool = False,
    draw_count: int | None = None,
) -> Quiz:
    _require_author(by, organisation)
    fields = {"title": title.strip(), "bank": bank, "pass_mark_percent": pass_mark_percent,
              "max_attempts": max_attempts, "time_limit_seconds": time_limit_seconds,
              "shuffle_questions": shuffle_questions, "draw_count": draw_count}
    _check_quiz(organisation, fields)
    return Quiz.objects.create(organisation=organisation, **fields)


@transaction.atomic
def update_quiz(quiz: Quiz, *, by: User, **changes: Any) -> Quiz:
    """Change some of a quiz's settings (the keyword arguments of `create_quiz`).

    Attempts already started keep the questions they were given.
    """
    _require_author(by, quiz.organisation)
    unknown = set(changes) - QUIZ_FIELDS
    if unknown:
        raise TypeError(f"update_quiz() got unexpected fields {sorted(unknown)}")
    if "title" in changes:
        changes["title"] = changes["title"].strip()
    fields = {name: getattr(quiz, name) for name in QUIZ_FIELDS} | changes
    _check_quiz(quiz.organisation, fields)
    for name, value in changes.items():
        setattr(quiz, name, value)
    quiz.save()
    return quiz


@transaction.atomic
def delete_quiz(quiz: Quiz, *, by: User) -> None:
    _require_author(by, quiz.organisation)
    if quiz.attempts.exists():
        raise InUse(_("Learners have taken this quiz: their results must stay."))
    try:
        with transaction.atomic():
            quiz.delete()
    except ProtectedError as protected:
        raise InUse(_("Steps of programmes or paths use this quiz: remove it from them "
                      "first.")) from protected


# Attempts


def _check_step(path_step, *, learner: User, organisation: Organisation) -> None:
    enrolment = path_step.enrolment
    if enrolment.learner_id != learner.pk or enrolment.organisation_id != organisation.pk:
        raise NotAllowed(_("This step is not in your path."))


def time_is_up(attempt: Attempt, now: datetime | None = None) -> bool:
    """True once answers no longer count: after the deadline and its GRACE."""
    now = now or timezone.now()
    return attempt.deadline_at is not None and now > attempt.deadline_at + GRACE


def _context(attempt: Attempt) -> dict:
    return {"attempt": attempt.pk, "quiz": attempt.quiz_id, "path_step": attempt.path_step_id}


def _draw_questions(quiz: Quiz) -> list[int]:
    ids = list(quiz.bank.questions.order_by("position", "id").values_list("id", flat=True))
    if quiz.draw_count is not None and quiz.draw_count < len(ids):
        drawn = set(_random.sample(ids, quiz.draw_count))
        ids = [question_id for question_id in ids if question_id in drawn]
    if quiz.shuffle_questions:
        _random.shuffle(ids)
    return ids


def _given_questions(attempt: Attempt) -> list[Question]:
    """The questions of the attempt, in the order given; deleted ones are left out."""
    by_id = Question.objects.prefetch_related("choices").in_bulk(attempt.questions)
    return [by_id[question_id] for question_id in attempt.questions if question_id in by_id]


def _close_if_time_is_up(quiz: Quiz, learner: User, now: datetime) -> None:
    attempt = (Attempt.objects.select_for_update()
               .filter(quiz=quiz, learner=learner, submitted_at__isnull=True).first())
    if attempt is not None and time_is_up(attempt, now):
        _mark(attempt, now=now)


def start_attempt(quiz: Quiz, *, by: User, path_step=None) -> Attempt:
    """Start an attempt at a quiz, or carry on with the one in progress.

    An attempt whose time ran out is marked first, in its own transaction, so that it
    counts even when no attempt is left. `path_step`: the learner's own quiz step for this
    quiz, when the attempt is made for their path (its context then names the step).
    """
    require_permission(by, quiz.organisation, Permission.FOLLOW_OWN_PATH)
    if path_step is not None:
        _check_step(path_step, learner=by, organisation=quiz.organisation)
        if path_step.kind != StepKind.QUIZ or path_step.quiz_id != quiz.pk:
            raise StepDoesNotFit(_("This step of your path is not this quiz."))
    with transaction.atomic():
        _close_if_time_is_up(quiz, by, timezone.now())
    with transaction.atomic():
        return _start_or_resume(quiz, by, path_step)


def _start_or_resume(quiz: Quiz, learner: User, path_step) -> Attempt:
    now = timezone.now()
    attempt = (Attempt.objects.select_for_update()
               .filter(quiz=quiz, learner=learner, submitted_at__isnull=True).first())
    if attempt is not None:
        if path_step is not None and attempt.path_step_id != path_step.pk:
            attempt.path_step = path_step
            attempt.save(update_fields=["path_step"])
        return attempt
    used = Attempt.objects.filter(quiz=quiz, learner=learner).count()
    if quiz.max_attempts is not None and used >= quiz.max_attempts:
        raise AttemptsExhausted(ngettext(
            "You have used the only attempt allowed at this quiz.",
            "You have used all %(count)d attempts allowed at this quiz.",
            quiz.max_attempts) % {"count": quiz.max_attempts})
    questions = _draw_questions(quiz)
    if not questions:
        raise QuizHasNoQuestions()
    deadline = (now + timedelta(seconds=quiz.time_limit_seconds)
                if quiz.time_limit_seconds else None)
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                quiz=quiz, learner=learner, path_step=path_step, number=used + 1,
                questions=questions, started_at=now, deadline_at=deadline,
            )
    except IntegrityError:
        # The same learner started it twice at once (two tabs, a double click).
        return Attempt.objects.get(quiz=quiz, learner=learner, submitted_at__isnull=True)
    record_event(learner, Verb.LAUNCHED, quiz, organisation=quiz.organisation,
                 context=_context(attempt))
    return attempt


def _clean_responses(attempt: Attempt, questions: list[Question],
                     responses: Mapping[Any, Any]) -> dict[int, Any]:
    numbers = {question.pk: number for number, question in enumerate(questions, start=1)}
    by_id = {question.pk: question for question in questions}
    cleaned = {}
    for key, response in responses.items():
        try:
            question = by_id[int(key)]
        except (KeyError, TypeError, ValueError) as unknown:
            raise InvalidResponse(
                _("Question %(id)s is not part of this attempt.") % {"id": key}) from unknown
        try:
            cleaned[question.pk] = clean_response(question, response)
        except InvalidResponse as invalid:
            raise InvalidResponse(
                _("Question %(number)d: %(reason)s")
                % {"number": numbers[question.pk], "reason": invalid.message}) from invalid
    return cleaned


def _store_responses(attempt: Attempt, responses: Mapping[Any, Any]) -> None:
    cleaned = _clean_responses(attempt, _given_questions(attempt), responses)
    Answer.objects.bulk_create(
        [Answer(attempt=attempt, question_id=question_id, response=response)
         for question_id, response in cleaned.items()],
        update_conflicts=True, unique_fields=["attempt", "question"], update_fields=["response"],
    )


def _lock_open_attempt(attempt: Attempt, by: User) -> Attempt:
    if attempt.learner_id != by.pk:
        raise NotYourAttempt()
    attempt = (Attempt.objects.select_for_update(of=("self",))
               .select_related("quiz__organisation").get(pk=attempt.pk))
    if attempt.submitted_at is not None:
        raise AttemptClosed()
    return attempt


@transaction.atomic
def save_answers(attempt: Attempt, *, by: User, responses: Mapping[Any, Any]) -> Attempt:
    """Keep the learner's answers so far (autosave); refused once time is up.

    `responses` maps question ids to responses (marking.py says their shape per kind);
    None clears an answer. One response that does not fit refuses them all.
    """
    attempt = _lock_open_attempt(attempt, by)
    if time_is_up(attempt, timezone.now()):
        raise TimeIsUp()
    _store_responses(attempt, responses)
    return attempt


@transaction.atomic
def submit_attempt(attempt: Attempt, *, by: User,
                   responses: Mapping[Any, Any] | None = None) -> Attempt:
    """Send the attempt: mark every question given, unanswered ones as wrong.

    Responses sent with it count if they arrive before the deadline (plus GRACE); after
    that only the answers saved in time count: the server keeps the time, not the page.
    Records `passed` or `failed` for the quiz.
    """
    attempt = _lock_open_attempt(attempt, by)
    now = timezone.now()
    if responses is not None and not time_is_up(attempt, now):
        _store_responses(attempt, responses)
    return _mark(attempt, now=now)


def _mark(attempt: Attempt, *, now: datetime) -> Attempt:
    saved = {answer.question_id: answer for answer in attempt.answers.all()}
    questions = _given_questions(attempt)
    earned = total = 0
    changed, added = [], []
    for question in questions:
        answer = saved.get(question.pk)
        marking = mark_response(question, answer.response if answer else None)
        total += question.points
        earned += marking.points
        if answer is None:
            added.append(Answer(attempt=attempt, question=question, response=None,
                                is_correct=False, points_awarded=0))
        else:
            answer.is_correct, answer.points_awarded = marking.is_correct, marking.points
            changed.append(answer)
    Answer.objects.bulk_update(changed, ["is_correct", "points_awarded"])
    Answer.objects.bulk_create(added)
    score = (Decimal(earned * 100) / total).quantize(Decimal("0.01")) if total else Decimal(0)
    attempt.score_percent = score
    attempt.passed = score >= attempt.quiz.pass_mark_percent
    attempt.submitted_at = now
    attempt.save(update_fields=["score_percent", "passed", "submitted_at"])
    record_event(
        attempt.learner, Verb.PASSED if attempt.passed else Verb.FAILED, attempt.quiz,
        organisation=attempt.quiz.organisation,
        result={"score": float(score), "success": attempt.passed, "completion": True},
        context=_context(attempt),
    )
    return attempt


# Flashcard decks and cards


@transaction.atomic
def create_deck(organisation: Organisation, *, by: User, title: str, language: str = "") -> Deck:
    _require_author(by, organisation)
    return Deck.objects.create(organisation=organisation, title=title.strip(),
                               language=language.strip())


@transaction.atomic
def update_deck(deck: Deck, *, by: User, title: str, language: str = "") -> Deck:
    _require_author(by, deck.organisation)
    deck.title, deck.language = title.strip(), language.strip()
    deck.save(update_fields=["title", "language", "updated_at"])
    return deck


@transaction.atomic
def delete_deck(deck: Deck, *, by: User) -> None:
    _require_author(by, deck.organisation)
    if CardReview.objects.filter(card__deck=deck).exists():
        raise InUse(_("Learners are reviewing this deck: their reviews must stay."))
    deck.delete()


def _check_card(front: str, back: str) -> tuple[str, str]:
    front, back = front.strip(), back.strip()
    if not front or not back:
        raise InvalidCards(_("A card needs a front and a back."))
    if len(front) > CARD_TEXT_MAX_LENGTH or len(back) > CARD_TEXT_MAX_LENGTH:
        raise InvalidCards(_("Each side of a card has at most %(max)d characters.")
                           % {"max": CARD_TEXT_MAX_LENGTH})
    return front, back


def _new_memory(card: Card, learner_id: int, now: datetime, path_step_id=None) -> CardMemory:
    state = FsrsCard(card_id=card.pk, due=now).to_dict()
    return CardMemory(card=card, learner_id=learner_id, path_step_id=path_step_id,
                      fsrs_state=state, due_at=now)


def _introduce_to_current_learners(deck: Deck, cards: list[Card]) -> None:
    # Learners who already review the deck meet its new cards too, for the same step.
    now = timezone.now()
    learners = (CardMemory.objects.filter(card__deck=deck)
                .order_by("learner_id", "id").values_list("learner_id", "path_step_id"))
    steps = {}
    for learner_id, path_step_id in learners:
        steps.setdefault(learner_id, path_step_id)
    CardMemory.objects.bulk_create(
        [_new_memory(card, learner_id, now, path_step_id)
         for learner_id, path_step_id in steps.items() for card in cards],
        ignore_conflicts=True,
    )


@transaction.atomic
def add_card(deck: Deck, *, by: User, front: str, back: str) -> Card:
    _require_author(by, deck.organisation)
    front, back = _check_card(front, back)
    card = Card.objects.create(deck=deck, front=front, back=back,
                               position=_next_position(deck.cards))
    _introduce_to_current_learners(deck, [card])
    return card


def parse_cards(text: str) -> list[tuple[str, str]]:
    """Cards pasted one a line, "front ; back" (or front and back separated by a tab).

    Refuses the whole text, naming the lines, when a line is not a card.
    """
    cards, bad_lines = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        separator = "\t" if "\t" in line else ";"
        front, found, back = line.partition(separator)
        try:
            if not found:
                raise InvalidCards()
            cards.append(_check_card(front, back))
        except InvalidCards:
            bad_lines.append(str(number))
    if bad_lines:
        raise InvalidCards(ngettext(
            "Line %(lines)s is not a card: write “front ; back”, each side 500 characters "
            "at most.",
            "Lines %(lines)s are not cards: write “front ; back”, each side 500 characters "
            "at most.", len(bad_lines)) % {"lines": ", ".join(bad_lines)})
    if not cards:
        raise InvalidCards(_("Paste at least one card: “front ; back”, one a line."))
    return cards


@transaction.atomic
def add_cards_from_text(deck: Deck, *, by: User, text: str) -> list[Card]:
    """Add many cards at once, pasted one a line (see `parse_cards`)."""
    _require_author(by, deck.organisation)
    position = _next_position(deck.cards)
    cards = Card.objects.bulk_create(
        [Card(deck=deck, front=front, back=back, position=position + offset)
         for offset, (front, back) in enumerate(parse_cards(text))]
    )
    _introduce_to_current_learners(deck, cards)
    return cards


@transaction.atomic
def update_card(card: Card, *, by: User, front: str, back: str) -> Card:
    _require_author(by, card.deck.organisation)
    card.front, card.back = _check_card(front, back)
    card.save(update_fields=["front", "back"])
    return card


@transaction.atomic
def delete_card(card: Card, *, by: User) -> None:
    _require_author(by, card.deck.organisation)
    card.delete()


# Spaced repetition


@transaction.atomic
def introduce_deck(deck: Deck, *, learner: User, path_step=None) -> int:
    """The learner meets the cards of a deck: each new card is due for review now.

    Idempotent: cards already met keep their schedule. Returns how many were new.
    `path_step`: the step that brings the deck; reviews from the daily queue count for it.
    """
    require_permission(learner, deck.organisation, Permission.FOLLOW_OWN_PATH)
    if path_step is not None:
        _check_step(path_step, learner=learner, organisation=deck.organisation)
        CardMemory.objects.filter(learner=learner, card__deck=deck,
                                  path_step__isnull=True).update(path_step=path_step)
    now = timezone.now()
    known = set(CardMemory.objects.filter(learner=learner, card__deck=deck)
                .values_list("card_id", flat=True))
    step_id = path_step.pk if path_step is not None else None
    new = [_new_memory(card, learner.pk, now, step_id)
           for card in deck.cards.all() if card.pk not in known]
    CardMemory.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


@transaction.atomic
def review_card(card: Card, *, by: User, rating: int, path_step=None) -> CardMemory:
    """The learner recalled a card and rated how well (1 again … 4 easy).

    FSRS schedules the next review; the review is logged and recorded as `reviewed-card`,
    for `path_step` if given, else for the step that introduced the card.
    """
    organisation = card.deck.organisation
    require_permission(by, organisation, Permission.FOLLOW_OWN_PATH)
    try:
        rating = CardReview.Rating(int(rating))
    except (TypeError, ValueError) as invalid:
        raise InvalidRating() from invalid
    if path_step is not None:
        _check_step(path_step, learner=by, organisation=organisation)
        if path_step.deck_id != card.deck_id:
            raise StepDoesNotFit(_("This step of your path does not bring this deck."))
    now = timezone.now()
    memory = CardMemory.objects.select_for_update().filter(card=card, learner=by).first()
    if memory is None:
        memory = _new_memory(card, by.pk, now)
    if memory.path_step_id is None and path_step is not None:
        memory.path_step_id = path_step.pk
    scheduled, _log = SCHEDULER.review_card(
        FsrsCard.from_dict(memory.fsrs_state), FsrsRating(rating.value), review_datetime=now)
    memory.fsrs_state = scheduled.to_dict()
    memory.due_at = scheduled.due
    memory.last_reviewed_at = now
    memory.reviews += 1
    memory.save()
    step_id = path_step.pk if path_step is not None else memory.path_step_id
    CardReview.objects.create(card=card, learner=by, path_step_id=step_id, rating=rating,
                              reviewed_at=now)
    record_event(by, Verb.REVIEWED_CARD, card, organisation=organisation,
                 result={"response": rating.name.lower()},
                 context={"deck": card.deck_id, "path_step": step_id})
    return memory
