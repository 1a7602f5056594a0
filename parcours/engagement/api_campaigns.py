"""REST endpoints of the campaigns part of engagement (merged by engagement/api.py).

Segments (list, create, preview the count and a sample) and campaigns (list, create,
read, launch, cancel, results, promote the winner) under
`/organisations/{slug}/segments` and `/organisations/{slug}/campaigns`. Everything needs
`manage_nudges` (managers, administrators): others get `403`, as do callers outside the
organisation, whether it exists or not. The same selectors and services as the pages.
"""

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status

from parcours.accounts.models import Organisation
from parcours.accounts.selectors import organisation_for, require_permission
from parcours.api import schemas
from parcours.api.errors import OutsideOrganisation
from parcours.core.roles import Permission
from parcours.engagement import experiments, segments
from parcours.engagement.models import Campaign, Segment
from parcours.engagement.selectors import campaigns as selectors
from parcours.engagement.services import campaigns as services

router = Router(tags=["campaigns"])

REFUSALS = {401: schemas.Error, 403: schemas.Error}
READ = {**REFUSALS, 404: schemas.Error}
WRITE = {**READ, 400: schemas.Error, 409: schemas.Error, 422: schemas.ValidationFailed}


def _organisation(request: HttpRequest, slug: str) -> Organisation:
    try:
        return organisation_for(request.auth, slug)
    except Http404 as outside:
        raise OutsideOrganisation() from outside


# Schemas


class SegmentIn(Schema):
    name: str = Field(max_length=120, examples=["Inactive learners"])
    rules: dict[str, Any] = Field(
        default_factory=dict,
        description="Keys (all optional, combined with AND; values of one key with OR): "
                    "level (beginner, intermediate, advanced), tags and skills (tag ids), "
                    "programmes (ids), status (on_track, behind, at_risk, completed), roles, "
                    "languages, active_within_days, inactive_for_days (1–365).",
        examples=[{"roles": ["learner"], "inactive_for_days": 14}])


class RulesIn(Schema):
    rules: dict[str, Any] = Field(default_factory=dict)


class SegmentOut(Schema):
    id: int
    name: str
    rules: dict[str, Any]
    updated_at: datetime


class PreviewOut(Schema):
    count: int = Field(description="How many people match now.")
    sample: list[str] = Field(description="A few of their names.")


class MessageIn(Schema):
    subject: str = Field(max_length=200)
    body: str = Field(max_length=10_000)


class VariantIn(Schema):
    name: str = Field(max_length=40, examples=["A"])
    weight: int = Field(ge=0, le=100, description="Share of the segment in percent; the "
                                                  "variants' shares add up to 100.")
    is_holdout: bool = Field(False, description="The holdout group gets nothing (the "
                                                "baseline).")
    tone: str = Field("", description="neutral, friendly, urgent, playful or empty.")
    send_hour: int | None = Field(None, ge=0, le=23)
    every_weeks: int = Field(1, ge=1, le=8)
    messages: dict[str, MessageIn] = Field(
        default_factory=dict, description="Per language (fr, en): subject and body, "
        "Django templates with {{ first_name }}, {{ step_title }}, {{ due_date }}.")


class CampaignIn(Schema):
    name: str = Field(max_length=160)
    segment: int = Field(description="Id of one of the organisation's segments.")
    schedule: str = Field("once", description="once or weekly.")
    starts_at: datetime | None = Field(None, description="Once: when to send (default: at "
                                                         "launch).")
    weekday: int | None = Field(None, ge=0, le=6, description="Weekly: 0 is Monday.")
    hour: int | None = Field(None, ge=0, le=23, description="Weekly: organisation's time.")
    pilot_percent: int = Field(100, ge=1, le=100)
    conversion_verb: str = Field("", description="A learning event verb, e.g. completed, "
                                                 "enrolled, launched.")
    conversion_object: str = Field("", max_length=120, description="Optional “type:id”.")
    conversion_days: int = Field(7, ge=1, le=90)
    url: str = Field("", max_length=500)
    variants: list[VariantIn]


class VariantOut(Schema):
    id: int
    name: str
    weight: int
    is_holdout: bool
    tone: str
    send_hour: int | None
    every_weeks: int
    messages: dict[str, dict[str, str]]


class CampaignOut(Schema):
    id: int
    name: str
    segment: int
    status: str
    schedule: str
    starts_at: datetime | None
    weekday: int | None
    hour: int | None
    pilot_percent: int
    conversion_verb: str
    conversion_object: str
    conversion_days: int
    url: str
    runs: int
    next_run_at: datetime | None
    launched_at: datetime | None
    promoted_variant: int | None
    variants: list[VariantOut]


class PlannedOut(Schema):
    planned: int = Field(description="Messages written to the outbox by this call.")
    campaign: CampaignOut


class PromoteIn(Schema):
    variant: int = Field(description="Id of the winning variant.")


class VariantResultOut(Schema):
    variant: int
    name: str
    is_holdout: bool
    notified: int = Field(description="Sent, or held for the holdout.")
    delivered: int
    opened: int
    clicked: int
    converted: int
    opted_out: int
    ctr: Decimal | None = Field(description="Percent of the notified.")
    conversion_rate: Decimal | None
    conversion_interval: list[Decimal] | None = Field(description="Wilson 95 %, percent.")
    opt_out_rate: Decimal | None
    revenue_cents: int
    revenue_per_notified_cents: Decimal | None


class ComparisonOut(Schema):
    winner: str
    other: str
    difference_points: float
    z: float
    p_value: float
    interval_points: list[float]
    confidence: int | None


class ResultsOut(Schema):
    campaign: int
    verdict: str
    comparison: ComparisonOut | None
    variants: list[VariantResultOut]


def _segment_out(segment: Segment) -> dict:
    return {"id": segment.pk, "name": segment.name, "rules": segment.rules,
            "updated_at": segment.updated_at}


def _campaign_out(campaign: Campaign) -> dict:
    return {
        **{name: getattr(campaign, name) for name in (
            "id", "name", "status", "schedule", "starts_at", "weekday", "hour",
            "pilot_percent", "conversion_verb", "conversion_object", "conversion_days", "url",
            "runs", "next_run_at", "launched_at")},
        "segment": campaign.segment_id,
        "promoted_variant": campaign.promoted_variant_id,
        "variants": [{name: getattr(variant, name) for name in (
            "id", "name", "weight", "is_holdout", "tone", "send_hour", "every_weeks",
            "messages")} for variant in campaign.variants.all()],
    }


# Segments


@router.get("/organisations/{slug}/segments", response={200: list[SegmentOut], **REFUSALS},
            summary="List segments", operation_id="list_segments")
def list_segments(request: HttpRequest, slug: str):
    """The organisation's segments, by name."""
    organisation = _organisation(request, slug)
    return [_segment_out(s) for s in selectors.segments_of(organisation, viewer=request.auth)]


@router.post("/organisations/{slug}/segments", response={201: SegmentOut, **WRITE},
             summary="Create a segment", operation_id="create_segment")
def create_segment(request: HttpRequest, slug: str, payload: SegmentIn):
    """A named set of rules; `400` naming the rule at fault when one is not valid."""
    segment = services.create_segment(_organisation(request, slug), by=request.auth,
                                      name=payload.name, rules=payload.rules)
    return Status(201, _segment_out(segment))


@router.post("/organisations/{slug}/segments/preview", response={200: PreviewOut, **WRITE},
             summary="Count who rules match", operation_id="preview_segment")
def preview_segment(request: HttpRequest, slug: str, payload: RulesIn):
    """How many people the rules match now, and a few names: nothing is saved."""
    organisation = _organisation(request, slug)
    require_permission(request.auth, organisation, Permission.MANAGE_NUDGES)
    segment = Segment(organisation=organisation, name="",
                      rules=segments.clean_rules(organisation, payload.rules))
    return {"count": segments.segment_count(segment), "sample": segments.segment_sample(segment)}


@router.get("/organisations/{slug}/segments/{segment_id}/preview",
            response={200: PreviewOut, **READ}, summary="Count a segment",
            operation_id="count_segment")
def count_segment(request: HttpRequest, slug: str, segment_id: int):
    segment = selectors.segment_for(request.auth, _organisation(request, slug), segment_id)
    return {"count": segments.segment_count(segment), "sample": segments.segment_sample(segment)}


# Campaigns


@router.get("/organisations/{slug}/campaigns", response={200: list[CampaignOut], **REFUSALS},
            summary="List campaigns", operation_id="list_campaigns")
def list_campaigns(request: HttpRequest, slug: str):
    """The organisation's campaigns, newest first (the latest 200), with their variants."""
    organisation = _organisation(request, slug)
    return [_campaign_out(c) for c in selectors.campaigns_of(organisation, viewer=request.auth)]


def _campaign_values(request: HttpRequest, organisation: Organisation,
                     payload: CampaignIn) -> dict:
    return {
        **payload.model_dump(exclude={"segment", "variants"}),
        "segment": selectors.segment_for(request.auth, organisation, payload.segment),
        "variants": [
            services.VariantSpec(
                name=v.name, weight=v.weight, is_holdout=v.is_holdout, tone=v.tone,
                send_hour=v.send_hour, every_weeks=v.every_weeks,
                messages={language: m.model_dump() for language, m in v.messages.items()})
            for v in payload.variants],
    }


@router.post("/organisations/{slug}/campaigns", response={201: CampaignOut, **WRITE},
             summary="Create a campaign", operation_id="create_campaign")
def create_campaign(request: HttpRequest, slug: str, payload: CampaignIn):
    """A draft campaign with its variants; launch it with `…/launch`."""
    organisation = _organisation(request, slug)
    campaign = services.create_campaign(organisation, by=request.auth,
                                        **_campaign_values(request, organisation, payload))
    return Status(201, _campaign_out(selectors.campaign_for(request.auth, organisation,
                                                            campaign.pk)))


@router.put("/organisations/{slug}/campaigns/{campaign_id}", response={200: CampaignOut, **WRITE},
            summary="Change a draft campaign", operation_id="update_campaign")
def update_campaign(request: HttpRequest, slug: str, campaign_id: int, payload: CampaignIn):
    """The whole draft, variants included (they are replaced). `409` once launched."""
    organisation = _organisation(request, slug)
    campaign = selectors.campaign_for(request.auth, organisation, campaign_id)
    services.update_campaign(campaign, by=request.auth,
                             **_campaign_values(request, organisation, payload))
    return _campaign_out(selectors.campaign_for(request.auth, organisation, campaign_id))


@router.get("/organisations/{slug}/campaigns/{campaign_id}", response={200: CampaignOut, **READ},
            summary="Get a campaign", operation_id="get_campaign")
def get_campaign(request: HttpRequest, slug: str, campaign_id: int):
    return _campaign_out(selectors.campaign_for(request.auth, _organisation(request, slug),
                                                campaign_id))


def _planned(request, slug, campaign_id, action) -> dict:
    organisation = _organisation(request, slug)
    campaign = selectors.campaign_for(request.auth, organisation, campaign_id)
    planned = action(campaign)
    return {"planned": planned,
            "campaign": _campaign_out(selectors.campaign_for(request.auth, organisation,
                                                             campaign_id))}


@router.post("/organisations/{slug}/campaigns/{campaign_id}/launch",
             response={200: PlannedOut, **WRITE}, summary="Launch a campaign",
             operation_id="launch_campaign")
def launch_campaign(request: HttpRequest, slug: str, campaign_id: int):
    """A draft starts: a one-off is planned now; a weekly one gets its first run. `409`
    when it is not a draft."""
    return _planned(request, slug, campaign_id,
                    lambda campaign: services.launch_campaign(campaign, by=request.auth))


@router.post("/organisations/{slug}/campaigns/{campaign_id}/cancel",
             response={200: PlannedOut, **WRITE}, summary="Cancel a campaign",
             operation_id="cancel_campaign")
def cancel_campaign(request: HttpRequest, slug: str, campaign_id: int):
    """Messages not yet sent are withdrawn (`planned` is then negative: how many)."""
    return _planned(request, slug, campaign_id,
                    lambda campaign: -services.cancel_campaign(campaign, by=request.auth))


@router.get("/organisations/{slug}/campaigns/{campaign_id}/results",
            response={200: ResultsOut, **READ}, summary="Experiment results",
            operation_id="campaign_results")
def campaign_results(request: HttpRequest, slug: str, campaign_id: int):
    """Per variant: notified, delivered, opened, clicked, converted, opted out and the
    rates; the z-test comparing the best variant with the next, and its verdict."""
    campaign = selectors.campaign_for(request.auth, _organisation(request, slug), campaign_id)
    outcome = experiments.results(campaign)
    comparison = outcome.comparison
    return {
        "campaign": campaign.pk,
        "verdict": outcome.verdict,
        "comparison": comparison and {
            "winner": comparison.challenger.name, "other": comparison.baseline.name,
            "difference_points": round(comparison.difference_points, 2),
            "z": round(comparison.z, 4), "p_value": round(comparison.p_value, 6),
            "interval_points": [round(value, 2) for value in comparison.interval_points],
            "confidence": comparison.confidence},
        "variants": [{
            "variant": row.variant.pk, "name": row.name, "is_holdout": row.variant.is_holdout,
            "notified": row.notified, "delivered": row.delivered, "opened": row.opened,
            "clicked": row.clicked, "converted": row.converted, "opted_out": row.opted_out,
            "ctr": row.ctr, "conversion_rate": row.conversion_rate,
            "conversion_interval": list(row.interval) if row.interval else None,
            "opt_out_rate": row.opt_out_rate, "revenue_cents": row.revenue_cents,
            "revenue_per_notified_cents": row.revenue_per_notified_cents,
        } for row in outcome.variants],
    }


@router.post("/organisations/{slug}/campaigns/{campaign_id}/promote",
             response={200: PlannedOut, **WRITE}, summary="Promote the winner",
             operation_id="promote_variant")
def promote_variant(request: HttpRequest, slug: str, campaign_id: int, payload: PromoteIn):
    """The rest of the segment (beyond the pilot) gets this variant; a weekly campaign
    sends it to everyone from its next run. `409` when it cannot be promoted."""
    def promote(campaign):
        return experiments.promote_winner(campaign, selectors.variant_of(campaign,
                                                                         payload.variant),
                                          by=request.auth)

    return _planned(request, slug, campaign_id, promote)
