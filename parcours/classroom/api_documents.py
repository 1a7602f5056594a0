"""REST endpoints of the documents part of classroom (merged by classroom/api.py).

The attended-hours report, and a learner's satisfaction surveys of a session (where they
stand, and answering). The same read models and services as the pages.
"""

from datetime import date, datetime
from typing import Literal

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from parcours.accounts.models import Organisation
from parcours.accounts.selectors import organisation_for
from parcours.api import schemas
from parcours.api.errors import OutsideOrganisation
from parcours.classroom import reports, selectors
from parcours.classroom.models import SurveyResponse
from parcours.classroom.services import surveys

router = Router(tags=["reports and surveys"])

REFUSALS = {401: schemas.Error, 403: schemas.Error}
READ_ERRORS = {**REFUSALS, 400: schemas.Error, 422: schemas.ValidationFailed}
WRITE_ERRORS = {**REFUSALS, 400: schemas.Error, 404: schemas.Error, 409: schemas.Error,
                422: schemas.ValidationFailed}


def _organisation(request: HttpRequest, slug: str) -> Organisation:
    try:
        return organisation_for(request.auth, slug)
    except Http404 as outside:
        raise OutsideOrganisation() from outside


# --- Hours ---------------------------------------------------------------------------------


class HoursQuery(Schema):
    start: date | None = Field(None, description="First day (YYYY-MM-DD), in the "
                               "organisation's time zone. Default: the first day of the "
                               "month eleven months ago.")
    end: date | None = Field(None, description="Last day, included. Default: today.")
    by: Literal["learner", "programme", "funder"] = "learner"


class HoursRowOut(Schema):
    id: int | None = Field(description="The learner's or programme's id; null for a funder "
                           "and for sessions outside any programme.")
    label: str = Field(description="The learner's name, the programme's title, or the "
                       "funder as written on the registrations.")
    email: str = Field(description="The learner's email (per learner only).")
    funders: list[str]
    learners: int
    sessions: int
    half_days: int
    minutes: int = Field(description="Whole minutes attended.")
    hours: str = Field(description="The same, written out (\"12 h 30\").")


class HoursReportOut(Schema):
    start: date
    end: date
    by: str
    learners: int
    sessions: int
    half_days: int
    minutes: int
    rows: list[HoursRowOut]


def _row(by: str, row: reports.HoursRow) -> dict:
    return {
        "id": int(row.key) if by != "funder" and row.key != "none" else None,
        "label": row.label, "email": row.email, "funders": row.funders,
        "learners": row.learners, "sessions": row.sessions, "half_days": row.half_days,
        "minutes": row.minutes, "hours": row.hours,
    }


@router.get(
    "/organisations/{slug}/reports/hours", response={200: HoursReportOut, **READ_ERRORS},
    summary="Attended hours over a period", operation_id="hours_report",
)
def hours_report(request: HttpRequest, slug: str, query: Query[HoursQuery]):
    """Hours attended in the organisation's sessions, per learner, programme or funder:
    half-days starting in the period and noted present (all of it) or late (from the
    arrival time). Managers and administrators only."""
    organisation = _organisation(request, slug)
    default = reports.default_period(reports.local_today(organisation))
    period = reports.period(query.start or default.start, query.end or default.end)
    report = reports.hours_report(organisation, viewer=request.auth, period=period,
                                  by=query.by)
    return {
        "start": period.start, "end": period.end, "by": report.by,
        "learners": report.learners, "sessions": report.sessions,
        "half_days": report.half_days, "minutes": report.minutes,
        "rows": [_row(report.by, row) for row in report.rows],
    }


# --- Surveys ---------------------------------------------------------------------------------


class QuestionOut(Schema):
    key: str
    label: str


class SurveyOut(Schema):
    kind: str = Field(description="end (end of session) or follow_up.")
    opens_at: datetime | None
    open: bool
    attended: bool = Field(description="Only learners who attended a half-day answer.")
    answered_at: datetime | None
    questions: list[QuestionOut] = Field(description="Each rated from 1 to 5.")


class SurveyAnswer(Schema):
    kind: Literal["end", "follow_up"]
    answers: dict[str, int] = Field(description="Question key → rating from 1 to 5, for "
                                    "every question of the survey.",
                                    examples=[{"content": 5, "trainer": 4,
                                               "organisation": 4, "usefulness": 5}])
    comment: str = Field("", max_length=surveys.MAX_COMMENT_LENGTH)


class SurveyResponseOut(Schema):
    id: int
    session: int
    kind: str
    answers: dict[str, int]
    comment: str
    created_at: datetime


def _response(response: SurveyResponse) -> dict:
    return {"id": response.pk, "session": response.session_id, "kind": response.kind,
            "answers": response.answers, "comment": response.comment,
            "created_at": response.created_at}


@router.get(
    "/organisations/{slug}/sessions/{session_id}/survey",
    response={200: list[SurveyOut], **REFUSALS, 404: schemas.Error},
    summary="My satisfaction surveys of a session", operation_id="get_session_surveys",
)
def get_surveys(request: HttpRequest, slug: str, session_id: int):
    """The end-of-session and follow-up surveys of a session the caller is registered in:
    when each opens, whether they may and did answer, and the questions."""
    organisation = _organisation(request, slug)
    session = selectors.session_to_answer(request.auth, organisation, session_id)
    return [{
        "kind": state.kind, "opens_at": state.opens_at, "open": state.is_open,
        "attended": state.attended,
        "answered_at": state.response.created_at if state.response else None,
        "questions": [{"key": q.key, "label": str(q.label)}
                      for q in surveys.QUESTIONS[state.kind]],
    } for state in selectors.survey_states(session, request.auth)]


@router.post(
    "/organisations/{slug}/sessions/{session_id}/survey",
    response={201: SurveyResponseOut, **WRITE_ERRORS},
    summary="Answer a satisfaction survey", operation_id="answer_session_survey",
)
def answer_survey(request: HttpRequest, slug: str, session_id: int, payload: SurveyAnswer):
    """Answer the end-of-session survey (open from the end of the last half-day) or the
    follow-up (open some weeks later), once each, as a learner who attended. `403` for
    anyone else, `409` when not open yet or already answered, `400` when a rating is
    missing or outside 1 to 5."""
    organisation = _organisation(request, slug)
    session = selectors.session_to_answer(request.auth, organisation, session_id)
    response = surveys.answer_survey(session, by=request.auth, kind=payload.kind,
                                     answers=payload.answers, comment=payload.comment)
    return Status(201, _response(response))
