"""Web Push with VAPID (RFC 8030, 8291, 8292) through pywebpush.

One delivery goes to every active subscription of the person (each browser or device
they turned push on). The payload is JSON `{title, body, url, tag}`: the service worker
shows it and opens `url` (the click-through) when it is clicked. The `Topic` header
and the `tag` are the notification's token: a push service replaces a queued message
with the same topic, and a browser replaces a shown notification with the same tag, so
a retry after a worker died between sending and recording shows one notification.
"""

import json

import requests
from django.conf import settings
from django.utils import timezone
from pywebpush import WebPushException, webpush

from parcours.engagement import tracking
from parcours.engagement.channels.base import (
    PermanentFailure,
    TemporaryFailure,
    register_channel,
)
from parcours.engagement.models import Channel, PushSubscription
from parcours.engagement.services.push import disable_subscription, vapid

TIMEOUT_SECONDS = 10
TTL_SECONDS = 2 * 24 * 3600  # a phone switched off for a weekend still gets it
BODY_MAX = 1000  # push services accept about 4 KB once encrypted


def payload(notification) -> str:
    return json.dumps({
        "title": notification.subject,
        "body": notification.body[:BODY_MAX],
        "url": tracking.go_url(notification),
        "tag": notification.token.hex,
    })


class PushChannel:
    name = Channel.PUSH
    in_transaction = False

    def send(self, delivery) -> str:
        notification = delivery.notification
        subscriptions = list(PushSubscription.objects.filter(
            user_id=notification.recipient_id, disabled_at__isnull=True))
        if not subscriptions:
            raise PermanentFailure("The person has no active push subscription.")
        data = payload(notification)
        headers = {"Topic": notification.token.hex,
                   "Urgency": "high" if notification.urgent else "normal"}
        delivered, temporary, permanent = 0, [], []
        for subscription in subscriptions:
            try:
                webpush(
                    subscription_info={"endpoint": subscription.endpoint,
                                       "keys": {"p256dh": subscription.p256dh,
                                                "auth": subscription.auth}},
                    data=data, vapid_private_key=vapid(),
                    vapid_claims={"sub": settings.VAPID_SUBJECT},  # fresh: webpush adds aud
                    headers=headers, ttl=TTL_SECONDS, timeout=TIMEOUT_SECONDS)
            except WebPushException as refused:
                status = refused.response.status_code if refused.response is not None else None
                if status in (404, 410):
                    disable_subscription(subscription,
                                         reason=f"push service answered {status}")
                    permanent.append(f"{status} gone")
                elif status is None or status == 429 or status >= 500:
                    temporary.append(f"{status}: {refused}")
                else:
                    permanent.append(f"{status}: {refused}")
            except requests.RequestException as trouble:
                temporary.append(f"{type(trouble).__name__}: {trouble}")
            else:
                delivered += 1
                PushSubscription.objects.filter(pk=subscription.pk).update(
                    last_success_at=timezone.now())
        if delivered:
            return f"{delivered} device(s)"
        if temporary:
            raise TemporaryFailure("; ".join(temporary))
        raise PermanentFailure("; ".join(permanent))


register_channel(PushChannel())
