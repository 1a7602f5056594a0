"""Reads of the notification centre: the bell, the list, one notification, push devices.

The centre shows what was delivered in the app: notifications sent (`status=sent`) with
an `in_app` delivery. Planned, suppressed and held ones, and those that went only by
email, push or the digest, are not in it. The bell is on every page, so it costs two
queries (the unread count and the latest five), whatever the person's history.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import User
from parcours.engagement.models import (
    Channel,
    Delivery,
    Notification,
    NotificationStatus,
    PushSubscription,
)
from parcours.engagement.tracking import go_path

BELL_LATEST = 5
CENTRE_PAGE_SIZE = 20
# The bell counts unread notifications up to this many ("99+"): a person who never reads
# them would otherwise make every page count their whole history, every minute.
UNREAD_COUNTED = 100


def in_centre(user: User) -> QuerySet[Notification]:
    """The person's notifications delivered in the app, newest first.

    Newest by creation, not by sending: the index on (recipient, created_at) then gives
    the latest ones without sorting the person's whole history. A nudge held for the
    person's best hour is shown where it was written, a few hours back at most.
    """
    in_app = Delivery.objects.filter(notification=OuterRef("pk"), channel=Channel.IN_APP)
    return (Notification.objects.filter(recipient=user, status=NotificationStatus.SENT)
            .filter(Exists(in_app))
            .order_by("-created_at", "-id"))


def link_of(notification: Notification) -> str:
    """Where a notification leads: through the click-tracking redirect (`engagement:go`,
    which records the click, then redirects to its url)."""
    return go_path(notification) if notification.url else ""


@dataclass(frozen=True)
class Bell:
    unread: int
    latest: list[Notification]

    @property
    def many(self) -> bool:
        """More unread than the bell counts: it says "99+"."""
        return self.unread >= UNREAD_COUNTED


def bell(user: User) -> Bell:
    """The unread count (up to `UNREAD_COUNTED`) and the latest notifications, in two
    queries."""
    return Bell(unread=unread_count(user, up_to=UNREAD_COUNTED),
                latest=list(in_centre(user)[:BELL_LATEST]))


@dataclass(frozen=True)
class RowsPage:
    """One page of a list (the centre, the coaches' view), and whether pages follow it
    (no total: counting a long history on every visit would cost more than the page)."""

    items: list[Notification]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1


def centre_page(user: User, *, page: int | str = 1, unread_only: bool = False,
                per_page: int = CENTRE_PAGE_SIZE) -> RowsPage:
    """One page of the person's notifications, in one query (one row more than the page
    says whether another follows)."""
    try:
        number = max(1, int(page))
    except (TypeError, ValueError):
        number = 1
    notifications = in_centre(user).select_related("organisation")
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    start = (number - 1) * per_page
    rows = list(notifications[start:start + per_page + 1])
    return RowsPage(items=rows[:per_page], number=number, has_next=len(rows) > per_page)


def notifications_slice(user: User, *, unread_only: bool, offset: int,
                        limit: int) -> tuple[int, list[Notification]]:
    """The API's page: the total, then the items from `offset` (two queries)."""
    notifications = in_centre(user).select_related("organisation")
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications.count(), list(notifications[offset:offset + limit])


def unread_count(user: User, *, up_to: int | None = None) -> int:
    """How many are unread; counting stops at `up_to` when given."""
    unread = in_centre(user).filter(read_at__isnull=True)
    return unread[:up_to].count() if up_to else unread.count()


def own_notification(user: User, notification_id: int) -> Notification:
    """One notification of the person's centre; anyone else's (or one not delivered in
    the app) is a 404."""
    try:
        return in_centre(user).get(pk=notification_id)
    except Notification.DoesNotExist as missing:
        raise Http404(_("No such notification.")) from missing


# --- Web Push devices -------------------------------------------------------------------


def push_devices(user: User) -> list[PushSubscription]:
    """The person's devices that receive push notifications, newest first (one query)."""
    return list(PushSubscription.objects.filter(user=user, disabled_at__isnull=True))


def own_push_subscription(user: User, subscription_id: int) -> PushSubscription:
    """One of the person's push subscriptions; anyone else's is a 404."""
    try:
        return PushSubscription.objects.get(pk=subscription_id, user=user,
                                            disabled_at__isnull=True)
    except PushSubscription.DoesNotExist as missing:
        raise Http404(_("No such device.")) from missing


def own_push_subscription_at(user: User, endpoint: str) -> PushSubscription:
    """The person's active subscription for a browser's endpoint; else a 404."""
    try:
        return PushSubscription.objects.get(endpoint=endpoint, user=user,
                                            disabled_at__isnull=True)
    except PushSubscription.DoesNotExist as missing:
        raise Http404(_("No such device.")) from missing
