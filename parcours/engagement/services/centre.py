"""The notification centre's writes: a person marks their own notifications read.

Reading is the centre's state, not a tracked event: opens and clicks are recorded by the
tracking links (`engagement:open`, `engagement:go`), which is what the metrics count.
"""

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import User
from parcours.engagement.models import Notification
from parcours.engagement.selectors.centre import in_centre


class NotificationNotFound(Http404):
    """Someone else's notification: it does not exist for the caller."""


@transaction.atomic
def mark_read(notification: Notification, *, by: User) -> Notification:
    """Mark one notification read; only its recipient may (anyone else gets a 404, so a
    guessed id says nothing). Marking a read one again keeps the first time."""
    if notification.recipient_id != by.pk:
        raise NotificationNotFound(_("No such notification."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def mark_all_read(user: User) -> int:
    """Mark every notification of the person's centre read; returns how many changed."""
    return in_centre(user).filter(read_at__isnull=True).update(read_at=timezone.now())
