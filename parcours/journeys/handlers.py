"""Evidence from elsewhere: a passed quiz, reviewed flashcards, attendance at a live
session. assessments records what happened (`passed`, `failed`, `reviewed-card`, with
`"path_step"` in the context), classroom records `attended` (with the catalogue `"step"`
and the `"learner"` in the context), and these handlers turn it into evidence on the
learner's own step.

They run inside the transaction of the event: an event that does not fit (another
learner's step, another quiz, another organisation) is ignored, never raised on, so
that it cannot undo the learner's attempt or review.
"""

import logging

from django.utils import timezone

from parcours.assessments.selectors import reviews_done
from parcours.catalog.models import StepKind
from parcours.core.events import on_event
from parcours.core.models import LearningEvent, Verb
from parcours.journeys.models import Evidence, EvidenceKind, PathStep, PathStepStatus
from parcours.journeys.services._common import locked_step, touch
from parcours.journeys.services.evidence import _complete_if_proven

logger = logging.getLogger(__name__)


def _step_of(event: LearningEvent) -> PathStep | None:
    """The path step the event was for, if it belongs to the event's actor."""
    path_step_id = (event.context or {}).get("path_step")
    if not path_step_id or event.actor_id is None:
        return None
    try:
        step = locked_step(int(path_step_id))
    except (PathStep.DoesNotExist, TypeError, ValueError):
        return None
    enrolment = step.enrolment
    if enrolment.learner_id != event.actor_id or enrolment.organisation_id != event.organisation_id:
        logger.warning("Event %s names path step %s of someone else; ignored.", event.pk, step.pk)
        return None
    return step


@on_event(Verb.PASSED, Verb.FAILED)
def quiz_attempt_marked(event: LearningEvent) -> None:
    """A passed attempt at the step's own quiz, at or above its pass mark, completes it."""
    step = _step_of(event)
    if step is None:
        return
    touch(step.enrolment, event.occurred_at)
    context, result = event.context or {}, event.result or {}
    if event.verb != Verb.PASSED or step.kind != StepKind.QUIZ:
        return
    if context.get("quiz") is not None and context["quiz"] != step.quiz_id:
        return
    score = result.get("score")
    below_pass_mark = (isinstance(score, int | float) and step.quiz is not None
                       and score < step.quiz.pass_mark_percent)
    if result.get("success") is False or below_pass_mark:
        return
    if step.status != PathStepStatus.TODO:
        return
    Evidence.objects.create(
        path_step=step, kind=EvidenceKind.QUIZ_PASSED, recorded_by=event.actor,
        recorded_at=event.occurred_at or timezone.now(),
        details={"score": score, "attempt": context.get("attempt")})
    _complete_if_proven(step)


@on_event(Verb.REVIEWED_CARD)
def card_reviewed(event: LearningEvent) -> None:
    """Reviewing `reviews_required` cards of the step's deck is evidence (a lesson's)."""
    step = _step_of(event)
    if step is None:
        return
    touch(step.enrolment, event.occurred_at)
    deck_id = (event.context or {}).get("deck")
    if not step.reviews_required or step.deck_id is None or (
            deck_id is not None and deck_id != step.deck_id):
        return
    if step.evidence.filter(kind=EvidenceKind.CARDS_REVIEWED).exists():
        return
    reviews = reviews_done(step.enrolment.learner, step.deck, path_step=step)
    if reviews < step.reviews_required:
        return
    Evidence.objects.create(
        path_step=step, kind=EvidenceKind.CARDS_REVIEWED, recorded_by=event.actor,
        recorded_at=event.occurred_at or timezone.now(),
        details={"reviews": reviews, "deck": step.deck_id})
    _complete_if_proven(step)


@on_event(Verb.ATTENDED)
def session_attended(event: LearningEvent) -> None:
    """Attendance at a session of a live-session step completes the learner's copy of it.

    The actor is usually the trainer who took attendance: the learner is
    `context.learner`, the programme step `context.step`. One attended slot is enough.
    """
    context = event.context or {}
    step_id, learner_id = context.get("step"), context.get("learner")
    if not step_id or not learner_id:
        return
    steps = (PathStep.objects.select_for_update(of=("self",))
             .select_related("enrolment__programme", "enrolment__learner",
                             "enrolment__organisation")
             .filter(source_step_id=step_id, kind=StepKind.LIVE_SESSION,
                     status=PathStepStatus.TODO, enrolment__learner_id=learner_id,
                     enrolment__organisation_id=event.organisation_id))
    for step in steps:
        touch(step.enrolment, event.occurred_at)
        Evidence.objects.create(
            path_step=step, kind=EvidenceKind.ATTENDANCE, recorded_by=event.actor,
            recorded_at=event.occurred_at or timezone.now(),
            details={"session": context.get("session"), "slot": context.get("slot"),
                     "minutes": (event.result or {}).get("duration_minutes")})
        _complete_if_proven(step)
