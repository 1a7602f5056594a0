"""REST endpoints of the notification centre, push devices and the nudges' figures.

- `/me/notifications`: the caller's notifications delivered in the app (the bell and
  the centre), mark one or all read;
- `/me/push-subscriptions`: the caller's browsers that receive Web Push;
- `/organisations/{slug}/nudge-metrics`: the managers' dashboard as JSON
  (`manage_nudges`).

The same selectors and services as the pages. Another person's notification or device
is `404`, as if it did not exist.
"""

from datetime import date, datetime
from decimal import Decimal

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from parcours.accounts.models import Organisation
from parcours.accounts.selectors import organisation_for
from parcours.api import schemas
from parcours.api.errors import OutsideOrganisation
from parcours.engagement.models import Notification, PushSubscription
from parcours.engagement.selectors import centre as selectors
from parcours.engagement.selectors.metrics import MetricsFilter, nudge_metrics
from parcours.engagement.services import centre as services
from parcours.engagement.services.push import subscribe_push, unsubscribe_push

router = Router(tags=["notifications"])

MINE = {401: schemas.Error, 404: schemas.Error}
REFUSALS = {401: schemas.Error, 403: schemas.Error}


# Schemas


class NotificationOut(Schema):
    id: int
    kind: str = Field(description="What produced it, e.g. reward_quiz, step_due_soon.")
    category: str = Field(description="What the person opts in or out of.")
    subject: str
    body: str
    url: str = Field(description="The page it is about (relative to the site).")
    link: str = Field(description="The same page through the click-tracking link: open "
                                  "this one, so that the click counts.")
    organisation: str = Field(description="The organisation's short name.")
    sent_at: datetime | None
    read_at: datetime | None


class NotificationPage(Schema):
    count: int = Field(description="How many match (all pages).")
    unread: int = Field(description="How many of the caller's notifications are unread.")
    limit: int
    offset: int
    items: list[NotificationOut]


class NotificationQuery(Schema):
    unread: bool = Field(False, description="Only the unread ones.")
    limit: int = Field(20, ge=1, le=100, description="How many to return (1 to 100).")
    offset: int = Field(0, ge=0, description="How many to skip.")


class MarkedOut(Schema):
    marked: int = Field(description="How many notifications were marked read.")


class PushKeys(Schema):
    p256dh: str = Field(max_length=200, description="The browser's public key (base64url).")
    auth: str = Field(max_length=100, description="The authentication secret (base64url).")


class PushSubscriptionIn(Schema):
    """What a browser's `PushSubscription.toJSON()` gives, and a name for the device."""

    endpoint: str = Field(max_length=1000, examples=["https://push.example.net/send/abc"])
    keys: PushKeys
    user_agent: str = Field("", max_length=200, description="A name for the device.")


class PushSubscriptionOut(Schema):
    id: int
    endpoint: str
    user_agent: str
    created_at: datetime
    last_success_at: datetime | None


class MetricsQuery(Schema):
    start: date | None = Field(None, description="First day (in the caller's time zone); "
                                                 "default: 12 weeks before `end`.")
    end: date | None = Field(None, description="Last day, included; default: today.")
    kind: str = Field("", max_length=40)
    campaign: int | None = Field(None, ge=1, description="A campaign's id.")
    channel: str = Field("", max_length=12, description="in_app, email, push or digest.")


class FiguresOut(Schema):
    planned: int
    sent: int
    delivered: int
    opened: int
    clicked: int
    converted: int
    opted_out: int
    suppressed: int
    held: int
    open_rate: Decimal | None = Field(description="Percent of sent, one decimal; null "
                                                  "when nothing was sent.")
    ctr: Decimal | None = Field(description="Clicked / sent, percent.")
    conversion_rate: Decimal | None
    opt_out_rate: Decimal | None


class SliceOut(Schema):
    key: str
    label: str
    figures: FiguresOut


class ReasonOut(Schema):
    reason: str
    label: str
    count: int


class NudgeMetricsOut(Schema):
    start: date
    end: date
    totals: FiguresOut
    by_kind: list[SliceOut]
    by_campaign: list[SliceOut]
    by_variant: list[SliceOut]
    by_channel: list[SliceOut]
    weekly: list[SliceOut] = Field(description="One line per week; key: its Monday.")
    suppressed_by_reason: list[ReasonOut]


# Helpers


def _organisation(request: HttpRequest, slug: str) -> Organisation:
    try:
        return organisation_for(request.auth, slug)
    except Http404 as outside:
        raise OutsideOrganisation() from outside


def _notification_out(notification: Notification) -> dict:
    return {
        "id": notification.pk, "kind": notification.kind, "category": notification.category,
        "subject": notification.subject, "body": notification.body, "url": notification.url,
        "link": selectors.link_of(notification),
        "organisation": notification.organisation.slug,
        "sent_at": notification.sent_at, "read_at": notification.read_at,
    }


def _subscription_out(subscription: PushSubscription) -> dict:
    return {"id": subscription.pk, "endpoint": subscription.endpoint,
            "user_agent": subscription.user_agent, "created_at": subscription.created_at,
            "last_success_at": subscription.last_success_at}


def _slices(slices) -> list[dict]:
    return [{"key": s.key, "label": s.label, "figures": s.figures.as_dict()} for s in slices]


# Endpoints: the centre


@router.get("/me/notifications", response={200: NotificationPage, 401: schemas.Error},
            summary="List my notifications", operation_id="list_my_notifications")
def list_notifications(request: HttpRequest, query: Query[NotificationQuery]):
    """The caller's notifications delivered in the app, newest first (what the bell and
    the notification centre show). `unread=true` for the unread ones only."""
    total, items = selectors.notifications_slice(
        request.auth, unread_only=query.unread, offset=query.offset, limit=query.limit)
    return {"count": total, "unread": selectors.unread_count(request.auth),
            "limit": query.limit, "offset": query.offset,
            "items": [_notification_out(n) for n in items]}


@router.post("/me/notifications/read-all", response={200: MarkedOut, 401: schemas.Error},
             summary="Mark all my notifications read",
             operation_id="mark_all_my_notifications_read")
def read_all(request: HttpRequest):
    return {"marked": services.mark_all_read(request.auth)}


@router.post("/me/notifications/{notification_id}/read", response={200: NotificationOut, **MINE},
             summary="Mark one notification read", operation_id="mark_my_notification_read")
def read_one(request: HttpRequest, notification_id: int):
    """Marks it read (again is harmless: the first time is kept). `404` for a
    notification that is not the caller's."""
    notification = selectors.own_notification(request.auth, notification_id)
    return _notification_out(services.mark_read(notification, by=request.auth))


# Endpoints: push devices


@router.get("/me/push-subscriptions", response={200: list[PushSubscriptionOut],
                                                401: schemas.Error},
            summary="List my push devices", operation_id="list_my_push_subscriptions")
def list_push_subscriptions(request: HttpRequest):
    """The caller's browsers and devices that receive Web Push, newest first."""
    return [_subscription_out(s) for s in selectors.push_devices(request.auth)]


@router.post("/me/push-subscriptions",
             response={201: PushSubscriptionOut, 400: schemas.Error, 401: schemas.Error,
                       422: schemas.ValidationFailed},
             summary="Add a push device", operation_id="add_my_push_subscription")
def add_push_subscription(request: HttpRequest, payload: PushSubscriptionIn):
    """Record a browser's subscription (its `PushSubscription.toJSON()`), or renew it.
    `400` when the endpoint is not an https address of a push service or a key is not
    valid."""
    subscription = subscribe_push(request.auth, endpoint=payload.endpoint,
                                  p256dh=payload.keys.p256dh, auth=payload.keys.auth,
                                  user_agent=payload.user_agent)
    return Status(201, _subscription_out(subscription))


@router.delete("/me/push-subscriptions/{subscription_id}", response={204: None, **MINE},
               summary="Remove a push device", operation_id="remove_my_push_subscription")
def remove_push_subscription(request: HttpRequest, subscription_id: int):
    """The device stops receiving push notifications. `404` for one that is not the
    caller's."""
    subscription = selectors.own_push_subscription(request.auth, subscription_id)
    unsubscribe_push(subscription, by=request.auth)
    return Status(204, None)


# Endpoints: the figures


@router.get("/organisations/{slug}/nudge-metrics",
            response={200: NudgeMetricsOut, **REFUSALS, 400: schemas.Error,
                      422: schemas.ValidationFailed},
            summary="Nudges' figures", operation_id="get_nudge_metrics")
def get_nudge_metrics(request: HttpRequest, slug: str, query: Query[MetricsQuery]):
    """The dashboard's figures: per kind, campaign, variant, channel and week, with the
    rates, and what was not sent by reason. Managers and administrators only. `400` for
    a period that ends before it starts or lasts more than two years."""
    organisation = _organisation(request, slug)
    end = query.end or timezone.localdate()
    default = MetricsFilter.last_weeks(end)
    filters = MetricsFilter(start=query.start or default.start, end=end, kind=query.kind,
                            campaign_id=query.campaign, channel=query.channel)
    metrics = nudge_metrics(organisation, viewer=request.auth, filters=filters)
    return {
        "start": filters.start, "end": filters.end, "totals": metrics.totals.as_dict(),
        "by_kind": _slices(metrics.by_kind), "by_campaign": _slices(metrics.by_campaign),
        "by_variant": _slices(metrics.by_variant), "by_channel": _slices(metrics.by_channel),
        "weekly": _slices(metrics.weekly),
        "suppressed_by_reason": [{"reason": r.reason, "label": r.label, "count": r.count}
                                 for r in metrics.suppressed_by_reason],
    }
