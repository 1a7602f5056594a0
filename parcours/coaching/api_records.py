"""REST endpoints of the record part of coaching: a coach's caseload, an engagement's
timeline and synthesis, the hours report, the retention period, and a beneficiary's data.
The same selectors and services as the pages."""

from datetime import date, datetime
from typing import Literal

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from parcours.accounts.models import Organisation
from parcours.accounts.selectors import organisation_for
from parcours.api import schemas
from parcours.api.errors import OutsideOrganisation
from parcours.classroom.reports import default_period, local_today, period
from parcours.coaching import privacy, reports, synthesis
from parcours.coaching.selectors import engagement_for
from parcours.coaching.selectors.caseload import CaseloadFilter, coach_caseload
from parcours.coaching.selectors.timeline import engagement_timeline
from parcours.coaching.services import privacy as privacy_services
from parcours.coaching.services import synthesis as synthesis_services

router = Router(tags=["coaching records"])

REFUSALS = {401: schemas.Error, 403: schemas.Error, 404: schemas.Error}
WRITE_ERRORS = {**REFUSALS, 400: schemas.Error, 409: schemas.Error,
                422: schemas.ValidationFailed}


def _organisation(request: HttpRequest, slug: str) -> Organisation:
    try:
        return organisation_for(request.auth, slug)
    except Http404 as outside:
        raise OutsideOrganisation() from outside


class CaseloadRowOut(Schema):
    engagement: int
    title: str
    beneficiary: str | None
    engagement_type: str
    status: str
    contracted_minutes: int
    used_minutes: int
    next_appointment_at: datetime | None
    last_appointment_at: datetime | None
    overdue_actions: int
    last_activity_at: datetime | None
    drift: list[str] = Field(description="Why this person may be drifting away: "
                             "no_appointment, actions_overdue, inactive.")


@router.get("/organisations/{slug}/coaching/caseload",
            response={200: list[CaseloadRowOut], **REFUSALS},
            summary="The engagements I coach, the drifting first", operation_id="caseload")
def caseload(request: HttpRequest, slug: str, status: str = "active",
             drifting_only: bool = False):
    organisation = _organisation(request, slug)
    rows = coach_caseload(organisation, viewer=request.auth, today=local_today(organisation),
                          filters=CaseloadFilter(status=status, drifting_only=drifting_only))
    return [{
        "engagement": row.engagement.pk, "title": row.engagement.title,
        "beneficiary": (row.engagement.beneficiary.display_name
                        if row.engagement.beneficiary else None),
        "engagement_type": row.engagement.engagement_type.name,
        "status": row.engagement.status,
        "contracted_minutes": row.engagement.contracted_minutes,
        "used_minutes": row.used_minutes, "next_appointment_at": row.next_appointment_at,
        "last_appointment_at": row.last_appointment_at,
        "overdue_actions": row.overdue_actions, "last_activity_at": row.last_activity_at,
        "drift": row.drift,
    } for row in rows]


class TimelineQuery(Schema):
    kinds: list[str] = Field(default_factory=list)


class TimelineEntryOut(Schema):
    at: datetime
    kind: str
    title: str
    detail: str
    url: str
    actor: str


@router.get("/organisations/{slug}/engagements/{engagement_id}/timeline",
            response={200: list[TimelineEntryOut], **REFUSALS},
            summary="An engagement's timeline, newest first", operation_id="engagement_timeline")
def timeline(request: HttpRequest, slug: str, engagement_id: int,
             query: Query[TimelineQuery]):
    """Appointments, shared notes, actions, activities, messages, documents and path
    progress; `kinds` keeps only some of them."""
    organisation = _organisation(request, slug)
    engagement, capacity = engagement_for(request.auth, organisation, engagement_id)
    entries = engagement_timeline(engagement, capacity, kinds=set(query.kinds) or None)
    return [entry.__dict__ for entry in entries]


class SynthesisOut(Schema):
    body: str
    shared_at: datetime | None
    updated_at: datetime


class SynthesisIn(Schema):
    body: str = Field(max_length=100_000)


def _synthesis(document) -> dict:
    return {"body": document.body, "shared_at": document.shared_at,
            "updated_at": document.updated_at}


@router.get("/organisations/{slug}/engagements/{engagement_id}/synthesis",
            response={200: SynthesisOut, **REFUSALS}, summary="The synthesis document",
            operation_id="synthesis")
def read_synthesis(request: HttpRequest, slug: str, engagement_id: int):
    """The coaches read it; the beneficiary once it is shared; managers never."""
    organisation = _organisation(request, slug)
    engagement, capacity = engagement_for(request.auth, organisation, engagement_id)
    document = synthesis.synthesis_for(engagement, capacity)
    if document is None:
        raise Http404
    return _synthesis(document)


@router.put("/organisations/{slug}/engagements/{engagement_id}/synthesis",
            response={200: SynthesisOut, **WRITE_ERRORS}, summary="Edit the synthesis",
            operation_id="edit_synthesis")
def write_synthesis(request: HttpRequest, slug: str, engagement_id: int, body: SynthesisIn):
    organisation = _organisation(request, slug)
    engagement, _capacity = engagement_for(request.auth, organisation, engagement_id)
    return _synthesis(synthesis_services.edit_synthesis(engagement, by=request.auth,
                                                        body=body.body))


@router.post("/organisations/{slug}/engagements/{engagement_id}/synthesis/draft",
             response={200: SynthesisOut, **WRITE_ERRORS},
             summary="Write the synthesis draft from the record", operation_id="draft_synthesis")
def draft(request: HttpRequest, slug: str, engagement_id: int):
    organisation = _organisation(request, slug)
    engagement, _capacity = engagement_for(request.auth, organisation, engagement_id)
    return _synthesis(synthesis_services.draft_synthesis(engagement, by=request.auth))


@router.post("/organisations/{slug}/engagements/{engagement_id}/synthesis/share",
             response={200: SynthesisOut, **WRITE_ERRORS},
             summary="Share the synthesis with the beneficiary", operation_id="share_synthesis")
def share(request: HttpRequest, slug: str, engagement_id: int):
    organisation = _organisation(request, slug)
    engagement, _capacity = engagement_for(request.auth, organisation, engagement_id)
    return _synthesis(synthesis_services.share_synthesis(engagement, by=request.auth))


class ReportQuery(Schema):
    start: date | None = None
    end: date | None = None
    by: Literal["coach", "funder", "type", "month"] = "coach"


class ReportLineOut(Schema):
    label: str
    appointments: int
    engagements: int
    minutes: int
    hours: str


class ReportOut(Schema):
    start: date
    end: date
    by: str
    minutes: int
    lines: list[ReportLineOut]
    engagements_by_status: dict[str, int]


@router.get("/organisations/{slug}/coaching/reports/hours",
            response={200: ReportOut, **WRITE_ERRORS},
            summary="Coaching hours per coach, funder, type or month",
            operation_id="coaching_hours_report")
def hours_report(request: HttpRequest, slug: str, query: Query[ReportQuery]):
    organisation = _organisation(request, slug)
    default = default_period(local_today(organisation))
    chosen = period(query.start or default.start, query.end or default.end)
    report = reports.coaching_report(organisation, viewer=request.auth, period=chosen,
                                     by=query.by)
    return {"start": chosen.start, "end": chosen.end, "by": report.by,
            "minutes": report.total_minutes,
            "lines": [{"label": line.label, "appointments": line.appointments,
                       "engagements": len(line.engagements), "minutes": line.minutes,
                       "hours": line.hours} for line in report.lines],
            "engagements_by_status": {status: count for status, _l, count in report.by_status}}


class RetentionIn(Schema):
    days: int = Field(ge=1, le=36500)


class RetentionOut(Schema):
    days: int


@router.put("/organisations/{slug}/coaching/retention",
            response={200: RetentionOut, **WRITE_ERRORS},
            summary="Set how long closed engagements are kept", operation_id="set_retention")
def set_retention(request: HttpRequest, slug: str, body: RetentionIn):
    organisation = _organisation(request, slug)
    policy = privacy_services.set_retention(organisation, by=request.auth, days=body.days)
    return {"days": policy.days}


@router.get("/organisations/{slug}/me/coaching-data", response={200: dict, **REFUSALS},
            summary="Everything coaching holds about me", operation_id="my_coaching_data")
def my_data(request: HttpRequest, slug: str):
    """The caller's engagements in this organisation, with what was shared with them.
    Coaches' private notes are not part of it."""
    organisation = _organisation(request, slug)
    return privacy.personal_data(request.auth, organisation)
