"""Private calendar feeds: an address (with a secret token) that Google Calendar,
Outlook or Thunderbird subscribe to, listing the person's sessions.

Only the SHA-256 of the token is stored; the raw token is shown once, when it is made.
A new token replaces the previous one; revoking makes the address answer 404.
"""

import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import User
from parcours.classroom.models import CalendarFeed
from parcours.classroom.selectors import hash_feed_token
from parcours.core.errors import Conflict, NotAllowed

TOKEN_BYTES = 32


class NoCalendarFeed(Conflict):
    default_message = _("You have no calendar address to revoke.")


class NotYourCalendar(NotAllowed):
    default_message = _("Only its owner can manage a calendar address.")


@transaction.atomic
def create_calendar_feed(user: User, *, by: User) -> tuple[CalendarFeed, str]:
    """Give the person a new calendar address; the previous one stops working.

    Returns the feed and the raw token: show it once, then forget it.
    """
    if by.pk != user.pk:
        raise NotYourCalendar()
    raw = secrets.token_urlsafe(TOKEN_BYTES)
    feed, _created = CalendarFeed.objects.update_or_create(
        user=user, defaults={"token_hash": hash_feed_token(raw), "revoked_at": None})
    return feed, raw


@transaction.atomic
def revoke_calendar_feed(user: User, *, by: User) -> CalendarFeed:
    """Stop the person's calendar address from working (calendars subscribed to it stop
    updating)."""
    if by.pk != user.pk:
        raise NotYourCalendar()
    feed = (CalendarFeed.objects.select_for_update()
            .filter(user=user, revoked_at__isnull=True).first())
    if feed is None:
        raise NoCalendarFeed()
    feed.revoked_at = timezone.now()
    feed.save(update_fields=["revoked_at", "updated_at"])
    return feed
