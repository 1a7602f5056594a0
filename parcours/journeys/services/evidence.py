"""Evidence: what proves a step done. These functions are the only road to `done`, and
they all go through `_complete_if_proven`, which reads the rule of the step's kind.

- lesson: engaged time of at least `min_engaged_seconds` (when a minimum is set, or when
  the lesson has no other evidence: then opening it is enough), or the check question
  answered right, or `reviews_required` card reviews (journeys.handlers);
- quiz: an attempt at or above the pass mark (journeys.handlers, on `passed`);
- assignment: a submission accepted by a coach;
- checkpoint: a coach's validation;
- external: the learner's declaration, plus a coach's confirmation when
  `needs_coach_confirmation`;
- live session: attendance noted for a slot of a session of that step (journeys.handlers,
  on `attended`).
"""

from pathlib import PurePath
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parcours.accounts.models import User
from parcours.catalog.models import StepKind
from parcours.core.errors import Conflict, DomainError
from parcours.core.events import record_event
from parcours.core.models import Verb
from parcours.journeys.models import (
    Enrolment,
    Evidence,
    EvidenceKind,
    PathStep,
    PathStepStatus,
    Submission,
    SubmissionStatus,
)
from parcours.journeys.progress import all_required_finished
from parcours.journeys.services._common import (
    StepAlreadyDone,
    WrongKind,
    event_context,
    own_step,
    require_todo,
    reviewed_step,
    touch,
)

HEARTBEAT_MAX_SECONDS = 30
MAX_SUBMISSION_BYTES = 20 * 1024 * 1024
SUBMISSION_EXTENSIONS = frozenset({
    "pdf", "odt", "ods", "odp", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "rtf", "txt",
    "md", "csv", "png", "jpg", "jpeg", "gif", "webp", "mp3", "m4a", "ogg", "wav",
})


class HeartbeatInvalid(DomainError):
    default_message = gettext_lazy("Send a number of seconds of zero or more.")


class NoCheckQuestion(WrongKind):
    default_message = gettext_lazy("This step has no check question.")


class SubmissionEmpty(DomainError):
    default_message = gettext_lazy("Write your answer or attach a file.")


class SubmissionFileRefused(DomainError):
    default_message = gettext_lazy("This file cannot be sent.")


class SubmissionWaiting(Conflict):
    default_message = gettext_lazy(
        "Your previous version is waiting for review: you can send a new one once your "
        "coach has reviewed it.")


class AlreadyReviewed(Conflict):
    default_message = gettext_lazy("This submission has already been reviewed.")


class FeedbackRequired(DomainError):
    default_message = gettext_lazy("Tell the learner what to change.")


class AlreadyDeclared(Conflict):
    default_message = gettext_lazy(
        "You have already declared this activity done: your coach will confirm it.")


class NotDeclared(DomainError):
    default_message = gettext_lazy("The learner has not declared this activity done yet.")


def _as_json(value: Any) -> Any:
    """The learner's answer as stored in the event and the evidence: JSON, whatever the
    form gave (a Decimal from a number field becomes its text)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_as_json(item) for item in value]
    return str(value)


def _require_kind(step: PathStep, kind: str, message: str) -> None:
    if step.kind != kind:
        raise WrongKind(message)


def _add_evidence(step: PathStep, kind: str, *, by: User | None, comment: str = "",
                  **details: Any) -> Evidence:
    return Evidence.objects.create(path_step=step, kind=kind, details=details, comment=comment,
                                   recorded_by=by, recorded_at=timezone.now())


def time_is_evidence(step: PathStep) -> bool:
    """Engaged time proves a lesson when a minimum is set, or when nothing else can."""
    return step.kind == StepKind.LESSON and (
        step.min_engaged_seconds > 0
        or (step.check_question_id is None and not step.reviews_required))


def _proven(step: PathStep) -> bool:
    kinds = set(step.evidence.values_list("kind", flat=True))
    if step.kind == StepKind.LESSON:
        return bool(kinds & {EvidenceKind.ENGAGED_TIME, EvidenceKind.CHECK_ANSWERED,
                             EvidenceKind.CARDS_REVIEWED})
    if step.kind == StepKind.QUIZ:
        return EvidenceKind.QUIZ_PASSED in kinds
    if step.kind == StepKind.ASSIGNMENT:
        return EvidenceKind.SUBMISSION_ACCEPTED in kinds
    if step.kind == StepKind.CHECKPOINT:
        return EvidenceKind.COACH_VALIDATION in kinds
    if step.kind == StepKind.EXTERNAL:
        return EvidenceKind.DECLARATION in kinds and (
            not step.needs_coach_confirmation or EvidenceKind.COACH_CONFIRMATION in kinds)
    if step.kind == StepKind.LIVE_SESSION:
        return EvidenceKind.ATTENDANCE in kinds
    # Appointments are completed by the coaching feature.
    return False


def _complete_if_proven(path_step: PathStep) -> bool:
    """Mark the step done if its evidence is all there: the one place a step becomes done.

    Records `completed` for the step and, when it was the last required one, completes
    the enrolment and records `completed` for the programme. The actor is the learner:
    the achievement is theirs, whoever gave the last piece of evidence.
    """
    if path_step.status != PathStepStatus.TODO or not _proven(path_step):
        return False
    path_step.status = PathStepStatus.DONE
    path_step.completed_at = timezone.now()
    path_step.save(update_fields=["status", "completed_at", "updated_at"])
    enrolment = path_step.enrolment
    record_event(enrolment.learner, Verb.COMPLETED, path_step,
                 organisation=enrolment.organisation, result={"completion": True},
                 context=event_context(enrolment, path_step))
    complete_enrolment_if_finished(enrolment)
    return True


def complete_enrolment_if_finished(enrolment: Enrolment) -> bool:
    """Complete the enrolment once every required step is done or skipped."""
    if enrolment.completed_at is not None:
        return False
    if not all_required_finished(list(enrolment.steps.only("required", "status"))):
        return False
    enrolment.completed_at = timezone.now()
    Enrolment.objects.filter(pk=enrolment.pk).update(completed_at=enrolment.completed_at)
    record_event(enrolment.learner, Verb.COMPLETED, enrolment.programme,
                 organisation=enrolment.organisation, result={"completion": True},
                 context=event_context(enrolment))
    return True


def _started(step: PathStep, now) -> None:
    if step.started_at is None:
        step.started_at = now
        step.save(update_fields=["started_at", "updated_at"])


# The learner


@transaction.atomic
def record_heartbeat(path_step: PathStep, *, by: User, seconds: int) -> PathStep:
    """The learner's page was visible for `seconds` since its previous heartbeat.

    Pages send one when a step opens (`seconds=0`) and then every few seconds while the
    tab is visible. A beat counts at most the time really elapsed since the previous one,
    and at most HEARTBEAT_MAX_SECONDS: a script claiming ten minutes in one call gets
    nothing more than the seconds that actually passed. The first beat starts the step
    (`launched`). A lesson whose engaged time proves it is completed when the time reaches
    its minimum (`progressed`, once). Returns the step as it is now.
    """
    step = own_step(path_step, by)
    if isinstance(seconds, bool) or not isinstance(seconds, int) or seconds < 0:
        raise HeartbeatInvalid()
    enrolment = step.enrolment
    now = timezone.now()
    first = step.last_heartbeat_at is None
    if first:
        credited = 0
        record_event(by, Verb.LAUNCHED, step, organisation=enrolment.organisation,
                     context=event_context(enrolment, step))
    else:
        elapsed = max((now - step.last_heartbeat_at).total_seconds(), 0)
        credited = int(min(seconds, HEARTBEAT_MAX_SECONDS, elapsed))
    before = step.engaged_seconds
    step.engaged_seconds += credited
    step.last_heartbeat_at = now
    step.started_at = step.started_at or now
    step.save(update_fields=["engaged_seconds", "last_heartbeat_at", "started_at", "updated_at"])
    touch(enrolment, now)
    reached = step.engaged_seconds >= step.min_engaged_seconds
    crossed = reached and (first or before < step.min_engaged_seconds)
    if crossed and step.status == PathStepStatus.TODO and time_is_evidence(step):
        record_event(by, Verb.PROGRESSED, step, organisation=enrolment.organisation,
                     result={"duration_minutes": step.engaged_seconds // 60},
                     context=event_context(enrolment, step))
        _add_evidence(step, EvidenceKind.ENGAGED_TIME, by=by, seconds=step.engaged_seconds)
        _complete_if_proven(step)
    return step


@transaction.atomic
def answer_check_question(path_step: PathStep, *, by: User, response: Any):
    """The learner answers a lesson's check question; a right answer completes the lesson.

    Returns the marking (`is_correct`, `points`, `feedback`) from `assessments.marking`.
    """
    from parcours.assessments.marking import mark_response

    step = own_step(path_step, by)
    if step.kind != StepKind.LESSON or step.check_question_id is None:
        raise NoCheckQuestion()
    marking = mark_response(step.check_question, response)
    response = _as_json(response)
    enrolment = step.enrolment
    now = timezone.now()
    _started(step, now)
    touch(enrolment, now)
    record_event(by, Verb.ANSWERED, step, organisation=enrolment.organisation,
                 result={"success": marking.is_correct, "response": response},
                 context=event_context(enrolment, step, question=step.check_question_id))
    if marking.is_correct and step.status == PathStepStatus.TODO:
        _add_evidence(step, EvidenceKind.CHECK_ANSWERED, by=by,
                      question=step.check_question_id, response=response)
        _complete_if_proven(step)
    return marking


def check_submission_file(file: Any) -> None:
    """At most 20 MB, and a type a coach can open safely (documents, images, audio)."""
    size = getattr(file, "size", None) or 0
    if size == 0:
        raise SubmissionFileRefused(_("The file is empty."))
    if size > MAX_SUBMISSION_BYTES:
        raise SubmissionFileRefused(_("The file is too large: at most 20 MB."))
    extension = PurePath(getattr(file, "name", "") or "").suffix.lower().lstrip(".")
    if extension not in SUBMISSION_EXTENSIONS:
        raise SubmissionFileRefused(
            _("Send a document, an image or a sound file (%(extensions)s).")
            % {"extensions": ", ".join(sorted(SUBMISSION_EXTENSIONS))})


@transaction.atomic
def submit_assignment(path_step: PathStep, *, by: User, text: str = "",
                      file: Any = None) -> Submission:
    """The learner sends their work for an assignment: text, a file, or both.

    A coach reviews it (`review_submission`); only an accepted submission completes it.
    """
    step = own_step(path_step, by)
    _require_kind(step, StepKind.ASSIGNMENT,
                  _("Only assignments take a submission: this step is completed another way."))
    if step.status == PathStepStatus.DONE:
        raise StepAlreadyDone(_("Your work for this step has already been accepted."))
    require_todo(step)
    text = (text or "").strip()
    if not text and not file:
        raise SubmissionEmpty()
    if file:
        check_submission_file(file)
    if step.submissions.filter(status=SubmissionStatus.SUBMITTED).exists():
        raise SubmissionWaiting()
    submission = Submission(path_step=step, text=text)
    if file:
        submission.file = file
    try:
        with transaction.atomic():
            submission.save()
    except IntegrityError as clash:  # a second tab sent it at the same moment
        raise SubmissionWaiting() from clash
    enrolment = step.enrolment
    now = timezone.now()
    _started(step, now)
    touch(enrolment, now)
    record_event(by, Verb.SUBMITTED, step, organisation=enrolment.organisation,
                 context=event_context(enrolment, step, submission=submission.pk))
    return submission


@transaction.atomic
def declare_external_done(path_step: PathStep, *, by: User, note: str = "") -> PathStep:
    """The learner says they did an external activity. That completes it, unless the step
    asks for a coach's confirmation (`confirm_external`)."""
    step = own_step(path_step, by)
    _require_kind(step, StepKind.EXTERNAL,
                  _("Only external activities are declared done by the learner."))
    require_todo(step)
    if step.evidence.filter(kind=EvidenceKind.DECLARATION).exists():
        raise AlreadyDeclared()
    enrolment = step.enrolment
    now = timezone.now()
    _started(step, now)
    touch(enrolment, now)
    _add_evidence(step, EvidenceKind.DECLARATION, by=by, comment=(note or "").strip())
    record_event(by, Verb.DECLARED, step, organisation=enrolment.organisation,
                 context=event_context(enrolment, step))
    _complete_if_proven(step)
    return step


# The coach


@transaction.atomic
def review_submission(submission: Submission, *, by: User, accept: bool,
                      feedback: str = "") -> Submission:
    """A coach accepts the work (the step is done) or asks for changes (feedback needed)."""
    submission = (Submission.objects.select_for_update(of=("self",))
                  .select_related("path_step").get(pk=submission.pk))
    step = reviewed_step(submission.path_step, by)
    submission.path_step = step
    if submission.status != SubmissionStatus.SUBMITTED:
        raise AlreadyReviewed()
    feedback = (feedback or "").strip()
    if not accept and not feedback:
        raise FeedbackRequired()
    enrolment = step.enrolment
    submission.status = SubmissionStatus.ACCEPTED if accept else SubmissionStatus.CHANGES_REQUESTED
    submission.feedback = feedback
    submission.reviewed_by = by
    submission.reviewed_at = timezone.now()
    submission.save(update_fields=["status", "feedback", "reviewed_by", "reviewed_at",
                                   "updated_at"])
    context = event_context(enrolment, step, submission=submission.pk)
    if accept:
        _add_evidence(step, EvidenceKind.SUBMISSION_ACCEPTED, by=by, comment=feedback,
                      submission=submission.pk)
        record_event(by, Verb.ACCEPTED, step, organisation=enrolment.organisation,
                     result={"success": True}, context=context)
        _complete_if_proven(step)
    else:
        record_event(by, Verb.RETURNED, step, organisation=enrolment.organisation,
                     result={"success": False}, context=context)
    return submission


@transaction.atomic
def validate_checkpoint(path_step: PathStep, *, by: User, comment: str = "") -> PathStep:
    """A coach validates a checkpoint (a review meeting, a skills check): it is done."""
    step = reviewed_step(path_step, by)
    _require_kind(step, StepKind.CHECKPOINT, _("Only checkpoints are validated by a coach."))
    require_todo(step)
    enrolment = step.enrolment
    _add_evidence(step, EvidenceKind.COACH_VALIDATION, by=by, comment=(comment or "").strip())
    record_event(by, Verb.VALIDATED, step, organisation=enrolment.organisation,
                 result={"success": True}, context=event_context(enrolment, step))
    _complete_if_proven(step)
    return step


@transaction.atomic
def confirm_external(path_step: PathStep, *, by: User, comment: str = "") -> PathStep:
    """A coach confirms the external activity the learner declared done."""
    step = reviewed_step(path_step, by)
    _require_kind(step, StepKind.EXTERNAL,
                  _("Only external activities are confirmed by a coach."))
    require_todo(step)
    if not step.evidence.filter(kind=EvidenceKind.DECLARATION).exists():
        raise NotDeclared()
    enrolment = step.enrolment
    _add_evidence(step, EvidenceKind.COACH_CONFIRMATION, by=by, comment=(comment or "").strip())
    record_event(by, Verb.VALIDATED, step, organisation=enrolment.organisation,
                 result={"success": True},
                 context=event_context(enrolment, step, evidence=EvidenceKind.COACH_CONFIRMATION))
    _complete_if_proven(step)
    return step

