"""Conversions: a notification is converted when its recipient did the goal in time.

The goal travels in the notification's context (docs/engagement.md, *Conversion*):
`conversion_verb`, optionally `conversion_object` ("type:id") and `conversion_days`
(default 7). A sent notification converts when the recipient's learning events in its
organisation show that verb (on that object, when set) after `sent_at` and within the
window; a holdout row (`held`, never sent) is measured from `deliver_after`, the moment
it would have gone out, which is what makes the holdout a baseline. `converted_at` is
the time of the first such event (the experiments read the revenue of a paid
enrolment from that very event).

`stamp_conversions` is set-based: one UPDATE … WHERE EXISTS per distinct goal and
reference time (a handful: one per campaign goal or trigger kind), never a loop over
rows. Rows are looked at until a day after their window closes, so that the scan stays
bounded however long the outbox grows. `manage.py run_due_campaigns` calls it (run it
every few minutes, with the dispatcher).
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.db.models.fields.json import KT
from django.utils import timezone

from parcours.core.models import LearningEvent
from parcours.engagement.models import Notification, NotificationStatus

DEFAULT_DAYS = 7
GRACE = timedelta(days=1)
MAX_DAYS = 90


def _goal_rows(now: datetime) -> QuerySet[Notification]:
    return Notification.objects.filter(
        converted_at__isnull=True, context__has_key="conversion_verb",
        status__in=[NotificationStatus.SENT, NotificationStatus.HELD],
        deliver_after__gte=now - timedelta(days=MAX_DAYS) - GRACE)


def _goals(now: datetime) -> list[tuple[str, str, int]]:
    combos = (_goal_rows(now).annotate(
        goal_verb=KT("context__conversion_verb"), goal_object=KT("context__conversion_object"),
        goal_days=KT("context__conversion_days"))
        .values_list("goal_verb", "goal_object", "goal_days").distinct())
    goals = set()
    for verb, target, days in combos:
        try:
            days = int(days) if days not in (None, "") else DEFAULT_DAYS
        except (TypeError, ValueError):
            days = DEFAULT_DAYS
        goals.add((verb, target or "", min(max(days, 1), MAX_DAYS)))
    return sorted(goals)


def _matching(rows: QuerySet[Notification], verb: str, target: str,
              days: int) -> QuerySet[Notification]:
    rows = rows.filter(context__conversion_verb=verb)
    if target:
        rows = rows.filter(context__conversion_object=target)
    else:
        rows = rows.exclude(context__has_key="conversion_object")
    if days == DEFAULT_DAYS:
        return rows.exclude(context__has_key="conversion_days") | rows.filter(
            context__conversion_days=days)
    return rows.filter(context__conversion_days=days)


@transaction.atomic
def stamp_conversions(*, now: datetime | None = None) -> int:
    """Stamp `converted_at` where the goal happened within the window; returns how many."""
    now = now or timezone.now()
    stamped = 0
    for verb, target, days in _goals(now):
        for status, reference in ((NotificationStatus.SENT, "sent_at"),
                                  (NotificationStatus.HELD, "deliver_after")):
            events = LearningEvent.objects.filter(
                actor=OuterRef("recipient_id"), organisation=OuterRef("organisation_id"),
                verb=verb, occurred_at__gt=OuterRef(reference),
                occurred_at__lte=OuterRef(reference) + timedelta(days=days))
            if target:
                object_type, object_id = target.split(":", 1)
                events = events.filter(object_type=object_type, object_id=object_id)
            rows = _matching(
                _goal_rows(now).filter(status=status, **{
                    f"{reference}__isnull": False,
                    f"{reference}__gte": now - timedelta(days=days) - GRACE,
                    f"{reference}__lte": now}),
                verb, target, days)
            stamped += Notification.objects.filter(
                pk__in=rows.filter(Exists(events)).values("pk")).update(
                converted_at=Subquery(events.order_by("occurred_at").values("occurred_at")[:1]))
    return stamped
