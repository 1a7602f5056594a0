"""The nudges dashboard's figures, counted in the database, and the coaches' view.

`nudge_metrics` answers in five queries whatever the number of notifications: the
viewer's roles, one GROUP BY over the notifications (week × kind × campaign × variant ×
status × reason, each group with its counts), one over the deliveries per channel, and
the campaigns and variants for the filters and the labels (the kinds come from the
registry). Every slice the
page shows (per kind, campaign, variant, week, and the totals) is a sum of those groups:
each notification is in exactly one, so the sums are exact.

`nudged_learners` is the coaches' view: the notifications of the organisation's learners
with what happened after each, one page in one query.
"""

import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import Organisation, User
from parcours.accounts.selectors import require_permission
from parcours.core.errors import DomainError
from parcours.core.models import LearningEvent, Verb
from parcours.core.roles import Permission
from parcours.engagement.kinds import registered_kinds
from parcours.engagement.metrics import (
    COMEBACK_WINDOW_DAYS,
    OPT_OUT_WINDOW_DAYS,
    Figures,
    reason_label,
)
from parcours.engagement.models import (
    Campaign,
    Channel,
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationStatus,
    Variant,
)
from parcours.engagement.selectors.centre import RowsPage
from parcours.journeys.selectors import learners_in

DEFAULT_WEEKS = 12
MAX_PERIOD_DAYS = 2 * 366
NUDGED_PAGE_SIZE = 50
# Verbs that are the engine's own doing, not the person coming back.
ENGINE_VERBS = (Verb.NOTIFIED, Verb.OPENED, Verb.CLICKED, Verb.OPTED_OUT)


class PeriodInvalid(DomainError):
    default_message = _("The period must end after it starts and last at most two years.")


@dataclass(frozen=True)
class MetricsFilter:
    """What the dashboard is narrowed to: a period of days in the viewer's time zone
    (both ends included), and optionally one kind, campaign or channel."""

    start: date
    end: date
    kind: str = ""
    campaign_id: int | None = None
    channel: str = ""

    @classmethod
    def last_weeks(cls, today: date, weeks: int = DEFAULT_WEEKS, **narrowing) -> "MetricsFilter":
        return cls(start=today - timedelta(days=7 * weeks - 1), end=today, **narrowing)

    def check(self) -> "MetricsFilter":
        if self.end < self.start or (self.end - self.start).days > MAX_PERIOD_DAYS:
            raise PeriodInvalid()
        return self


@dataclass(frozen=True)
class Slice:
    """One line of a table: what it is about, and its figures."""

    key: str
    label: str
    figures: Figures


@dataclass(frozen=True)
class Reason:
    reason: str
    label: str
    count: int


@dataclass
class NudgeMetrics:
    filters: MetricsFilter
    totals: Figures
    by_kind: list[Slice]
    by_campaign: list[Slice]
    by_variant: list[Slice]
    by_channel: list[Slice]
    weekly: list[Slice]
    suppressed_by_reason: list[Reason]
    kinds: list[str] = field(default_factory=list)
    campaigns: list[Campaign] = field(default_factory=list)
    experiments: list[Campaign] = field(default_factory=list)


def _zone(viewer: User) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(viewer.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        return timezone.get_default_timezone()


def _opted_out_after(organisation: Organisation | None = None) -> Q:
    """The recipient opted out of something within the window after it was sent.

    Opt-outs are rare: for a whole organisation, the people who opted out at all are
    picked first (a small set the database hashes once), so that the window is only
    looked up for their notifications.
    """
    sent_at = OuterRef("sent_at")
    in_window = Exists(LearningEvent.objects.filter(
        actor=OuterRef("recipient"), verb=Verb.OPTED_OUT, occurred_at__gte=sent_at,
        occurred_at__lt=ExpressionWrapper(sent_at + timedelta(days=OPT_OUT_WINDOW_DAYS),
                                          output_field=DateTimeField())))
    if organisation is None:
        return Q(in_window)
    who = LearningEvent.objects.filter(organisation=organisation, verb=Verb.OPTED_OUT,
                                       actor__isnull=False).values("actor_id")
    return Q(recipient_id__in=who) & Q(in_window)


def _came_back_after() -> Exists:
    sent_at = OuterRef("sent_at")
    return Exists(LearningEvent.objects.filter(
        actor=OuterRef("recipient"), occurred_at__gt=sent_at,
        occurred_at__lt=ExpressionWrapper(sent_at + timedelta(days=COMEBACK_WINDOW_DAYS),
                                          output_field=DateTimeField()),
    ).exclude(verb__in=ENGINE_VERBS))


def _bounds(filters: MetricsFilter, zone: zoneinfo.ZoneInfo) -> tuple[datetime, datetime]:
    """The period's first instant and the instant after it, where the viewer is."""
    return (datetime.combine(filters.start, time.min, tzinfo=zone),
            datetime.combine(filters.end + timedelta(days=1), time.min, tzinfo=zone))


def _notifications(organisation: Organisation, filters: MetricsFilter,
                   zone: zoneinfo.ZoneInfo) -> QuerySet[Notification]:
    since, until = _bounds(filters, zone)
    notifications = Notification.objects.filter(organisation=organisation,
                                                created_at__gte=since, created_at__lt=until)
    if filters.kind:
        notifications = notifications.filter(kind=filters.kind)
    if filters.campaign_id:
        notifications = notifications.filter(campaign_id=filters.campaign_id)
    if filters.channel:
        notifications = notifications.filter(Exists(Delivery.objects.filter(
            notification=OuterRef("pk"), channel=filters.channel)))
    return notifications


def _through_notification(organisation: Organisation, filters: MetricsFilter,
                          zone: zoneinfo.ZoneInfo) -> dict:
    """The dashboard's filters as lookups from a delivery through its notification."""
    since, until = _bounds(filters, zone)
    lookups = {"notification__organisation": organisation,
               "notification__created_at__gte": since, "notification__created_at__lt": until}
    if filters.kind:
        lookups["notification__kind"] = filters.kind
    if filters.campaign_id:
        lookups["notification__campaign_id"] = filters.campaign_id
    if filters.channel:
        lookups["channel"] = filters.channel
    return lookups


def _counts(group: dict) -> Figures:
    status = group["status"]
    return Figures(
        planned=group["n"],
        sent=group["n"] if status == NotificationStatus.SENT else 0,
        suppressed=group["n"] if status == NotificationStatus.SUPPRESSED else 0,
        held=group["n"] if status == NotificationStatus.HELD else 0,
        delivered=group["delivered"], opened=group["opened"], clicked=group["clicked"],
        converted=group["converted"], opted_out=group["opted_out"])


def _weeks(filters: MetricsFilter) -> list[date]:
    """Every week (its Monday) the period touches, so that quiet weeks show as zeros."""
    monday = filters.start - timedelta(days=filters.start.weekday())
    weeks = []
    while monday <= filters.end:
        weeks.append(monday)
        monday += timedelta(days=7)
    return weeks


def nudge_metrics(organisation: Organisation, *, viewer: User,
                  filters: MetricsFilter) -> NudgeMetrics:
    """The dashboard's figures for managers (`manage_nudges`), in five queries."""
    require_permission(viewer, organisation, Permission.MANAGE_NUDGES)
    filters.check()
    zone = _zone(viewer)
    notifications = _notifications(organisation, filters, zone)
    delivered = Exists(Delivery.objects.filter(notification=OuterRef("pk"),
                                               status=DeliveryStatus.SENT))
    groups = list(
        notifications
        .annotate(week=TruncWeek("created_at", tzinfo=zone))
        .values("week", "kind", "campaign_id", "variant_id", "status", "suppressed_reason")
        .annotate(n=Count("pk"),
                  delivered=Count("pk", filter=Q(delivered)),
                  opened=Count("pk", filter=Q(opened_at__isnull=False)),
                  clicked=Count("pk", filter=Q(clicked_at__isnull=False)),
                  converted=Count("pk", filter=Q(converted_at__isnull=False)),
                  opted_out=Count("pk", filter=_opted_out_after(organisation)))
        .order_by())
    # The deliveries joined once to their notification, narrowed by the same filters.
    deliveries = Delivery.objects.filter(**_through_notification(organisation, filters, zone))
    channel_rows = list(
        deliveries.values("channel")
        .annotate(n=Count("pk"),
                  delivered=Count("pk", filter=Q(status=DeliveryStatus.SENT)),
                  opened=Count("pk", filter=Q(notification__opened_at__isnull=False)),
                  clicked=Count("pk", filter=Q(notification__clicked_at__isnull=False)),
                  converted=Count("pk", filter=Q(notification__converted_at__isnull=False)))
        .order_by("channel"))
    # The kinds the engine knows (no query), and any others the period shows.
    kinds = sorted({k.name for k in registered_kinds()} | {g["kind"] for g in groups})
    campaigns = list(Campaign.objects.filter(organisation=organisation).order_by("name"))
    variants = {variant.pk: variant for variant in
                Variant.objects.filter(campaign__organisation=organisation)}
    names = {campaign.pk: campaign.name for campaign in campaigns}

    totals = Figures()
    by_kind: dict[str, Figures] = defaultdict(Figures)
    by_campaign: dict[int, Figures] = defaultdict(Figures)
    by_variant: dict[int, Figures] = defaultdict(Figures)
    by_week: dict[date, Figures] = defaultdict(Figures)
    reasons: dict[str, int] = defaultdict(int)
    for group in groups:
        figures = _counts(group)
        totals.add(figures)
        by_kind[group["kind"]].add(figures)
        if group["campaign_id"]:
            by_campaign[group["campaign_id"]].add(figures)
        if group["variant_id"]:
            by_variant[group["variant_id"]].add(figures)
        by_week[timezone.localtime(group["week"], zone).date()
                if isinstance(group["week"], datetime) else group["week"]].add(figures)
        if group["suppressed_reason"]:
            reasons[group["suppressed_reason"]] += group["n"]

    channel_labels = dict(Channel.choices)
    by_channel = [
        Slice(key=row["channel"], label=str(channel_labels.get(row["channel"], row["channel"])),
              figures=Figures(planned=row["n"], sent=row["n"], delivered=row["delivered"],
                              opened=row["opened"], clicked=row["clicked"],
                              converted=row["converted"]))
        for row in channel_rows]
    experiments = [c for c in campaigns
                   if sum(1 for v in variants.values() if v.campaign_id == c.pk) > 1]
    return NudgeMetrics(
        filters=filters, totals=totals,
        by_kind=[Slice(key=kind, label=kind, figures=figures)
                 for kind, figures in sorted(by_kind.items())],
        by_campaign=[Slice(key=str(pk), label=names.get(pk, str(pk)), figures=figures)
                     for pk, figures in sorted(by_campaign.items(),
                                               key=lambda item: names.get(item[0], ""))],
        by_variant=[Slice(key=str(pk), label=_variant_label(variants.get(pk), names, pk),
                          figures=figures)
                    for pk, figures in sorted(by_variant.items(), key=lambda item: (
                        _variant_label(variants.get(item[0]), names, item[0])))],
        by_channel=by_channel,
        weekly=[Slice(key=week.isoformat(), label=week.isoformat(),
                      figures=by_week.get(week, Figures())) for week in _weeks(filters)],
        suppressed_by_reason=[Reason(reason=reason, label=reason_label(reason), count=count)
                              for reason, count in sorted(reasons.items(),
                                                          key=lambda item: -item[1])],
        kinds=kinds, campaigns=campaigns, experiments=experiments,
    )


def _variant_label(variant: Variant | None, names: dict[int, str], pk: int) -> str:
    if variant is None:
        return str(pk)
    return f"{names.get(variant.campaign_id, '')} — {variant.name}"


# --- The coaches' view ------------------------------------------------------------------


@dataclass(frozen=True)
class NudgedFilter:
    learner_id: int | None = None
    kind: str = ""


def nudged_learners(organisation: Organisation, *, viewer: User,
                    filters: NudgedFilter = NudgedFilter(), page: int | str = 1,
                    per_page: int = NUDGED_PAGE_SIZE) -> RowsPage:
    """What the engine did for the learners a coach follows (`view_nudges`): each
    notification written for them, newest first, with what happened after it (opened,
    clicked, converted, came back, opted out; or suppressed, and why). Two queries for a
    page in one query, with the outcomes worked out by the database (no total: one row
    more than the page says whether another follows)."""
    require_permission(viewer, organisation, Permission.VIEW_NUDGES)
    # Journeys says who a coach follows: every learner of the organisation for now.
    notifications = Notification.objects.filter(
        organisation=organisation, recipient__in=learners_in(organisation).values("pk"),
    ).exclude(status=NotificationStatus.PLANNED)
    if filters.learner_id:
        notifications = notifications.filter(recipient_id=filters.learner_id)
    if filters.kind:
        notifications = notifications.filter(kind=filters.kind)
    rows = (notifications.select_related("recipient", "campaign")
            .annotate(came_back=_came_back_after(), opted_out=_opted_out_after())
            .order_by("-created_at", "-id"))
    try:
        number = max(1, int(page))
    except (TypeError, ValueError):
        number = 1
    start = (number - 1) * per_page
    found = list(rows[start:start + per_page + 1])
    for notification in found:
        notification.reason_label = reason_label(notification.suppressed_reason)
    return RowsPage(items=found[:per_page], number=number, has_next=len(found) > per_page)


def followed_learners(organisation: Organisation, *, viewer: User) -> list[User]:
    """The learners the coach may filter the view by (one query)."""
    require_permission(viewer, organisation, Permission.VIEW_NUDGES)
    return list(learners_in(organisation).order_by("display_name", "email"))
