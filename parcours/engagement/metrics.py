"""The figures of the nudges dashboard and what each one means.

Counted per notification (the unit a person receives), except per channel where the
unit is the delivery on that channel:

- planned: every notification written to the outbox in the period (by `created_at`);
- sent: the dispatcher sent it (`status=sent`); suppressed: a rule stopped it (with its
  reason); held: an experiment's holdout group (counted, never sent);
- delivered: at least one of its deliveries reached its channel (`Delivery.status=sent`);
- opened / clicked: the tracking links saw it opened / clicked (`opened_at`, `clicked_at`);
- converted: its goal happened within its window (`converted_at`, stamped from the
  learning events by the campaigns part);
- opted out: its recipient opted out of something (the learning event `opted-out`)
  within `OPT_OUT_WINDOW_DAYS` after it was sent. An unsubscribe link names a category,
  not a message, so every notification sent to the person in those days shares it:
  the rate is an upper bound of the harm one kind does.

Rates are percentages of the notifications sent, as Decimals with one decimal place
(`None` when nothing was sent: no rate is better than a made-up zero).
"""

from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal

OPT_OUT_WINDOW_DAYS = 7
# Someone "came back" after a nudge when they did something within this many days.
COMEBACK_WINDOW_DAYS = 7

COUNTS = ("planned", "sent", "delivered", "opened", "clicked", "converted", "opted_out",
          "suppressed", "held")
RATES = ("open_rate", "ctr", "conversion_rate", "opt_out_rate")


def rate(part: int, whole: int) -> Decimal | None:
    """`part` as a percentage of `whole`, to one decimal place; None when `whole` is 0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class Figures:
    """The counts of one slice of the notifications (a kind, a week, a channel…)."""

    planned: int = 0
    sent: int = 0
    delivered: int = 0
    opened: int = 0
    clicked: int = 0
    converted: int = 0
    opted_out: int = 0
    suppressed: int = 0
    held: int = 0

    def add(self, other: "Figures") -> "Figures":
        for field in fields(self):
            setattr(self, field.name, getattr(self, field.name) + getattr(other, field.name))
        return self

    @property
    def open_rate(self) -> Decimal | None:
        return rate(self.opened, self.sent)

    @property
    def ctr(self) -> Decimal | None:
        """Click-through rate: clicked / sent."""
        return rate(self.clicked, self.sent)

    @property
    def conversion_rate(self) -> Decimal | None:
        return rate(self.converted, self.sent)

    @property
    def opt_out_rate(self) -> Decimal | None:
        return rate(self.opted_out, self.sent)

    def as_dict(self) -> dict:
        return {**{name: getattr(self, name) for name in COUNTS},
                **{name: getattr(self, name) for name in RATES}}


def _reason_labels() -> dict[str, str]:
    from django.utils.translation import gettext_lazy as _

    return {
        "already_done": _("Already done"),
        "opted_out": _("Opted out"),
        "backing_off": _("Backing off (ignored three in a row)"),
        "capped": _("Weekly cap reached"),
        "duplicate": _("Duplicate"),
        "stale": _("No longer timely"),
        "no_channel": _("No channel accepted"),
        "holdout": _("Holdout group"),
    }


def reason_label(reason: str) -> str:
    """The readable name of a suppression reason (the slug itself when unknown)."""
    return str(_reason_labels().get(reason, reason))


def table_rows(metrics) -> list[tuple[str, str, str, "Figures"]]:
    """Every line of the dashboard as (section, key, label, figures), in the page's order:
    the totals, then per kind, campaign, variant, channel and week (the CSV export's
    lines). `metrics` is a `selectors.metrics.NudgeMetrics`."""
    rows = [("total", "", "", metrics.totals)]
    for section, slices in (("kind", metrics.by_kind), ("campaign", metrics.by_campaign),
                            ("variant", metrics.by_variant), ("channel", metrics.by_channel),
                            ("week", metrics.weekly)):
        rows.extend((section, item.key, item.label, item.figures) for item in slices)
    rows.extend(("suppressed", reason.reason, reason.label, Figures(suppressed=reason.count))
                for reason in metrics.suppressed_by_reason)
    return rows
