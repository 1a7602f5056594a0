"""Notifications as the dispatcher leaves them, for the tests of the pages that read them.

`sent(...)` writes a sent notification with its deliveries directly, so that the centre,
the dashboard and the coaches' view are tested on their own (the outbox and dispatcher
have their own tests).
"""

import itertools
from datetime import datetime

from django.utils import timezone

from parcours.engagement.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationStatus,
)

_keys = itertools.count(1)


def sent(recipient, organisation, *, kind: str = "reward_quiz", category: str = "rewards",
         subject: str = "Well done", body: str = "You passed.", url: str = "/",
         channels=(Channel.IN_APP,), at: datetime | None = None,
         status: str = NotificationStatus.SENT, reason: str = "", **fields) -> Notification:
    at = at or timezone.now()
    notification = Notification.objects.create(
        organisation=organisation, recipient=recipient, kind=kind, category=category,
        idempotency_key=f"test:{next(_keys)}", subject=subject, body=body, url=url,
        status=status, suppressed_reason=reason, created_at=at, deliver_after=at,
        sent_at=at if status == NotificationStatus.SENT else None, **fields)
    if status == NotificationStatus.SENT:
        Delivery.objects.bulk_create([
            Delivery(notification=notification, channel=channel,
                     status=(DeliveryStatus.DIGESTED if channel == Channel.DIGEST
                             else DeliveryStatus.SENT), sent_at=at, attempts=1)
            for channel in channels])
    return notification
