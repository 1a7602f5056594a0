"""Experiments: each variant's results, the significance test, the verdict, the winner.

Per variant, over the campaign's notifications (all runs):

- *notified*: the people exposed to it: `sent` for a message, `held` for the holdout
  (who would have got one that day); every rate below is a share of them;
- *delivered*: at least one delivery reached its channel (`Delivery.status=sent`);
- *opened*, *clicked*, *converted*: `opened_at`, `clicked_at`, `converted_at` are set
  (conversions are stamped by `engagement.conversions`);
- *opted out*: the recipient recorded `opted-out` within OPT_OUT_DAYS after it was sent
  (an unsubscribe names a category, not a message: an upper bound, as the dashboard's);
- *revenue*: when the goal is `enrolled`, the `amount_cents` in the context of the
  enrolment event that converted it (the contract with whoever records paid
  enrolments: `record_event(…, "enrolled", …, context={"amount_cents": 12900})`);
  revenue per notified learner is the total over the notified, in cents.

The test is a two-proportion z-test on conversion (pooled), two-sided, with a normal
95 % interval on the difference and Wilson intervals on each rate; written with
`math.erf`, no statistics package. The winner is the variant converting best; it is
compared with the next best message (or the holdout when there is one message only).
"""

import math
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import (
    BigIntegerField,
    Count,
    Exists,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parcours.accounts.models import User
from parcours.accounts.selectors import require_permission
from parcours.core.errors import Conflict, DomainError
from parcours.core.events import record_event
from parcours.core.models import LearningEvent, Verb
from parcours.core.roles import Permission
from parcours.engagement.models import (
    Campaign,
    CampaignSchedule,
    CampaignStatus,
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationStatus,
    Variant,
)

OPT_OUT_DAYS = 7
CONFIDENCE_LEVELS = ((Decimal("0.01"), 99), (Decimal("0.05"), 95))
Z_95 = 1.959964


class CannotPromote(Conflict):
    default_message = gettext_lazy("This variant cannot be promoted.")


class NotThisCampaigns(DomainError):
    default_message = gettext_lazy("This variant belongs to another campaign.")


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass(frozen=True)
class VariantResult:
    variant: Variant
    planned: int
    notified: int
    delivered: int
    opened: int
    clicked: int
    converted: int
    opted_out: int
    revenue_cents: int

    @property
    def name(self) -> str:
        return self.variant.name

    @property
    def ctr(self) -> Decimal | None:
        return _percent(self.clicked, self.notified)

    @property
    def open_rate(self) -> Decimal | None:
        return _percent(self.opened, self.notified)

    @property
    def conversion_rate(self) -> Decimal | None:
        return _percent(self.converted, self.notified)

    @property
    def opt_out_rate(self) -> Decimal | None:
        return _percent(self.opted_out, self.notified)

    @property
    def revenue_per_notified_cents(self) -> Decimal | None:
        if not self.notified:
            return None
        return (Decimal(self.revenue_cents) / self.notified).quantize(Decimal("1"),
                                                                     ROUND_HALF_UP)

    @property
    def revenue_per_notified(self) -> Decimal | None:
        """In the currency's units (the cents divided by 100), to the cent."""
        if not self.notified:
            return None
        return (Decimal(self.revenue_cents) / 100 / self.notified).quantize(
            Decimal("0.01"), ROUND_HALF_UP)

    @property
    def interval(self) -> tuple[Decimal, Decimal] | None:
        """Wilson 95 % interval of the conversion rate, in percent."""
        if not self.notified:
            return None
        low, high = wilson(self.converted, self.notified)
        return (Decimal(low * 100).quantize(Decimal("0.1")),
                Decimal(high * 100).quantize(Decimal("0.1")))


@dataclass(frozen=True)
class Comparison:
    """A z-test of `challenger` against `baseline` on conversion."""

    challenger: VariantResult
    baseline: VariantResult
    difference_points: float   # challenger − baseline, in percentage points
    z: float
    p_value: float
    interval_points: tuple[float, float]

    @property
    def confidence(self) -> int | None:
        for threshold, level in CONFIDENCE_LEVELS:
            if self.p_value < float(threshold):
                return level
        return None


@dataclass(frozen=True)
class Results:
    campaign: Campaign
    variants: list[VariantResult]
    comparison: Comparison | None
    verdict: str
    shows_revenue: bool

    @property
    def winner(self) -> VariantResult | None:
        if self.comparison and self.comparison.confidence and (
                self.comparison.difference_points > 0):
            return self.comparison.challenger
        return None


def normal_cdf(x: float) -> float:
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def z_test(converted_a: int, notified_a: int, converted_b: int,
           notified_b: int) -> tuple[float, float]:
    """Two-proportion z-test (pooled), two-sided: (z of b − a, p-value)."""
    if not notified_a or not notified_b:
        return 0.0, 1.0
    pooled = (converted_a + converted_b) / (notified_a + notified_b)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / notified_a + 1 / notified_b))
    if spread == 0:
        return 0.0, 1.0
    z = (converted_b / notified_b - converted_a / notified_a) / spread
    return z, 2 * (1 - normal_cdf(abs(z)))


def difference_interval(converted_a: int, notified_a: int, converted_b: int,
                        notified_b: int, *, z: float = Z_95) -> tuple[float, float]:
    """Normal (unpooled) interval of b − a, in proportions."""
    rate_a, rate_b = converted_a / notified_a, converted_b / notified_b
    spread = math.sqrt(rate_a * (1 - rate_a) / notified_a + rate_b * (1 - rate_b) / notified_b)
    return rate_b - rate_a - z * spread, rate_b - rate_a + z * spread


def wilson(converted: int, notified: int, *, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval of a proportion."""
    rate = converted / notified
    centre = (rate + z * z / (2 * notified)) / (1 + z * z / notified)
    half = (z / (1 + z * z / notified)) * math.sqrt(
        rate * (1 - rate) / notified + z * z / (4 * notified * notified))
    return max(0.0, centre - half), min(1.0, centre + half)


def compare(baseline: VariantResult, challenger: VariantResult) -> Comparison:
    z, p_value = z_test(baseline.converted, baseline.notified, challenger.converted,
                        challenger.notified)
    if baseline.notified and challenger.notified:
        low, high = difference_interval(baseline.converted, baseline.notified,
                                        challenger.converted, challenger.notified)
        difference = (challenger.converted / challenger.notified
                      - baseline.converted / baseline.notified)
    else:
        low = high = difference = 0.0
    return Comparison(challenger=challenger, baseline=baseline,
                      difference_points=difference * 100, z=z, p_value=p_value,
                      interval_points=(low * 100, high * 100))


def verdict(comparison: Comparison | None) -> str:
    """One sentence a manager can act on, in the current language."""
    if comparison is None:
        return _("Nothing to compare yet: an experiment needs two variants, or a holdout.")
    if not comparison.confidence or comparison.difference_points <= 0:
        return _("No significant difference yet.")
    return _("%(winner)s raises conversion by %(points)s points over %(other)s, "
             "%(confidence)s %% confidence.") % {
        "winner": comparison.challenger.name,
        "points": formats.number_format(round(comparison.difference_points, 1), 1),
        "other": comparison.baseline.name,
        "confidence": comparison.confidence,
    }


def _choose(variants: list[VariantResult]) -> Comparison | None:
    messages = sorted((v for v in variants if not v.variant.is_holdout and v.notified),
                      key=lambda v: (v.converted / v.notified, v.notified), reverse=True)
    holdout = [v for v in variants if v.variant.is_holdout and v.notified]
    if len(messages) >= 2:
        return compare(messages[1], messages[0])
    if messages and holdout:
        return compare(holdout[0], messages[0])
    return None


def results(campaign: Campaign) -> Results:
    """The campaign's results per variant, the comparison and its verdict (two queries:
    the variants, and one aggregate over the notifications)."""
    variants = list(campaign.variants.all())
    rows = Notification.objects.filter(campaign=campaign)
    after_sent = Q(occurred_at__gt=OuterRef("sent_at"),
                   occurred_at__lte=OuterRef("sent_at") + timedelta(days=OPT_OUT_DAYS))
    opted_out = Exists(LearningEvent.objects.filter(
        after_sent, actor=OuterRef("recipient_id"), verb=Verb.OPTED_OUT))
    delivered = Exists(Delivery.objects.filter(notification=OuterRef("pk"),
                                               status=DeliveryStatus.SENT))
    shows_revenue = campaign.conversion_verb == Verb.ENROLLED
    aggregates = {
        "planned": Count("pk"),
        "sent": Count("pk", filter=Q(status=NotificationStatus.SENT)),
        "held": Count("pk", filter=Q(status=NotificationStatus.HELD)),
        "delivered": Count("pk", filter=Q(delivered)),
        "opened": Count("pk", filter=Q(opened_at__isnull=False)),
        "clicked": Count("pk", filter=Q(clicked_at__isnull=False)),
        "converted": Count("pk", filter=Q(converted_at__isnull=False)),
        "opted_out": Count("pk", filter=Q(opted_out, status=NotificationStatus.SENT)),
    }
    if shows_revenue:
        # The enrolment that converted it: recorded at `converted_at` by its recipient.
        amount = (LearningEvent.objects.filter(
            actor=OuterRef("recipient_id"), verb=Verb.ENROLLED,
            occurred_at=OuterRef("converted_at"))
            .annotate(cents=Cast(KT("context__amount_cents"), BigIntegerField()))
            .values("cents")[:1])
        aggregates["revenue"] = Sum(Subquery(amount, output_field=BigIntegerField()),
                                    filter=Q(converted_at__isnull=False))
    figures = {row["variant"]: row for row in rows.values("variant").annotate(**aggregates)}
    out = []
    for variant in variants:
        row = figures.get(variant.pk, {})
        out.append(VariantResult(
            variant=variant,
            planned=row.get("planned", 0),
            notified=row.get("held", 0) if variant.is_holdout else row.get("sent", 0),
            delivered=row.get("delivered", 0), opened=row.get("opened", 0),
            clicked=row.get("clicked", 0), converted=row.get("converted", 0),
            opted_out=row.get("opted_out", 0), revenue_cents=row.get("revenue") or 0))
    comparison = _choose(out)
    return Results(campaign=campaign, variants=out, comparison=comparison,
                   verdict=verdict(comparison), shows_revenue=shows_revenue)


@transaction.atomic
def promote_winner(campaign: Campaign, variant: Variant, *, by: User, now=None) -> int:
    """Send the winning variant to the rest of the segment, in one click.

    A pilot's other people (beyond its share) get the variant now; a weekly campaign
    sends it to the whole segment from its next run (no more holdout). Returns how many
    rows were planned now.
    """
    from parcours.engagement.services.campaigns import _plan_run

    require_permission(by, campaign.organisation, Permission.MANAGE_NUDGES)
    now = now or timezone.now()
    campaign = Campaign.objects.select_for_update(of=("self",)).select_related(
        "organisation", "segment").get(pk=campaign.pk)
    if variant.campaign_id != campaign.pk:
        raise NotThisCampaigns()
    if variant.is_holdout:
        raise CannotPromote(_("The holdout sends nothing: promote a message."))
    if campaign.promoted_variant_id:
        raise CannotPromote(_("A variant of this campaign was already promoted."))
    if campaign.status not in (CampaignStatus.RUNNING, CampaignStatus.FINISHED):
        raise CannotPromote(_("Only a launched campaign's variant can be promoted."))
    once = campaign.schedule == CampaignSchedule.ONCE
    if once and campaign.pilot_percent == 100:
        raise CannotPromote(_("Everyone in the segment already got a variant: there is no "
                              "one left to send the winner to."))
    campaign.promoted_variant = variant
    campaign.promoted_at = now
    campaign.save(update_fields=["promoted_variant", "promoted_at", "updated_at"])
    written = 0
    if campaign.pilot_percent < 100:
        written = _plan_run(campaign, run=max(campaign.runs, 1), now=now,
                            only_outside_pilot=True)
    record_event(by, Verb.PUBLISHED, campaign, organisation=campaign.organisation,
                 context={"campaign": campaign.pk, "promoted_variant": variant.pk,
                          "planned": written})
    return written
