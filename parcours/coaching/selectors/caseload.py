"""A coach's caseload: every engagement they follow, and who is drifting away.

Drifting is what a coach would otherwise find by going through a spreadsheet: no
appointment booked, action items overdue, nothing done on the path for a while. The page
runs one query whatever the size of the caseload (a test pins it, bench/coaching_pages.py
times it): each signal is a subquery, never a query per engagement.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import (
    Count,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import Organisation, User
from parcours.accounts.selectors import require_permission
from parcours.coaching.hours import format_minutes
from parcours.coaching.models import (
    AppointmentStatus,
    Engagement,
    EngagementStatus,
)
from parcours.core.models import LearningEvent
from parcours.core.roles import Permission

INACTIVE_AFTER_DAYS = 14

DRIFT_REASONS = {
    "no_appointment": _("No appointment booked"),
    "actions_overdue": _("Action items overdue: %(count)d"),
    "inactive": _("Inactive on the path for %(days)d days or more"),
}


@dataclass(frozen=True)
class CaseloadFilter:
    status: str = EngagementStatus.ACTIVE
    drifting_only: bool = False


def _overdue_actions(today: date) -> Subquery:
    from parcours.coaching.models import ActionItem

    return Subquery(
        ActionItem.objects.filter(engagement=OuterRef("pk"), done_at__isnull=True,
                                  due_on__lt=today)
        .order_by().values("engagement").annotate(n=Count("id")).values("n"),
        output_field=IntegerField())


def _last_activity() -> Subquery:
    return Subquery(
        LearningEvent.objects.filter(actor=OuterRef("beneficiary"),
                                     organisation=OuterRef("organisation"))
        .order_by("-occurred_at").values("occurred_at")[:1])


def with_signals(engagements: QuerySet[Engagement], *, now: datetime,
                 today: date) -> QuerySet[Engagement]:
    """Annotate hours used, the next and last appointments, overdue actions and the last
    activity of the beneficiary."""
    return (engagements
            .annotate(
                used_minutes=Coalesce(Sum("appointments__actual_minutes",
                                          filter=Q(appointments__status=AppointmentStatus.CLOSED)),
                                      Value(0)),
                next_appointment_at=Min("appointments__starts_at",
                                        filter=Q(appointments__status=AppointmentStatus.BOOKED,
                                                 appointments__starts_at__gte=now)),
                last_appointment_at=Max("appointments__starts_at",
                                        filter=Q(appointments__status=AppointmentStatus.CLOSED)),
                overdue_actions=Coalesce(_overdue_actions(today), Value(0)),
                last_activity_at=_last_activity(),
            ))


@dataclass
class CaseloadRow:
    engagement: Engagement
    used_minutes: int
    next_appointment_at: datetime | None
    last_appointment_at: datetime | None
    overdue_actions: int
    last_activity_at: datetime | None
    drift: list[str]

    @property
    def left_minutes(self) -> int:
        return max(self.engagement.contracted_minutes - self.used_minutes, 0)

    @property
    def used_percent(self) -> int:
        contracted = self.engagement.contracted_minutes
        return round(100 * self.used_minutes / contracted) if contracted else 0

    @property
    def used_text(self) -> str:
        return format_minutes(self.used_minutes)

    @property
    def contracted_text(self) -> str:
        return format_minutes(self.engagement.contracted_minutes)

    @property
    def drift_labels(self) -> list[str]:
        values = {"count": self.overdue_actions, "days": INACTIVE_AFTER_DAYS}
        return [str(DRIFT_REASONS[reason]) % values for reason in self.drift]


def _drift(engagement: Engagement, now: datetime) -> list[str]:
    if engagement.status != EngagementStatus.ACTIVE:
        return []
    reasons = []
    if engagement.next_appointment_at is None:
        reasons.append("no_appointment")
    if engagement.overdue_actions:
        reasons.append("actions_overdue")
    if (engagement.last_activity_at is None
            or engagement.last_activity_at < now - timedelta(days=INACTIVE_AFTER_DAYS)):
        reasons.append("inactive")
    return reasons


def coach_caseload(organisation: Organisation, *, viewer: User, today: date,
                   filters: CaseloadFilter = CaseloadFilter()) -> list[CaseloadRow]:
    """The engagements `viewer` coaches, the drifting first, then by beneficiary."""
    require_permission(viewer, organisation, Permission.COACH_BENEFICIARIES)
    now = timezone.now()
    engagements = Engagement.objects.filter(organisation=organisation,
                                            coach_links__coach=viewer)
    if filters.status:
        engagements = engagements.filter(status=filters.status)
    engagements = with_signals(engagements.select_related("beneficiary", "engagement_type"),
                               now=now, today=today)
    rows = [CaseloadRow(engagement, engagement.used_minutes, engagement.next_appointment_at,
                        engagement.last_appointment_at, engagement.overdue_actions,
                        engagement.last_activity_at, _drift(engagement, now))
            for engagement in engagements]
    if filters.drifting_only:
        rows = [row for row in rows if row.drift]
    return sorted(rows, key=lambda row: (
        not row.drift, -len(row.drift),
        (row.engagement.beneficiary.display_name.casefold()
         if row.engagement.beneficiary else "")))
