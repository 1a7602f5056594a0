"""REST endpoints of the activities part of coaching: the library, assignments (answers
as a draft, returning, the coach's comment) and live activities (create, open, close,
results, answering by code). The same selectors and services as the pages."""

from datetime import date, datetime
from typing import Any, Literal

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status

from parcours.accounts.models import Organisation
from parcours.accounts.selectors import organisation_for
from parcours.api import schemas
from parcours.api.errors import OutsideOrganisation
from parcours.classroom import selectors as classroom_selectors
from parcours.coaching.models import ActivityAssignment, LiveActivity
from parcours.coaching.selectors import Capacity, engagement_for
from parcours.coaching.selectors import activities as selectors
from parcours.coaching.selectors import live as live_selectors
from parcours.coaching.services import activities as services
from parcours.coaching.services import live as live_services

router = Router(tags=["coaching activities"])

REFUSALS = {401: schemas.Error, 403: schemas.Error, 404: schemas.Error}


class AnswersRefused(Schema):
    detail: str
    errors: dict[str, str] = Field(description="Question key (or card-<n>, entry, "
                                   "comment) → why its answer was refused.")


class ActivityRefused(Schema):
    detail: str
    errors: list[str]


WRITE_ERRORS = {**REFUSALS, 400: AnswersRefused, 409: schemas.Error,
                422: schemas.ValidationFailed}


def _organisation(request: HttpRequest, slug: str) -> Organisation:
    try:
        return organisation_for(request.auth, slug)
    except Http404 as outside:
        raise OutsideOrganisation() from outside


# --- Library -------------------------------------------------------------------------------


class ActivityOut(Schema):
    id: int
    kind: str = Field(description="worksheet, card_sort or journal.")
    title: str
    instructions: str
    definition: dict[str, Any] = Field(description="worksheet: fields (key, label, kind "
                                       "text|scale|choice|ranking, required, and min/max/"
                                       "min_label/max_label, options/multiple or items); "
                                       "card_sort: cards and columns; journal: prompt.")
    created_at: datetime


class ActivityIn(Schema):
    kind: Literal["worksheet", "card_sort", "journal"]
    title: str = Field(max_length=200)
    instructions: str = ""
    definition: dict[str, Any]


def _activity(activity) -> dict:
    return {"id": activity.pk, "kind": activity.kind, "title": activity.title,
            "instructions": activity.instructions, "definition": activity.definition,
            "created_at": activity.created_at}


@router.get("/organisations/{slug}/coaching/activities",
            response={200: list[ActivityOut], **REFUSALS},
            summary="The activity library", operation_id="list_coaching_activities")
def list_activities(request: HttpRequest, slug: str):
    """The organisation's activities. Coaches only."""
    organisation = _organisation(request, slug)
    return [_activity(a) for a in selectors.library_of(request.auth, organisation)]


@router.post("/organisations/{slug}/coaching/activities",
             response={201: ActivityOut, **REFUSALS, 400: ActivityRefused,
                       422: schemas.ValidationFailed},
             summary="Add an activity to the library", operation_id="create_coaching_activity")
def create_activity(request: HttpRequest, slug: str, payload: ActivityIn):
    organisation = _organisation(request, slug)
    try:
        activity = services.create_activity(organisation, by=request.auth, kind=payload.kind,
                                            title=payload.title,
                                            instructions=payload.instructions,
                                            definition=payload.definition)
    except services.InvalidActivity as invalid:
        return Status(400, {"detail": str(invalid.message), "errors": invalid.errors})
    return Status(201, _activity(activity))


# --- Assignments ---------------------------------------------------------------------------


class AssignmentOut(Schema):
    id: int
    engagement: int
    activity: ActivityOut
    status: str = Field(description="assigned, draft, returned or commented.")
    due_on: date | None
    answers: dict[str, Any] | None = Field(description="The beneficiary's answers; for a "
                                           "coach, only once returned.")
    saved_at: datetime | None
    returned_at: datetime | None
    comment: str
    commented_at: datetime | None


class AssignIn(Schema):
    activity: int
    due_on: date | None = None


class AnswersIn(Schema):
    answers: dict[str, Any] = Field(examples=[{"motivation": "Helping people",
                                               "confidence": 4}])


class ReturnIn(Schema):
    answers: dict[str, Any] | None = Field(None, description="Leave out to return the "
                                           "draft already saved.")


class CommentIn(Schema):
    comment: str = Field(max_length=services.MAX_COMMENT)


def _assignment(assignment: ActivityAssignment, capacity: Capacity) -> dict:
    shows_answers = capacity == Capacity.BENEFICIARY or assignment.is_returned
    return {
        "id": assignment.pk, "engagement": assignment.engagement_id,
        "activity": _activity(assignment.activity), "status": assignment.status,
        "due_on": assignment.due_on,
        "answers": assignment.answers if shows_answers else None,
        "saved_at": assignment.saved_at, "returned_at": assignment.returned_at,
        "comment": assignment.comment, "commented_at": assignment.commented_at,
    }


def _refused(invalid: services.InvalidAnswers):
    return Status(400, {"detail": str(invalid.message), "errors": invalid.errors})


@router.get("/organisations/{slug}/engagements/{engagement_id}/activities",
            response={200: list[AssignmentOut], **REFUSALS},
            summary="Activities given in an engagement",
            operation_id="list_engagement_activities")
def list_assignments(request: HttpRequest, slug: str, engagement_id: int):
    """For the engagement's coaches and beneficiary (a 404 for anyone else)."""
    organisation = _organisation(request, slug)
    _engagement, capacity, assignments = selectors.engagement_assignments(
        request.auth, organisation, engagement_id)
    return [_assignment(a, capacity) for a in assignments]


@router.post("/organisations/{slug}/engagements/{engagement_id}/activities",
             response={201: AssignmentOut, **WRITE_ERRORS},
             summary="Give an activity to the beneficiary", operation_id="assign_activity")
def assign(request: HttpRequest, slug: str, engagement_id: int, payload: AssignIn):
    """A coach of the engagement gives an activity of the library; records `assigned`."""
    organisation = _organisation(request, slug)
    engagement, _capacity = engagement_for(request.auth, organisation, engagement_id)
    activity = selectors.activity_for(request.auth, organisation, payload.activity)
    assignment = services.assign_activity(activity, engagement, by=request.auth,
                                          due_on=payload.due_on)
    return Status(201, _assignment(assignment, Capacity.COACH))


@router.get("/organisations/{slug}/coaching/assignments/{assignment_id}",
            response={200: AssignmentOut, **REFUSALS},
            summary="An assignment and its answers", operation_id="get_assignment")
def get_assignment(request: HttpRequest, slug: str, assignment_id: int):
    assignment, capacity = selectors.assignment_for(request.auth,
                                                    _organisation(request, slug),
                                                    assignment_id)
    return _assignment(assignment, capacity)


@router.put("/organisations/{slug}/coaching/assignments/{assignment_id}/answers",
            response={200: AssignmentOut, **WRITE_ERRORS},
            summary="Save the answers as a draft", operation_id="save_assignment_draft")
def save_draft(request: HttpRequest, slug: str, assignment_id: int, payload: AnswersIn):
    """The beneficiary's answers so far (questions may be left out; malformed answers get
    `400` with the reason per question). `409` once returned."""
    assignment, capacity = selectors.assignment_for(request.auth,
                                                    _organisation(request, slug),
                                                    assignment_id)
    try:
        saved = services.save_draft(assignment, by=request.auth, answers=payload.answers)
    except services.InvalidAnswers as invalid:
        return _refused(invalid)
    return _assignment(saved, capacity)


@router.post("/organisations/{slug}/coaching/assignments/{assignment_id}/return",
             response={200: AssignmentOut, **WRITE_ERRORS},
             summary="Return the activity to the coach", operation_id="return_assignment")
def return_assignment(request: HttpRequest, slug: str, assignment_id: int,
                      payload: ReturnIn):
    """Every required question answered, or `400` with what is missing; records
    `completed`."""
    assignment, capacity = selectors.assignment_for(request.auth,
                                                    _organisation(request, slug),
                                                    assignment_id)
    try:
        returned = services.return_assignment(
            assignment, by=request.auth, answers=payload.answers)
    except services.InvalidAnswers as invalid:
        return _refused(invalid)
    return _assignment(returned, capacity)


@router.post("/organisations/{slug}/coaching/assignments/{assignment_id}/comment",
             response={200: AssignmentOut, **WRITE_ERRORS},
             summary="Comment on a returned activity", operation_id="comment_assignment")
def comment(request: HttpRequest, slug: str, assignment_id: int, payload: CommentIn):
    """A coach of the engagement, once the activity is returned; records `commented`."""
    assignment, capacity = selectors.assignment_for(request.auth,
                                                    _organisation(request, slug),
                                                    assignment_id)
    try:
        commented = services.comment_assignment(assignment, by=request.auth,
                                                comment=payload.comment)
    except services.InvalidAnswers as invalid:
        return _refused(invalid)
    return _assignment(commented, capacity)


# --- Live activities -----------------------------------------------------------------------


class LiveIn(Schema):
    kind: Literal["poll", "word_cloud", "board"]
    question: str = Field(max_length=200)
    options: list[str] = Field([], description="The answers a poll offers (2 to 10).")
    session: int | None = Field(None, description="A classroom session of the organisation.")
    engagement: int | None = None


class LiveOut(Schema):
    id: int
    kind: str
    question: str
    options: list[str]
    code: str = Field(description="What participants type, or open /live/<code>/.")
    status: str = Field(description="draft, open or closed.")
    session: int | None
    engagement: int | None
    opened_at: datetime | None
    closed_at: datetime | None


class CountOut(Schema):
    text: str
    count: int
    percent: int


class LiveResultsOut(Schema):
    activity: LiveOut
    participants: int
    counts: list[CountOut] = Field(description="Poll: every option in order; word "
                                   "cloud: each word, most given first.")
    notes: list[str] = Field(description="Board: the notes, newest first.")


class LiveAnswerIn(Schema):
    text: str = Field(max_length=280)


class LiveAnswerOut(Schema):
    activity: int
    text: str
    answered_at: datetime


def _live(live: LiveActivity) -> dict:
    return {"id": live.pk, "kind": live.kind, "question": live.question,
            "options": live.options, "code": live.code, "status": live.status,
            "session": live.session_id, "engagement": live.engagement_id,
            "opened_at": live.opened_at, "closed_at": live.closed_at}


LIVE_ERRORS = {**REFUSALS, 400: schemas.Error, 409: schemas.Error,
               422: schemas.ValidationFailed}


@router.post("/organisations/{slug}/coaching/live", response={201: LiveOut, **LIVE_ERRORS},
             summary="Prepare a live activity", operation_id="create_live_activity")
def create_live(request: HttpRequest, slug: str, payload: LiveIn):
    """For people who run live activities (coaches, trainers); it opens when asked."""
    organisation = _organisation(request, slug)
    session = engagement = None
    if payload.session is not None:
        session = classroom_selectors.session_for(request.auth, organisation,
                                                  payload.session)
    if payload.engagement is not None:
        engagement, _capacity = engagement_for(request.auth, organisation,
                                               payload.engagement)
    live = live_services.create_live_activity(
        organisation, by=request.auth, kind=payload.kind, question=payload.question,
        options=payload.options, session=session, engagement=engagement)
    return Status(201, _live(live))


@router.post("/organisations/{slug}/coaching/live/{activity_id}/open",
             response={200: LiveOut, **LIVE_ERRORS}, summary="Open a live activity",
             operation_id="open_live_activity")
def open_live(request: HttpRequest, slug: str, activity_id: int):
    live = live_selectors.live_activity_for(request.auth, _organisation(request, slug),
                                            activity_id)
    return _live(live_services.open_live_activity(live, by=request.auth))


@router.post("/organisations/{slug}/coaching/live/{activity_id}/close",
             response={200: LiveOut, **LIVE_ERRORS}, summary="Close a live activity",
             operation_id="close_live_activity")
def close_live(request: HttpRequest, slug: str, activity_id: int):
    live = live_selectors.live_activity_for(request.auth, _organisation(request, slug),
                                            activity_id)
    return _live(live_services.close_live_activity(live, by=request.auth))


@router.get("/organisations/{slug}/coaching/live/{activity_id}/results",
            response={200: LiveResultsOut, **REFUSALS},
            summary="A live activity's results", operation_id="live_activity_results")
def live_results(request: HttpRequest, slug: str, activity_id: int):
    live = live_selectors.live_activity_for(request.auth, _organisation(request, slug),
                                            activity_id)
    results = live_selectors.live_results(live)
    return {"activity": _live(live), "participants": results.participants,
            "counts": [{"text": c.text, "count": c.count, "percent": c.percent}
                       for c in results.counts],
            "notes": results.notes}


@router.post("/live/{code}/answers", response={201: LiveAnswerOut, **LIVE_ERRORS},
             summary="Answer a live activity by its code", operation_id="answer_live_activity")
def answer_live(request: HttpRequest, code: str, payload: LiveAnswerIn):
    """For members of the activity's organisation (a 404 for anyone else), while it is
    open (`409` otherwise). A poll takes one vote per person; voting again changes it."""
    live = live_selectors.live_activity_to_join(request.auth, code)
    answer = live_services.answer_live_activity(live, by=request.auth, text=payload.text)
    return Status(201, {"activity": live.pk, "text": answer.text,
                        "answered_at": answer.answered_at})
