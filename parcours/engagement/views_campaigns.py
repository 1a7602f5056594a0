"""Segments and campaigns pages (`/o/<slug>/nudges/segments/…`, `…/campaigns/…`),
for the people who manage nudges.

Each view turns input into types, calls one selector or service, and turns the result
or the `DomainError` into a page; the rules live in `engagement.services.campaigns`,
`engagement.segments` and `engagement.experiments`.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from parcours.core.errors import DomainError
from parcours.core.roles import Permission
from parcours.engagement import experiments, segments
from parcours.engagement.forms_campaigns import (
    WEEKDAYS,
    CampaignForm,
    SegmentForm,
    campaign_initial,
    variant_forms,
)
from parcours.engagement.models import CampaignStatus, Segment, Variant
from parcours.engagement.selectors import campaigns as selectors
from parcours.engagement.services import campaigns as services
from parcours.engagement.services.campaigns import VariantSpec
from parcours.web.decorators import organisation_page

PREVIEW = "preview"


# Segments


@organisation_page(Permission.MANAGE_NUDGES)
def segment_list(request, organisation):
    return render(request, "engagement/campaigns/segments.html", {
        "organisation": organisation,
        "segments": selectors.segments_of(organisation, viewer=request.user),
    })


def _segment_page(request, organisation, form, *, segment=None):
    if form.is_bound and form.is_valid():
        try:
            if segment is None:
                segment = services.create_segment(organisation, by=request.user,
                                                  name=form.cleaned_data["name"],
                                                  rules=form.rules())
            else:
                services.update_segment(segment, by=request.user,
                                        name=form.cleaned_data["name"], rules=form.rules())
        except DomainError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Segment “%(name)s” saved.") % {"name": segment.name})
            return redirect("engagement:segments", organisation.slug)
    return render(request, "engagement/campaigns/segment_form.html", {
        "organisation": organisation, "form": form, "segment": segment,
        "preview": _preview(organisation, form) if form.is_bound else None,
    }, status=400 if form.errors else 200)


@organisation_page(Permission.MANAGE_NUDGES)
def segment_new(request, organisation):
    form = SegmentForm(request.POST or None, organisation=organisation)
    return _segment_page(request, organisation, form)


@organisation_page(Permission.MANAGE_NUDGES)
def segment_edit(request, organisation, segment_id):
    segment = selectors.segment_for(request.user, organisation, segment_id)
    form = SegmentForm.for_segment(segment, request.POST or None)
    return _segment_page(request, organisation, form, segment=segment)


def _preview(organisation, form) -> dict:
    """Count and sample of the rules typed so far, or why they cannot be evaluated."""
    if not form.is_valid() and any(key != "name" for key in form.errors):
        return {"error": _("Correct the rules to see who they match.")}
    try:
        rules = segments.clean_rules(organisation, form.rules())
    except DomainError as refused:
        return {"error": refused.message}
    segment = Segment(organisation=organisation, name="", rules=rules)
    return {"count": segments.segment_count(segment),
            "sample": segments.segment_sample(segment)}


@organisation_page(Permission.MANAGE_NUDGES)
def segment_preview(request, organisation):
    """The htmx partial under the rules: who they match right now."""
    form = SegmentForm(request.GET, organisation=organisation)
    return render(request, "engagement/campaigns/_segment_preview.html", {
        "preview": _preview(organisation, form)})


# Campaigns


@organisation_page(Permission.MANAGE_NUDGES)
def campaign_list(request, organisation):
    return render(request, "engagement/campaigns/campaigns.html", {
        "organisation": organisation,
        "campaigns": selectors.campaigns_of(organisation, viewer=request.user),
    })


def _specs(form, variants) -> list[VariantSpec] | None:
    """The variants as the service takes them, or None after marking an error."""
    specs = []
    for index, variant in enumerate(variants):
        if index and variant.is_empty():
            if variant.cleaned_data.get("weight"):
                variant.add_error("weight", _("Write a message for this variant, or set its "
                                              "share to 0."))
                return None
            continue
        specs.append(variant.spec())
    holdout = form.cleaned_data.get("holdout_percent") or 0
    if holdout:
        specs.append(VariantSpec(name=_("Holdout"), weight=holdout, is_holdout=True))
    return specs


def _previews(organisation, specs: list[VariantSpec], segment) -> list[dict]:
    """Each variant as the first people of the segment would read it."""
    people = list(segments.matching_people(organisation, segment.rules)
                  .order_by("display_name", "pk")[:2])
    shown = []
    for spec in specs:
        if spec.is_holdout:
            continue
        try:
            for message in spec.messages.values():
                if message.get("subject") or message.get("body"):
                    services.check_template(message.get("subject", ""))
                    services.check_template(message.get("body", ""))
        except DomainError as refused:
            shown.append({"name": spec.name, "error": refused.message})
            continue
        variant = Variant(name=spec.name, messages=spec.messages)
        shown.append({"name": spec.name, "people": [
            (person, *services.preview(variant, person, organisation)) for person in people]})
    return shown


def _campaign_page(request, organisation, *, campaign=None):
    data = request.POST or None
    form = CampaignForm(data, organisation=organisation,
                        initial=campaign_initial(campaign) if campaign else None)
    variants = variant_forms(data, campaign=campaign)
    previews = None
    if data is not None and all([form.is_valid(), *(v.is_valid() for v in variants)]):
        specs = _specs(form, variants)
        if specs is not None and PREVIEW in request.POST:
            previews = _previews(organisation, specs, form.cleaned_data["segment"])
        elif specs is not None:
            values = {key: value for key, value in form.cleaned_data.items()
                      if key != "holdout_percent"}
            try:
                if campaign is None:
                    campaign = services.create_campaign(organisation, by=request.user,
                                                        variants=specs, **values)
                else:
                    services.update_campaign(campaign, by=request.user, variants=specs,
                                             **values)
            except DomainError as refused:
                form.add_error(None, refused.message)
            else:
                messages.success(request, _("Campaign saved as a draft: check it, then "
                                            "launch it."))
                return redirect("engagement:campaign", organisation.slug, campaign.pk)
    invalid = form.errors or any(v.errors for v in variants)
    return render(request, "engagement/campaigns/campaign_form.html", {
        "organisation": organisation, "form": form, "variants": variants,
        "previews": previews, "campaign": campaign,
    }, status=400 if invalid else 200)


@organisation_page(Permission.MANAGE_NUDGES)
def campaign_new(request, organisation):
    return _campaign_page(request, organisation)


@organisation_page(Permission.MANAGE_NUDGES)
def campaign_edit(request, organisation, campaign_id):
    campaign = selectors.campaign_for(request.user, organisation, campaign_id)
    if campaign.status != CampaignStatus.DRAFT:
        messages.error(request, _("Only a draft campaign can be changed."))
        return redirect("engagement:campaign", organisation.slug, campaign.pk)
    return _campaign_page(request, organisation, campaign=campaign)


@organisation_page(Permission.MANAGE_NUDGES)
def campaign_detail(request, organisation, campaign_id):
    campaign = selectors.campaign_for(request.user, organisation, campaign_id)
    outcome = experiments.results(campaign)
    specs = [VariantSpec(name=v.name, weight=v.weight, messages=v.messages,
                         is_holdout=v.is_holdout) for v in campaign.variants.all()]
    return render(request, "engagement/campaigns/campaign_detail.html", {
        "organisation": organisation, "campaign": campaign, "results": outcome,
        "previews": _previews(organisation, specs, campaign.segment),
        # Who the segment holds now matters before the launch; afterwards the rows
        # planned say it, and counting a million people on each visit would not pay.
        "count": (segments.segment_count(campaign.segment)
                  if campaign.status == CampaignStatus.DRAFT else None),
        "weekday": dict(WEEKDAYS).get(campaign.weekday, ""),
        "can_launch": campaign.status == CampaignStatus.DRAFT,
        "can_cancel": campaign.status in (CampaignStatus.DRAFT, CampaignStatus.RUNNING),
        "can_promote": (campaign.promoted_variant_id is None
                        and campaign.status in (CampaignStatus.RUNNING,
                                                CampaignStatus.FINISHED)
                        and (campaign.pilot_percent < 100
                             or campaign.schedule == "weekly")
                        and sum(not v.is_holdout for v in campaign.variants.all()) > 1),
    })


def _act(request, organisation, campaign_id, action, done):
    """Run an action on a campaign; `done(count)` is the message to show after it."""
    campaign = selectors.campaign_for(request.user, organisation, campaign_id)
    try:
        count = action(campaign)
    except DomainError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, done(count))
    return redirect("engagement:campaign", organisation.slug, campaign.pk)


@require_POST
@organisation_page(Permission.MANAGE_NUDGES)
def campaign_launch(request, organisation, campaign_id):
    return _act(request, organisation, campaign_id,
                lambda campaign: services.launch_campaign(campaign, by=request.user),
                lambda count: ngettext("Campaign launched: %(count)d message planned.",
                                       "Campaign launched: %(count)d messages planned.",
                                       count) % {"count": count})


@require_POST
@organisation_page(Permission.MANAGE_NUDGES)
def campaign_cancel(request, organisation, campaign_id):
    return _act(request, organisation, campaign_id,
                lambda campaign: services.cancel_campaign(campaign, by=request.user),
                lambda count: ngettext(
                    "Campaign cancelled: %(count)d message not yet sent was withdrawn.",
                    "Campaign cancelled: %(count)d messages not yet sent were withdrawn.",
                    count) % {"count": count})


@require_POST
@organisation_page(Permission.MANAGE_NUDGES)
def campaign_promote(request, organisation, campaign_id, variant_id):
    def promote(campaign):
        variant = selectors.variant_of(campaign, variant_id)
        return experiments.promote_winner(campaign, variant, by=request.user)

    return _act(request, organisation, campaign_id, promote,
                lambda count: ngettext("Winner promoted: %(count)d more message planned.",
                                       "Winner promoted: %(count)d more messages planned.",
                                       count) % {"count": count})
