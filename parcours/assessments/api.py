"""REST endpoints of the assessments app, mounted under /api/v1/ by parcours.api.api.

Quiz attempts and flashcard reviews, with the same rules as the pages: the same selectors
find what the caller may see (another learner's attempt is a 404), the same services
decide (an attempt limit or a time limit gives 409 with the reason).
"""

from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from parcours.accounts.models import Organisation
from parcours.accounts.selectors import organisation_for
from parcours.api.errors import OutsideOrganisation
from parcours.api.schemas import Error, ValidationFailed
from parcours.assessments import selectors, services
from parcours.assessments.models import Attempt, CardMemory
from parcours.journeys.selectors import own_path_step

router = Router(tags=["assessments"])

REFUSALS = {401: Error, 403: Error, 404: Error}

RESPONSE_SHAPES = (
    "single and true_false: a choice id; multiple: a list of choice ids; ordering: the list "
    "of all its choice ids in order; short: text; numeric: a number or text such as "
    "\"3,5\"; null: no answer."
)


class AttemptStart(Schema):
    path_step: int | None = Field(
        None, description="The id of the caller's own quiz step this attempt is for.")


class AnswerIn(Schema):
    question: int = Field(description="A question id from the attempt's `questions`.")
    response: int | list[int] | str | float | None = Field(description=RESPONSE_SHAPES)


class AnswersIn(Schema):
    answers: list[AnswerIn]


class SubmitIn(Schema):
    answers: list[AnswerIn] | None = Field(
        None, description="Last answers, saved before marking if they arrive in time.")


class ChoiceOut(Schema):
    id: int
    text: str


class QuestionOut(Schema):
    id: int
    number: int = Field(description="Its place in this attempt, from 1.")
    kind: str = Field(description="single, multiple, true_false, short, numeric or ordering.")
    prompt: str
    points: int
    choices: list[ChoiceOut] = Field(description="As shown to the learner; items to order "
                                                 "come mixed.")
    response: Any = Field(None, description="The answer saved so far. " + RESPONSE_SHAPES)
    is_correct: bool | None = Field(None, description="Once the attempt is sent.")
    feedback: str | None = Field(None, description="Once the attempt is sent.")
    explanation: str | None = Field(None, description="Once the attempt is sent.")


class QuizRef(Schema):
    id: int
    title: str
    pass_mark_percent: int


class AttemptOut(Schema):
    id: int
    quiz: QuizRef
    learner: int = Field(description="The learner's user id.")
    number: int = Field(description="1 for the first attempt at this quiz, 2 for the next…")
    path_step: int | None
    started_at: datetime
    deadline_at: datetime | None = Field(
        description="Answers arriving later than a few seconds after it are not counted.")
    seconds_left: int | None
    submitted_at: datetime | None
    score_percent: float | None
    passed: bool | None
    attempts_left: int | None = Field(description="null: no limit.")
    questions: list[QuestionOut]


class DeckRef(Schema):
    id: int
    title: str
    language: str


class DueCard(Schema):
    card: int = Field(description="The card id, to post its review.")
    deck: DeckRef
    front: str
    back: str
    due_at: datetime


class ReviewQueue(Schema):
    count: int
    next_review_at: datetime | None = Field(
        description="When the next card falls due, when none is due now.")
    items: list[DueCard]


class ReviewIn(Schema):
    rating: int = Field(ge=1, le=4, description="1 again, 2 hard, 3 good, 4 easy.")
    path_step: int | None = Field(None, description="The caller's own step bringing the deck.")


class CardMemoryOut(Schema):
    card: int
    due_at: datetime = Field(description="When to review it next, as FSRS scheduled it.")
    reviews: int
    last_reviewed_at: datetime | None


def _organisation(request: HttpRequest, slug: str) -> Organisation:
    try:
        return organisation_for(request.auth, slug)
    except Http404 as outside:
        raise OutsideOrganisation() from outside


def _responses(answers: list[AnswerIn] | None) -> dict[int, Any] | None:
    if answers is None:
        return None
    return {answer.question: answer.response for answer in answers}


def _attempt_out(attempt: Attempt) -> dict:
    submitted = attempt.submitted_at is not None
    questions = []
    for view in selectors.attempt_sheet(attempt):
        question = {
            "id": view.question.pk, "number": view.number, "kind": view.kind,
            "prompt": view.question.prompt, "points": view.question.points,
            "choices": [{"id": choice.id, "text": choice.text} for choice in view.choices],
            "response": view.response,
        }
        if submitted:
            question |= {"is_correct": view.is_correct, "feedback": view.marking.feedback,
                         "explanation": view.question.explanation}
        questions.append(question)
    seconds_left = None
    if attempt.deadline_at is not None and not submitted:
        seconds_left = max(0, int((attempt.deadline_at - timezone.now()).total_seconds()))
    return {
        "id": attempt.pk,
        "quiz": {"id": attempt.quiz.pk, "title": attempt.quiz.title,
                 "pass_mark_percent": attempt.quiz.pass_mark_percent},
        "learner": attempt.learner_id, "number": attempt.number,
        "path_step": attempt.path_step_id, "started_at": attempt.started_at,
        "deadline_at": attempt.deadline_at, "seconds_left": seconds_left,
        "submitted_at": attempt.submitted_at,
        "score_percent": float(attempt.score_percent) if submitted else None,
        "passed": attempt.passed,
        "attempts_left": selectors.attempts_left(attempt.learner, attempt.quiz),
        "questions": questions,
    }


@router.post(
    "/organisations/{slug}/quizzes/{quiz_id}/attempts",
    response={201: AttemptOut, 400: Error, **REFUSALS, 409: Error, 422: ValidationFailed},
    summary="Start a quiz attempt", operation_id="start_attempt",
)
def start_attempt(request: HttpRequest, slug: str, quiz_id: int, payload: AttemptStart):
    """Start an attempt at a quiz, or carry on with the one in progress (same answer).

    Learners only. `409` when every attempt allowed is used; `404` for a quiz or a path
    step that is not the caller's to take.
    """
    organisation = _organisation(request, slug)
    quiz = selectors.quiz_for(request.auth, organisation, quiz_id)
    path_step = (own_path_step(request.auth, organisation, payload.path_step)
                 if payload.path_step is not None else None)
    attempt = services.start_attempt(quiz, by=request.auth, path_step=path_step)
    return Status(201, _attempt_out(attempt))


@router.get(
    "/organisations/{slug}/attempts/{attempt_id}", response={200: AttemptOut, **REFUSALS},
    summary="Get a quiz attempt", operation_id="get_attempt",
)
def get_attempt(request: HttpRequest, slug: str, attempt_id: int):
    """An attempt with its questions and saved answers; once sent, its score and each
    question's marking and feedback. The learner's own, or any in the organisation for
    coaches and managers who follow learners; `404` otherwise."""
    organisation = _organisation(request, slug)
    return _attempt_out(selectors.attempt_for(request.auth, organisation, attempt_id))


@router.put(
    "/organisations/{slug}/attempts/{attempt_id}/answers",
    response={200: AttemptOut, 400: Error, **REFUSALS, 409: Error, 422: ValidationFailed},
    summary="Save answers", operation_id="save_answers",
)
def save_answers(request: HttpRequest, slug: str, attempt_id: int, payload: AnswersIn):
    """Save some answers of an attempt in progress (the others stay as they were).

    `400` with the question's number when an answer does not fit its question; `409`
    once the attempt is sent or its time is up.
    """
    organisation = _organisation(request, slug)
    attempt = selectors.own_attempt(request.auth, organisation, attempt_id)
    attempt = services.save_answers(attempt, by=request.auth,
                                    responses=_responses(payload.answers))
    return _attempt_out(attempt)


@router.post(
    "/organisations/{slug}/attempts/{attempt_id}/submit",
    response={200: AttemptOut, 400: Error, **REFUSALS, 409: Error, 422: ValidationFailed},
    summary="Send an attempt", operation_id="submit_attempt",
)
def submit_attempt(request: HttpRequest, slug: str, attempt_id: int, payload: SubmitIn):
    """Send the attempt to be marked; unanswered questions count as wrong.

    After the deadline (and a few seconds' grace) the answers in the body are ignored:
    only those saved in time count. `409` if it was already sent.
    """
    organisation = _organisation(request, slug)
    attempt = selectors.own_attempt(request.auth, organisation, attempt_id)
    attempt = services.submit_attempt(attempt, by=request.auth,
                                      responses=_responses(payload.answers))
    return _attempt_out(attempt)


@router.get(
    "/organisations/{slug}/reviews", response={200: ReviewQueue, **REFUSALS},
    summary="List the cards due for review", operation_id="list_due_cards",
)
def list_due_cards(request: HttpRequest, slug: str):
    """The caller's flashcards due now, the most overdue first. Learners only."""
    organisation = _organisation(request, slug)
    now = timezone.now()
    queue: list[CardMemory] = selectors.review_queue(request.auth, organisation, now=now)
    return {
        "count": len(queue),
        "next_review_at": (None if queue else
                           selectors.next_review_at(request.auth, organisation, now=now)),
        "items": [{
            "card": memory.card_id,
            "deck": {"id": memory.card.deck.pk, "title": memory.card.deck.title,
                     "language": memory.card.deck.language},
            "front": memory.card.front, "back": memory.card.back, "due_at": memory.due_at,
        } for memory in queue],
    }


@router.post(
    "/organisations/{slug}/cards/{card_id}/reviews",
    response={201: CardMemoryOut, 400: Error, **REFUSALS, 422: ValidationFailed},
    summary="Review a card", operation_id="review_card",
)
def review_card(request: HttpRequest, slug: str, card_id: int, payload: ReviewIn):
    """Record how well the caller recalled a card; FSRS schedules its next review.

    `404` for a card the caller has not met (it is not among their reviews).
    """
    organisation = _organisation(request, slug)
    card = selectors.card_for_review(request.auth, organisation, card_id)
    path_step = (own_path_step(request.auth, organisation, payload.path_step)
                 if payload.path_step is not None else None)
    memory = services.review_card(card, by=request.auth, rating=payload.rating,
                                  path_step=path_step)
    return Status(201, {"card": memory.card_id, "due_at": memory.due_at,
                        "reviews": memory.reviews, "last_reviewed_at": memory.last_reviewed_at})
