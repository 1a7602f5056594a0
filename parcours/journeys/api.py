"""REST endpoints of the journeys app, mounted under /api/v1/ by parcours.api.api.

Enrolments, each learner's path with its progress and evidence, the learner's actions on
their own steps (heartbeats, check answers, submissions, declarations) and the coach's
(reviews, validations, confirmations, adaptations). Every endpoint is an interface: it
loads through `journeys.selectors` (the access check) and calls one `journeys.services`
function (the rules), exactly as the pages do.
"""

from datetime import date, datetime
from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile
from pydantic import model_validator

from parcours.accounts.models import Organisation
from parcours.accounts.selectors import organisation_for
from parcours.api import schemas
from parcours.api.errors import OutsideOrganisation
from parcours.catalog import selectors as catalog_selectors
from parcours.catalog.models import StepKind
from parcours.journeys import progress, selectors, services
from parcours.journeys.models import Enrolment, PathStep, Submission
from parcours.journeys.services.enrolment import MAX_MINUTES_PER_WEEK

router = Router(tags=["journeys"])

REFUSALS = {401: schemas.Error, 403: schemas.Error, 404: schemas.Error}
ACTION_ERRORS = {**REFUSALS, 400: schemas.Error, 409: schemas.Error,
                 422: schemas.ValidationFailed}


# What the API reads and writes


class Person(Schema):
    id: int
    display_name: str
    email: str


class ProgrammeRef(Schema):
    id: int
    title: str


class NextStep(Schema):
    path_step: int = Field(description="The id of the step to do now.")
    title: str
    reason_code: str = Field(description="moved_by_coach, overdue, due_soon, unlocked or "
                                         "next_in_path.", examples=["moved_by_coach"])
    reason: str = Field(description="Why, for the learner, in the caller's language.",
                        examples=["Your coach moved this step earlier: your interview is "
                                  "on Thursday"])


class EvidenceOut(Schema):
    kind: str = Field(examples=["submission_accepted"])
    recorded_at: datetime
    recorded_by: str | None = Field(description="Who gave it (their name).")
    comment: str
    details: dict[str, Any] = Field(description="Seconds engaged, score and attempt, "
                                                "submission id, reviews…")


class SubmissionOut(Schema):
    id: int
    path_step: int
    status: str = Field(description="submitted, accepted or changes_requested.")
    text: str
    file_name: str = Field(description="The attached file's name, empty when none.")
    feedback: str
    created_at: datetime
    reviewed_at: datetime | None
    reviewed_by: str | None


class PathStepOut(Schema):
    id: int
    position: int
    module_title: str
    kind: str = Field(examples=["lesson"])
    title: str
    body: str = Field(description="Markdown.")
    video_url: str
    external_url: str
    estimated_minutes: int
    required: bool
    status: str = Field(description="todo, done or skipped.")
    planned_on: date | None = Field(description="Planned at the learner's pace.")
    due_on: date | None
    started_at: datetime | None
    completed_at: datetime | None
    prerequisites: list[int] = Field(description="Ids of the steps to finish first.")
    engaged_seconds: int
    min_engaged_seconds: int
    has_check_question: bool
    quiz: int | None
    deck: int | None
    reviews_required: int
    needs_coach_confirmation: bool
    adapted: bool = Field(description="A coach changed this step for this learner.")
    added_by_coach: bool
    change_reason: str
    change_message: str = Field(description="What the learner reads about the coach's last "
                                            "change, with the reason.")
    evidence: list[EvidenceOut]
    submissions: list[SubmissionOut]


class EnrolmentOut(Schema):
    id: int
    programme: ProgrammeRef
    learner: Person
    start_on: date
    minutes_per_week: int = Field(description="The learner's pace.")
    programme_version: int
    status: str = Field(description="on_track, behind, at_risk or completed.")
    progress_percent: int = Field(description="Required steps done or skipped, in percent.")
    next_step: NextStep | None
    created_at: datetime
    completed_at: datetime | None
    last_activity_at: datetime | None


class EnrolmentDetail(EnrolmentOut):
    steps: list[PathStepOut]


class EnrolmentPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[EnrolmentOut]


class EnrolmentQuery(Schema):
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)
    programme: int | None = Field(None, description="Only this programme's enrolments.")
    learner: int | None = Field(None, description="Only this learner's enrolments.")


class EnrolmentRequest(Schema):
    programme: int
    learners: list[int] | None = Field(
        None, min_length=1,
        description="Ids of the learners to enrol (coaches, trainers, managers). Leave it "
                    "out to enrol yourself, when the programme allows it.")
    start_on: date
    minutes_per_week: int = Field(ge=1, le=MAX_MINUTES_PER_WEEK,
                                  description="Time available per week, in minutes.")


class HeartbeatRequest(Schema):
    seconds: int = Field(ge=0, le=600, description="Seconds the page was visible since the "
                                                   "previous heartbeat; 0 when it opens.")


class CheckAnswerRequest(Schema):
    response: Any = Field(description="A choice id, a list of choice ids, a text or a "
                                      "number, depending on the question.")


class CheckAnswerOut(Schema):
    correct: bool
    feedback: str
    step: PathStepOut


class NoteRequest(Schema):
    note: str = Field("", max_length=2000)


class CommentRequest(Schema):
    comment: str = Field("", max_length=2000)


class ReviewRequest(Schema):
    accept: bool
    feedback: str = Field("", max_length=5000, description="Required to ask for changes.")


class StepAdaptationRequest(Schema):
    kind: Literal["pull_forward", "push_back", "skip", "change_due_date"]
    reason: str = Field(max_length=2000, description="Why: the learner reads it.")
    due_on: date | None = Field(None, description="change_due_date: the new due date; "
                                                  "null removes it.")


class StepContentIn(Schema):
    kind: str = Field(None, description=f"One of: {', '.join(StepKind.values)}.")
    title: str = Field(None, max_length=200)
    body: str = ""
    video_url: str = ""
    external_url: str = ""
    estimated_minutes: int = 15
    required: bool = True
    min_engaged_seconds: int = Field(0, ge=0)
    needs_coach_confirmation: bool = False
    due_on: date | None = None


class PathAdaptationRequest(Schema):
    kind: Literal["insert", "reorder"]
    reason: str = Field(max_length=2000, description="Why: the learner reads it.")
    position: int | None = Field(None, description="insert: where the step goes, 1 first.")
    from_step: int | None = Field(None, description="insert: a programme step to copy.")
    step: StepContentIn | None = Field(None, description="insert: a step written on the "
                                                         "spot (or changes to the copy).")
    order: list[int] | None = Field(None, description="reorder: the ids of every step "
                                                      "still to do, in their new order.")

    @model_validator(mode="after")
    def has_what_its_kind_needs(self):
        if self.kind == "insert" and self.position is None:
            raise ValueError(_("Say where the step goes (position)."))
        if self.kind == "insert" and self.from_step is None and self.step is None:
            raise ValueError(_("Copy a programme step (from_step) or write one (step)."))
        if self.kind == "reorder" and not self.order:
            raise ValueError(_("Give the new order of the steps still to do."))
        return self


# From rows to JSON


def _organisation(request: HttpRequest, slug: str) -> Organisation:
    try:
        return organisation_for(request.auth, slug)
    except Http404 as outside:
        raise OutsideOrganisation() from outside


def _name(user) -> str | None:
    return str(user) if user is not None else None


def _submission_out(submission: Submission) -> dict:
    return {
        "id": submission.pk,
        "path_step": submission.path_step_id,
        "status": submission.status,
        "text": submission.text,
        "file_name": submission.file.name.rsplit("/", 1)[-1] if submission.file else "",
        "feedback": submission.feedback,
        "created_at": submission.created_at,
        "reviewed_at": submission.reviewed_at,
        "reviewed_by": _name(submission.reviewed_by),
    }


def _step_out(step: PathStep) -> dict:
    return {
        **{name: getattr(step, name) for name in (
            "id", "position", "module_title", "kind", "title", "body", "video_url",
            "external_url", "estimated_minutes", "required", "status", "planned_on", "due_on",
            "started_at", "completed_at", "engaged_seconds", "min_engaged_seconds",
            "reviews_required", "needs_coach_confirmation", "adapted", "added_by_coach",
            "change_reason")},
        "prerequisites": [needed.pk for needed in step.prerequisites.all()],
        "has_check_question": step.check_question_id is not None,
        "quiz": step.quiz_id,
        "deck": step.deck_id,
        "change_message": progress.coach_change_text(step),
        "evidence": [
            {"kind": evidence.kind, "recorded_at": evidence.recorded_at,
             "recorded_by": _name(evidence.recorded_by), "comment": evidence.comment,
             "details": evidence.details}
            for evidence in step.evidence.all()
        ],
        "submissions": [_submission_out(submission) for submission in step.submissions.all()],
    }


def _enrolment_out(enrolment: Enrolment, *, with_steps: bool = False) -> dict:
    steps = list(enrolment.steps.all())
    learner = enrolment.learner
    today = progress.local_today(learner)
    nxt = progress.next_step(steps, today=today)
    out = {
        "id": enrolment.pk,
        "programme": {"id": enrolment.programme_id, "title": enrolment.programme.title},
        "learner": {"id": learner.pk, "display_name": learner.display_name,
                    "email": learner.email},
        "start_on": enrolment.start_on,
        "minutes_per_week": enrolment.minutes_per_week,
        "programme_version": enrolment.programme_version,
        "status": progress.enrolment_status(enrolment, steps, today=today),
        "progress_percent": progress.progress_percent(steps),
        "next_step": nxt and {"path_step": nxt.step.pk, "title": nxt.step.title,
                              "reason_code": nxt.reason_code, "reason": nxt.reason_text},
        "created_at": enrolment.created_at,
        "completed_at": enrolment.completed_at,
        "last_activity_at": enrolment.last_activity_at,
    }
    if with_steps:
        out["steps"] = [_step_out(step) for step in steps]
    return out


def _step_now(request: HttpRequest, organisation: Organisation, path_step_id: int) -> dict:
    return _step_out(selectors.path_step_with_evidence(request.auth, organisation,
                                                       path_step_id))


# Enrolments and paths


@router.get("/organisations/{slug}/enrolments",
            response={200: EnrolmentPage, **REFUSALS},
            summary="List enrolments", operation_id="list_enrolments")
def list_enrolments(request: HttpRequest, slug: str, query: Query[EnrolmentQuery]):
    """Enrolments with their status, progress and next step, newest first.

    Coaches, trainers and managers see the organisation's; a learner sees their own.
    Filter with `programme` and `learner`; paginated with `limit` and `offset`.
    """
    organisation = _organisation(request, slug)
    total, enrolments = selectors.enrolments_page_for(
        request.auth, organisation, offset=query.offset, limit=query.limit,
        programme_id=query.programme, learner_id=query.learner)
    return {"count": total, "limit": query.limit, "offset": query.offset,
            "items": [_enrolment_out(enrolment) for enrolment in enrolments]}


@router.post("/organisations/{slug}/enrolments",
             response={201: list[EnrolmentOut], **ACTION_ERRORS},
             summary="Enrol learners", operation_id="enrol_learners")
def create_enrolments(request: HttpRequest, slug: str, payload: EnrolmentRequest):
    """Enrol one or several learners (`learners`: coaches, trainers, managers), all or
    none; or, without `learners`, enrol yourself when the programme allows it.

    Each learner's path is a copy of the programme's steps, planned from `start_on` at
    `minutes_per_week`. `409` if someone is already enrolled, `400` if the programme is
    not published or a person is not a learner here.
    """
    organisation = _organisation(request, slug)
    programme = catalog_selectors.programme_for(request.auth, organisation, payload.programme)
    if payload.learners is None:
        enrolments = [services.self_enrol(programme, by=request.auth, start_on=payload.start_on,
                                          minutes_per_week=payload.minutes_per_week)]
    else:
        learners = selectors.members_with_ids(organisation, payload.learners,
                                              viewer=request.auth)
        enrolments = services.enrol_learners(programme, learners, by=request.auth,
                                             start_on=payload.start_on,
                                             minutes_per_week=payload.minutes_per_week)
    return Status(201, [
        _enrolment_out(selectors.enrolment_with_path(request.auth, organisation, e.pk))
        for e in enrolments])


@router.get("/organisations/{slug}/enrolments/{enrolment_id}",
            response={200: EnrolmentDetail, **REFUSALS},
            summary="Get a path", operation_id="get_enrolment")
def get_enrolment(request: HttpRequest, slug: str, enrolment_id: int):
    """One enrolment with its whole path: every step with its status, dates, the
    coach's changes and their reasons, and its evidence; the status, progress and next
    step (with why). The learner's own, or any for those who follow learners."""
    organisation = _organisation(request, slug)
    enrolment = selectors.enrolment_with_path(request.auth, organisation, enrolment_id)
    return _enrolment_out(enrolment, with_steps=True)


@router.get("/organisations/{slug}/enrolments/{enrolment_id}/progress",
            response={200: EnrolmentOut, **REFUSALS},
            summary="Get progress", operation_id="get_progress")
def get_progress(request: HttpRequest, slug: str, enrolment_id: int):
    """Status, progress and next step of one enrolment, without the steps."""
    organisation = _organisation(request, slug)
    return _enrolment_out(selectors.enrolment_with_path(request.auth, organisation,
                                                        enrolment_id))


@router.post("/organisations/{slug}/enrolments/{enrolment_id}/adaptations",
             response={200: EnrolmentDetail, **ACTION_ERRORS},
             summary="Adapt a path", operation_id="adapt_path")
def adapt_path(request: HttpRequest, slug: str, enrolment_id: int,
               payload: PathAdaptationRequest):
    """Coaches and trainers: `insert` a step (copied with `from_step`, or written in
    `step`) at `position`, or `reorder` the steps still to do (`order`). A `reason` is
    required: the learner reads it. Returns the path as it is now."""
    organisation = _organisation(request, slug)
    enrolment = selectors.enrolment_with_path(request.auth, organisation, enrolment_id)
    if payload.kind == "insert":
        from_step = (selectors.step_to_copy(request.auth, organisation, payload.from_step)
                     if payload.from_step is not None else None)
        content = payload.step.dict(exclude_unset=True) if payload.step else {}
        services.insert_step(enrolment, by=request.auth, reason=payload.reason,
                             position=payload.position, from_step=from_step, **content)
    else:
        services.reorder_path(enrolment, by=request.auth, reason=payload.reason,
                              order=payload.order)
    return _enrolment_out(selectors.enrolment_with_path(request.auth, organisation,
                                                        enrolment_id), with_steps=True)


@router.post("/organisations/{slug}/path-steps/{path_step_id}/adaptations",
             response={200: PathStepOut, **ACTION_ERRORS},
             summary="Adapt a step", operation_id="adapt_step")
def adapt_step(request: HttpRequest, slug: str, path_step_id: int,
               payload: StepAdaptationRequest):
    """Coaches and trainers: `pull_forward` (it becomes the next step), `push_back`
    (after the following step), `skip`, or `change_due_date` (`due_on`). A `reason` is
    required: the learner reads it. A done step cannot be adapted (`409`)."""
    organisation = _organisation(request, slug)
    step = selectors.followed_path_step(request.auth, organisation, path_step_id)
    common = {"by": request.auth, "reason": payload.reason}
    if payload.kind == "pull_forward":
        services.pull_step_forward(step, **common)
    elif payload.kind == "push_back":
        services.push_step_back(step, **common)
    elif payload.kind == "skip":
        services.skip_step(step, **common)
    else:
        services.change_due_date(step, due_on=payload.due_on, **common)
    return _step_now(request, organisation, path_step_id)


# The learner's evidence


@router.post("/organisations/{slug}/path-steps/{path_step_id}/heartbeat",
             response={200: PathStepOut, **ACTION_ERRORS},
             summary="Send a heartbeat", operation_id="send_heartbeat")
def heartbeat(request: HttpRequest, slug: str, path_step_id: int, payload: HeartbeatRequest):
    """The learner's step page is visible: send `seconds=0` when it opens, then the
    visible seconds every few seconds, only while the page is visible. Each heartbeat
    counts at most the time really elapsed since the previous one, and at most 30
    seconds: a lesson is done when its minimum engaged time is reached, not sooner."""
    organisation = _organisation(request, slug)
    step = selectors.own_path_step(request.auth, organisation, path_step_id)
    services.record_heartbeat(step, by=request.auth, seconds=payload.seconds)
    return _step_now(request, organisation, path_step_id)


@router.post("/organisations/{slug}/path-steps/{path_step_id}/check-answer",
             response={200: CheckAnswerOut, **ACTION_ERRORS},
             summary="Answer a lesson's check question", operation_id="answer_check_question")
def check_answer(request: HttpRequest, slug: str, path_step_id: int,
                 payload: CheckAnswerRequest):
    """The learner answers their lesson's check question; a right answer completes it."""
    organisation = _organisation(request, slug)
    step = selectors.own_path_step(request.auth, organisation, path_step_id)
    marking = services.answer_check_question(step, by=request.auth, response=payload.response)
    return {"correct": marking.is_correct, "feedback": marking.feedback,
            "step": _step_now(request, organisation, path_step_id)}


@router.post("/organisations/{slug}/path-steps/{path_step_id}/submissions",
             response={201: SubmissionOut, **ACTION_ERRORS},
             summary="Send work for an assignment", operation_id="submit_assignment")
def submit(request: HttpRequest, slug: str, path_step_id: int, text: Form[str] = "",
           file: File[UploadedFile | None] = None):
    """The learner sends their work as `multipart/form-data`: a `text`, a `file`, or
    both. Files: at most 20 MB; documents, images and sound. A coach reviews it."""
    organisation = _organisation(request, slug)
    step = selectors.own_path_step(request.auth, organisation, path_step_id)
    submission = services.submit_assignment(step, by=request.auth, text=text, file=file)
    return Status(201, _submission_out(submission))


@router.post("/organisations/{slug}/path-steps/{path_step_id}/declaration",
             response={200: PathStepOut, **ACTION_ERRORS},
             summary="Declare an external activity done", operation_id="declare_done")
def declare(request: HttpRequest, slug: str, path_step_id: int, payload: NoteRequest):
    """The learner says they did the external activity. Done, unless the step asks for a
    coach's confirmation."""
    organisation = _organisation(request, slug)
    step = selectors.own_path_step(request.auth, organisation, path_step_id)
    services.declare_external_done(step, by=request.auth, note=payload.note)
    return _step_now(request, organisation, path_step_id)


# The coach's evidence


@router.post("/organisations/{slug}/submissions/{submission_id}/review",
             response={200: SubmissionOut, **ACTION_ERRORS},
             summary="Review a submission", operation_id="review_submission")
def review(request: HttpRequest, slug: str, submission_id: int, payload: ReviewRequest):
    """Coaches and trainers accept the work (the step is done) or ask for changes
    (`feedback` required)."""
    organisation = _organisation(request, slug)
    submission = selectors.submission_to_review(request.auth, organisation, submission_id)
    submission = services.review_submission(submission, by=request.auth,
                                            accept=payload.accept, feedback=payload.feedback)
    return _submission_out(submission)


@router.post("/organisations/{slug}/path-steps/{path_step_id}/validation",
             response={200: PathStepOut, **ACTION_ERRORS},
             summary="Validate a checkpoint", operation_id="validate_checkpoint")
def validate(request: HttpRequest, slug: str, path_step_id: int, payload: CommentRequest):
    """Coaches and trainers validate a learner's checkpoint: it is done."""
    organisation = _organisation(request, slug)
    step = selectors.followed_path_step(request.auth, organisation, path_step_id)
    services.validate_checkpoint(step, by=request.auth, comment=payload.comment)
    return _step_now(request, organisation, path_step_id)


@router.post("/organisations/{slug}/path-steps/{path_step_id}/confirmation",
             response={200: PathStepOut, **ACTION_ERRORS},
             summary="Confirm an external activity", operation_id="confirm_external")
def confirm(request: HttpRequest, slug: str, path_step_id: int, payload: CommentRequest):
    """Coaches and trainers confirm the external activity a learner declared done."""
    organisation = _organisation(request, slug)
    step = selectors.followed_path_step(request.auth, organisation, path_step_id)
    services.confirm_external(step, by=request.auth, comment=payload.comment)
    return _step_now(request, organisation, path_step_id)
