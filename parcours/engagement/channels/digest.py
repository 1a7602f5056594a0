"""The digest: low-priority messages held for a person who chose one email a day or a
week, sent together by `send_digests` (command `send_digests --frequency daily|weekly`).

The dispatcher leaves such deliveries `digested`. The job claims a person's held
deliveries with a lease, sends one email listing them, then marks them sent, so a
digest that fails is sent again later (same `Message-ID` for the same items) and none
of its items is lost or sent twice by two jobs.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from parcours.classroom.ical import speaking_to
from parcours.core.tasks import retry_delay
from parcours.engagement import tracking
from parcours.engagement.channels.base import (
    PermanentFailure,
    TemporaryFailure,
    register_channel,
)
from parcours.engagement.channels.email import message_id, preferences_url, send_email
from parcours.engagement.models import Channel, Delivery, DeliveryStatus
from parcours.engagement.models.preferences import DigestFrequency, NotificationSchedule

DAILY, WEEKLY = DigestFrequency.DAILY, DigestFrequency.WEEKLY


class DigestChannel:
    """Registered so that the policy can name it; its deliveries wait for the job."""

    name = Channel.DIGEST
    in_transaction = False

    def send(self, delivery) -> str:
        raise PermanentFailure("Digest deliveries are sent by the digest job.")


@dataclass
class DigestReport:
    people: int = 0
    items: int = 0
    failed: int = 0


def send_digests(frequency: str, *, now: datetime | None = None,
                 limit: int = 5000) -> DigestReport:
    """Send one email per person grouping their held messages: the daily job for those
    who chose daily (and for those who held messages and then stopped the digest), the
    weekly job for those who chose weekly."""
    from parcours.engagement.services.dispatch import LEASE

    if frequency not in (DAILY, WEEKLY):
        raise ValueError(f"A digest is daily or weekly, not {frequency!r}.")
    now = now or timezone.now()
    weekly_people = NotificationSchedule.objects.filter(digest=WEEKLY).values("user_id")
    held = Delivery.objects.filter(
        Q(status=DeliveryStatus.DIGESTED, next_attempt_at__lte=now)
        | Q(status=DeliveryStatus.SENDING, claimed_until__lt=now),
        channel=Channel.DIGEST)
    if frequency == WEEKLY:
        held = held.filter(notification__recipient_id__in=weekly_people)
    else:
        held = held.exclude(notification__recipient_id__in=weekly_people)
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            held = held.select_for_update(skip_locked=True, of=("self",))
        ids = list(held.order_by("pk").values_list("pk", flat=True)[:limit])
        Delivery.objects.filter(pk__in=ids).update(
            status=DeliveryStatus.SENDING, claimed_until=now + LEASE,
            attempts=F("attempts") + 1)
    per_person = defaultdict(list)
    for delivery in (Delivery.objects.filter(pk__in=ids)
                     .select_related("notification__recipient", "notification__organisation")
                     .order_by("notification__created_at", "pk")):
        per_person[delivery.notification.recipient_id].append(delivery)
    report = DigestReport()
    for deliveries in per_person.values():
        try:
            reference = _send_one(deliveries, frequency)
        except (PermanentFailure, TemporaryFailure) as failure:
            _failed(deliveries, failure, now)
            report.failed += 1
            continue
        Delivery.objects.filter(pk__in=[d.pk for d in deliveries],
                                status=DeliveryStatus.SENDING).update(
            status=DeliveryStatus.SENT, sent_at=now, claimed_until=None,
            provider_reference=reference, last_error="")
        report.people += 1
        report.items += len(deliveries)
    return report


def _send_one(deliveries: list[Delivery], frequency: str) -> str:
    recipient = deliveries[0].notification.recipient
    key = f"digest.{recipient.pk}.{deliveries[0].pk}.{len(deliveries)}"
    categories = {d.notification.category for d in deliveries}
    first = deliveries[0].notification
    with speaking_to(recipient):
        items = [{"notification": d.notification,
                  "link": tracking.go_url(d.notification) if d.notification.url else "",
                  "category": d.notification.get_category_display()}
                 for d in deliveries]
        context = {"person": recipient, "items": items, "frequency": frequency,
                   "preferences_url": preferences_url()}
        subject = render_to_string("engagement/email/digest_subject.txt", context)
        text = render_to_string("engagement/email/digest.txt", context)
        html = render_to_string("engagement/email/digest.html", context)
    headers = {"Message-ID": message_id(key), "Auto-Submitted": "auto-generated"}
    if len(categories) == 1:
        headers["List-Unsubscribe"] = "<{}>".format(tracking.unsubscribe_url(
            recipient, first.category, first.organisation))
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    else:
        headers["List-Unsubscribe"] = f"<{preferences_url()}>"
    message = EmailMultiAlternatives(subject=" ".join(subject.split()), body=text,
                                     to=[recipient.email], headers=headers)
    message.attach_alternative(html, "text/html")
    send_email(message)
    return headers["Message-ID"]


def _failed(deliveries: list[Delivery], failure: Exception, now: datetime) -> None:
    attempts = max(d.attempts for d in deliveries)  # counted when claimed
    dead = isinstance(failure, PermanentFailure) or attempts >= settings.TASK_MAX_ATTEMPTS
    changes = {"claimed_until": None, "last_error": str(failure)[:2000]}
    if dead:
        changes["status"] = DeliveryStatus.DEAD
    else:
        # Back in the next digest, not before the backoff.
        changes["status"] = DeliveryStatus.DIGESTED
        changes["next_attempt_at"] = now + retry_delay(attempts,
                                                       settings.TASK_FIRST_RETRY_SECONDS)
    Delivery.objects.filter(pk__in=[d.pk for d in deliveries],
                            status=DeliveryStatus.SENDING).update(**changes)


register_channel(DigestChannel())
