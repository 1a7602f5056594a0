"""Sending what the outbox holds: the dispatcher and the delivery worker.

Two steps, each safe to run in many workers at once:

1. `dispatch_due` takes planned notifications that are due, highest priority first,
   locked with `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL, and asks the policy
   (`services.policy.decide`) what to do with each: suppress it (with a reason), defer
   it, or send it on some channels. Sending makes one `Delivery` per channel in the
   same transaction and records the learning event `notified`; the in-app delivery is
   the notification itself, so it is delivered right there.
2. `deliver_pending` claims the email and push deliveries that are due with a lease
   (`claimed_until`), sends them outside any transaction, and records the outcome:
   sent, failed (retried with exponential backoff) or dead.

**What "exactly once" means here.** In-app delivery is transactional: exactly once.
Email and push leave the process, so a worker can die after the provider accepted a
message and before the `sent` row is written. Such a delivery stays `sending`; once its
lease expires another worker sends it again **with the same idempotency key**
(`channels.base.idempotency_key`: the email's `Message-ID`, the push message's `Topic`
and notification tag). Providers that honour the key keep one message: a push service
replaces a message with the same `Topic` that is still queued, the browser replaces a
shown notification with the same tag, an API with idempotency keys answers
`AlreadySent`. Plain SMTP promises nothing: a relay that accepted the first copy
accepts the second, and only mailboxes that collapse one `Message-ID` (most webmail
does) show one. The window is the few milliseconds between the provider's answer and
the `UPDATE` that records it, and a stuck worker cannot cause it before its lease
(`LEASE`, longer than any send's timeout) runs out.
"""

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import groupby
from typing import Literal

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.accounts.selectors import require_permission
from parcours.core.errors import Conflict
from parcours.core.events import record_event
from parcours.core.models import Verb
from parcours.core.roles import Permission
from parcours.core.tasks import retry_delay
from parcours.engagement import channels
from parcours.engagement.channels.base import (
    AlreadySent,
    PermanentFailure,
    TemporaryFailure,
    opened,
)
from parcours.engagement.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationStatus,
    PushSubscription,
)
from parcours.engagement.services.outbox import optional_function

logger = logging.getLogger(__name__)

# How long a worker owns a delivery it claimed. Longer than any send can take (SMTP
# and push calls time out well before), so that only a dead worker's claim expires.
LEASE = timedelta(minutes=5)
# A policy that answers "defer" without a time: look again later.
DEFAULT_DEFER = timedelta(minutes=15)


@dataclass(frozen=True)
class LocalDecision:
    """Same shape as the policy's `Decision`, for `send_everywhere_by_default`."""

    action: Literal["send", "defer", "suppress"]
    channels: tuple[str, ...] = ()
    until: datetime | None = None
    reason: str = ""


def send_everywhere_by_default(notification: Notification, *, now: datetime) -> LocalDecision:
    """What the dispatcher does while the policy part (`services.policy.decide`) is not
    installed: send at once, in the app and by email."""
    return LocalDecision("send", channels=(Channel.IN_APP, Channel.EMAIL))


def _policy():
    return (optional_function("parcours.engagement.services.policy", "decide")
            or send_everywhere_by_default)


@dataclass
class DispatchReport:
    sent: int = 0
    deferred: int = 0
    suppressed: int = 0
    failed_decisions: int = 0
    deliveries: Counter = field(default_factory=Counter)  # per channel

    @property
    def handled(self) -> int:
        return self.sent + self.deferred + self.suppressed + self.failed_decisions


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    dead: int = 0


def dispatch_due(*, now: datetime | None = None, limit: int = 500) -> DispatchReport:
    """Decide and start delivering up to `limit` due notifications, in one transaction."""
    now = now or timezone.now()
    try:
        return _dispatch_round(now, limit, careful=False)
    except _PolicyBrokeTheTransaction:
        # A database error inside the policy aborts the whole transaction (PostgreSQL):
        # run the round again with a savepoint around each decision, so that the one
        # notification that causes it is deferred instead of blocking the queue.
        return _dispatch_round(now, limit, careful=True)


class _PolicyBrokeTheTransaction(Exception):
    pass


def _dispatch_round(now: datetime, limit: int, *, careful: bool) -> DispatchReport:
    report = DispatchReport()
    decide = _policy()
    with transaction.atomic():
        due = Notification.objects.filter(status=NotificationStatus.PLANNED,
                                          deliver_after__lte=now)
        due = _skip_locked(due).select_related("recipient", "organisation")
        batch = list(due.order_by("-priority", "deliver_after", "pk")[:limit])
        if not batch:
            return report
        reachable_by_push = set(PushSubscription.objects.filter(
            user_id__in={n.recipient_id for n in batch}, disabled_at__isnull=True,
        ).values_list("user_id", flat=True))
        to_send: list[tuple[Notification, list[str]]] = []
        suppressed, deferred = [], []
        for notification, decision in zip(batch, _decisions(decide, batch, now,
                                                            careful=careful), strict=True):
            if decision is None:
                notification.deliver_after = now + DEFAULT_DEFER
                deferred.append(notification)
                report.failed_decisions += 1
            elif decision.action == "suppress":
                notification.status = NotificationStatus.SUPPRESSED
                notification.suppressed_reason = decision.reason or "no_channel"
                suppressed.append(notification)
            elif decision.action == "defer":
                notification.deliver_after = max(decision.until or now + DEFAULT_DEFER,
                                                  now + timedelta(seconds=1))
                deferred.append(notification)
            else:
                reachable = [c for c in dict.fromkeys(decision.channels)
                             if c in channels.registry
                             and (c != Channel.PUSH or notification.recipient_id
                                  in reachable_by_push)]
                if reachable:
                    to_send.append((notification, reachable))
                else:
                    notification.status = NotificationStatus.SUPPRESSED
                    notification.suppressed_reason = "no_channel"
                    suppressed.append(notification)
        if suppressed:
            Notification.objects.bulk_update(suppressed, ["status", "suppressed_reason"])
            report.suppressed = len(suppressed)
        if deferred:
            Notification.objects.bulk_update(deferred, ["deliver_after"])
            report.deferred = len(deferred) - report.failed_decisions
        if to_send:
            _send(to_send, now, report)
    return report


def _decisions(decide, batch: list[Notification], now: datetime, *, careful: bool) -> list:
    """The policy's decisions for the batch: all at once when the policy can share its
    reads across the batch (a fixed number of queries), else one by one. A batch that
    fails on a Python error is decided again one by one, so one bad row is deferred
    alone."""
    policy = "parcours.engagement.services.policy"
    decide_many = optional_function(policy, "decide_many")
    # Batched only with the real policy's `decide` (not a stand-in, as tests use).
    if decide_many is not None and decide is optional_function(policy, "decide") \
            and not careful:
        try:
            return decide_many(batch, now=now)
        except DatabaseError as error:
            raise _PolicyBrokeTheTransaction() from error
        except Exception:
            logger.exception("The batch policy failed; deciding one by one")
    return [_decide(decide, notification, now, careful=careful) for notification in batch]


def _decide(decide, notification: Notification, now: datetime, *, careful: bool):
    """The policy's decision, or None when it failed for this notification (logged), so
    that one bad row does not block the queue.

    Savepoints cost two round trips per notification, so the usual round has none: a
    Python error leaves the transaction usable, and only a database error needs the
    careful round, each decision in its own savepoint."""
    try:
        if careful:
            with transaction.atomic():
                return decide(notification, now=now)
        return decide(notification, now=now)
    except DatabaseError as error:
        if not careful:
            raise _PolicyBrokeTheTransaction() from error
        logger.exception("The policy failed on notification %s; deferred", notification.pk)
    except Exception:
        logger.exception("The policy failed on notification %s; deferred", notification.pk)
    return None


def _send(to_send: list[tuple[Notification, list[str]]], now: datetime,
          report: DispatchReport) -> None:
    Notification.objects.filter(pk__in=[n.pk for n, _ in to_send]).update(
        status=NotificationStatus.SENT, sent_at=now)
    deliveries = []
    for notification, channel_names in to_send:
        notification.status, notification.sent_at = NotificationStatus.SENT, now
        for name in channel_names:
            delivery = Delivery(notification=notification, channel=name, next_attempt_at=now)
            backend = channels.backend_for(name)
            if name == Channel.DIGEST:
                delivery.status = DeliveryStatus.DIGESTED
            elif backend.in_transaction:
                delivery.provider_reference = backend.send(delivery)
                delivery.status, delivery.sent_at, delivery.attempts = (
                    DeliveryStatus.SENT, now, 1)
            deliveries.append(delivery)
            report.deliveries[name] += 1
    Delivery.objects.bulk_create(deliveries)
    events = [{"actor": notification.recipient, "verb": Verb.NOTIFIED, "object": notification,
               "organisation": notification.organisation,
               "context": {"kind": notification.kind, "campaign": notification.campaign_id,
                           "variant": notification.variant_id, "channels": channel_names}}
              for notification, channel_names in to_send]
    # One INSERT per event is most of a round's time on PostgreSQL; core's bulk form,
    # where it exists, writes them all at once with the same checks and handlers.
    record_events = optional_function("parcours.core.events", "record_events")
    if record_events is not None:
        record_events(events)
    else:
        for event in events:
            record_event(event.pop("actor"), event.pop("verb"), event.pop("object"), **event)
    report.sent = len(to_send)


def deliver_pending(*, now: datetime | None = None, limit: int = 500) -> DeliveryReport:
    """Send up to `limit` due email and push deliveries (and any other channel sent
    outside the dispatcher), each claimed with a lease first."""
    now = now or timezone.now()
    report = DeliveryReport()
    claimed = _claim_deliveries(now, limit)
    for channel_name, group in groupby(claimed, key=lambda d: d.channel):
        backend = channels.backend_for(channel_name)
        with opened(backend):
            for delivery in group:
                outcome = _deliver(backend, delivery, now)
                setattr(report, outcome, getattr(report, outcome) + 1)
    return report


def _claim_deliveries(now: datetime, limit: int) -> list[Delivery]:
    outside = [name for name, backend in channels.registry.items()
               if not backend.in_transaction and name != Channel.DIGEST]
    due = (Q(status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED],
             next_attempt_at__lte=now)
           # A claim whose lease ran out belongs to a worker that died: take it over.
           | Q(status=DeliveryStatus.SENDING, claimed_until__lt=now))
    with transaction.atomic():
        rows = _skip_locked(Delivery.objects.filter(due, channel__in=outside))
        ids = list(rows.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
        if not ids:
            return []
        Delivery.objects.filter(pk__in=ids).update(
            status=DeliveryStatus.SENDING, claimed_until=now + LEASE,
            attempts=F("attempts") + 1)
    return list(Delivery.objects.filter(pk__in=ids)
                .select_related("notification__recipient", "notification__organisation")
                .order_by("channel", "pk"))


def _deliver(backend, delivery: Delivery, now: datetime) -> str:
    try:
        reference = backend.send(delivery)
    except AlreadySent as known:
        reference = known.reference or "already-sent"
    except PermanentFailure as failure:
        return _record_failure(delivery, str(failure), now, permanent=True)
    except TemporaryFailure as failure:
        return _record_failure(delivery, str(failure), now, permanent=False)
    except Exception as error:
        # A bug or an unforeseen provider error: retried like a temporary failure,
        # and visible among the dead letters if it persists.
        logger.exception("Delivery %s on %s failed", delivery.pk, delivery.channel)
        return _record_failure(delivery, f"{type(error).__name__}: {error}", now,
                               permanent=False)
    _record_sent(delivery, reference, now)
    return "sent"


def _record_sent(delivery: Delivery, reference: str, now: datetime) -> None:
    Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
        status=DeliveryStatus.SENT, sent_at=now, provider_reference=(reference or "")[:200],
        claimed_until=None, last_error="")


def _record_failure(delivery: Delivery, error: str, now: datetime, *, permanent: bool) -> str:
    dead = permanent or delivery.attempts >= settings.TASK_MAX_ATTEMPTS
    changes = {"claimed_until": None, "last_error": error[:2000]}
    if dead:
        changes["status"] = DeliveryStatus.DEAD
    else:
        changes["status"] = DeliveryStatus.FAILED
        changes["next_attempt_at"] = now + retry_delay(delivery.attempts,
                                                       settings.TASK_FIRST_RETRY_SECONDS)
    Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(**changes)
    return "dead" if dead else "retrying"


def _skip_locked(queryset):
    """Rows other workers hold are skipped, not waited for (PostgreSQL). SQLite
    serialises writers anyway (IMMEDIATE transactions)."""
    if connection.features.has_select_for_update_skip_locked:
        return queryset.select_for_update(skip_locked=True, of=("self",))
    return queryset


# --- Dead letters --------------------------------------------------------------------


@transaction.atomic
def retry_delivery(delivery: Delivery, *, by) -> Delivery:
    """Put a dead delivery back in the queue, with a fresh count of attempts."""
    require_permission(by, delivery.notification.organisation, Permission.OPERATE_DELIVERY)
    updated = Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.DEAD).update(
        **_fresh_start())
    if not updated:
        raise Conflict(_("This delivery is not among the failed ones any more."))
    logger.info("Delivery %s retried by %s", delivery.pk, by.pk)
    delivery.refresh_from_db(fields=["status", "attempts", "claimed_until", "next_attempt_at"])
    return delivery


@transaction.atomic
def retry_dead_deliveries(organisation, *, by) -> int:
    """Put every dead delivery of the organisation back in the queue; how many."""
    require_permission(by, organisation, Permission.OPERATE_DELIVERY)
    count = Delivery.objects.filter(status=DeliveryStatus.DEAD,
                                    notification__organisation=organisation).update(
        **_fresh_start())
    logger.info("%d dead deliveries of %s retried by %s", count, organisation.pk, by.pk)
    return count


def _fresh_start() -> dict:
    return {"status": DeliveryStatus.PENDING, "attempts": 0, "claimed_until": None,
            "next_attempt_at": timezone.now()}
