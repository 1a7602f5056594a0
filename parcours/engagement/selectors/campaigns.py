"""Reads of the segments and campaigns pages and API, each with its access check.

Everything here needs `manage_nudges` in the organisation; another organisation's
segment or campaign is a 404 (its id says nothing of whether it exists).
"""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import Organisation, User
from parcours.accounts.selectors import require_permission
from parcours.catalog.models import Programme, Tag
from parcours.core.roles import Permission
from parcours.engagement.models import Campaign, NotificationStatus, Segment, Variant

CAMPAIGNS_SHOWN = 200


def segments_of(organisation: Organisation, *, viewer: User) -> list[Segment]:
    """The organisation's segments by name, each with how many campaigns use it."""
    require_permission(viewer, organisation, Permission.MANAGE_NUDGES)
    return list(Segment.objects.filter(organisation=organisation)
                .annotate(campaign_count=Count("campaigns")).order_by("name", "pk"))


def segment_for(viewer: User, organisation: Organisation, segment_id: int) -> Segment:
    require_permission(viewer, organisation, Permission.MANAGE_NUDGES)
    try:
        return Segment.objects.select_related("organisation").get(
            pk=segment_id, organisation=organisation)
    except Segment.DoesNotExist as missing:
        raise Http404(_("No such segment.")) from missing


def _campaigns(organisation: Organisation) -> QuerySet[Campaign]:
    return (Campaign.objects.filter(organisation=organisation)
            .select_related("segment", "organisation", "promoted_variant")
            .prefetch_related(Prefetch("variants", queryset=Variant.objects.order_by(
                "is_holdout", "name"))))


def campaigns_of(organisation: Organisation, *, viewer: User) -> list[Campaign]:
    """The organisation's campaigns, newest first, with their variants and how many
    messages each planned and sent: three queries whatever their number."""
    require_permission(viewer, organisation, Permission.MANAGE_NUDGES)
    return list(_campaigns(organisation).annotate(
        planned_count=Count("notifications"),
        sent_count=Count("notifications",
                         filter=Q(notifications__status=NotificationStatus.SENT)),
    ).order_by("-created_at", "-pk")[:CAMPAIGNS_SHOWN])


def campaign_for(viewer: User, organisation: Organisation, campaign_id: int) -> Campaign:
    require_permission(viewer, organisation, Permission.MANAGE_NUDGES)
    try:
        return _campaigns(organisation).get(pk=campaign_id)
    except Campaign.DoesNotExist as missing:
        raise Http404(_("No such campaign.")) from missing


def variant_of(campaign: Campaign, variant_id: int) -> Variant:
    for variant in campaign.variants.all():
        if variant.pk == variant_id:
            return variant
    raise Http404(_("No such variant."))


def rule_choices(organisation: Organisation) -> dict[str, list[tuple[int, str]]]:
    """The themes, skills and programmes a segment's rules may name (two queries)."""
    tags = list(Tag.objects.filter(organisation=organisation).order_by("name"))
    return {
        "tags": [(tag.pk, tag.name) for tag in tags if tag.kind == "theme"],
        "skills": [(tag.pk, tag.name) for tag in tags if tag.kind == "skill"],
        "programmes": list(Programme.objects.filter(organisation=organisation)
                           .order_by("title").values_list("pk", "title")),
    }
