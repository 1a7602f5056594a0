"""The outbox: every message the engine decides to send, and its deliveries per channel."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = [
    "Category", "Channel", "NotificationStatus", "DeliveryStatus", "Notification", "Delivery",
]


class Category(models.TextChoices):
    """What a person opts in or out of, per channel (one line each on the preferences page)."""

    SCHEDULE = "schedule", _("Sessions and appointments")
    DEADLINES = "deadlines", _("Steps due and overdue")
    COMEBACK = "comeback", _("Reminders when I have been away")
    NEW_CONTENT = "new_content", _("New content in what I follow")
    REWARDS = "rewards", _("Congratulations and rewards")
    SUGGESTIONS = "suggestions", _("Suggestions of what to do next")
    FEEDBACK = "feedback", _("Requests for my feedback")
    RECAP = "recap", _("Weekly recap")
    COACHING = "coaching", _("Messages and actions from my coach")
    CAMPAIGNS = "campaigns", _("News from my organisation")
    COACH_ALERTS = "coach_alerts", _("Alerts about the learners I follow")


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In the app")
    EMAIL = "email", _("Email")
    PUSH = "push", _("Push notification")
    DIGEST = "digest", _("Digest email")


class NotificationStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")        # waiting for its time (`deliver_after`)
    SENT = "sent", _("Sent")                  # the dispatcher created its deliveries
    SUPPRESSED = "suppressed", _("Suppressed")  # a rule stopped it; `suppressed_reason` says which
    HELD = "held", _("Held for a holdout group")  # experiment holdout: counted, never sent


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed, will retry")
    DEAD = "dead", _("Failed for good")
    DIGESTED = "digested", _("Waiting for the digest")


class Notification(models.Model):
    """One message for one person, written to the outbox in the transaction of its cause.

    The idempotency key makes a trigger evaluated twice, or a campaign planned twice,
    produce one row: it is unique. The text is rendered in the recipient's language when
    the row is written; the dispatcher decides when and on which channels it goes out.
    """

    # No single-column indexes where a composite index below starts with the column: a
    # campaign writes up to a million rows at once, and every index costs on each of them.
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                     related_name="notifications", db_index=False,
                                     verbose_name=_("organisation"))
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="notifications", db_index=False,
                                  verbose_name=_("recipient"))
    kind = models.CharField(_("kind"), max_length=40)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    nudge = models.BooleanField(
        _("nudge"), default=True,
        help_text=_("Nudges count against the weekly cap; transactional messages do not."))
    urgent = models.BooleanField(_("urgent"), default=False,
                                 help_text=_("Urgent messages are sent during quiet hours."))
    priority = models.PositiveSmallIntegerField(_("priority"), default=50)
    # Unique through a constraint (Meta): `unique=True` would add a second, pattern-ops
    # index on PostgreSQL that nothing uses.
    idempotency_key = models.CharField(_("idempotency key"), max_length=200)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))
    url = models.CharField(_("link"), max_length=500, blank=True)
    context = models.JSONField(_("context"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=NotificationStatus.choices,
                              default=NotificationStatus.PLANNED)
    suppressed_reason = models.CharField(_("why it was not sent"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    deliver_after = models.DateTimeField(_("deliver after"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    clicked_at = models.DateTimeField(_("clicked at"), null=True, blank=True)
    converted_at = models.DateTimeField(_("converted at"), null=True, blank=True)
    campaign = models.ForeignKey("engagement.Campaign", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="notifications",
                                 db_index=False,
                                 verbose_name=_("campaign"))
    variant = models.ForeignKey("engagement.Variant", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="notifications",
                                verbose_name=_("variant"))
    token = models.UUIDField(_("tracking token"), default=uuid.uuid4, unique=True,
                             editable=False)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The dispatcher's queue: what is due, most important first.
            models.Index(fields=["deliver_after", "-priority"], name="notif_due_idx",
                         condition=Q(status="planned")),
            # The bell: a person's latest messages and the unread count.
            models.Index(fields=["recipient", "-created_at"], name="notif_recipient_idx"),
            models.Index(fields=["organisation", "kind", "created_at"],
                         name="notif_org_kind_idx"),
            # The coaches' view: an organisation's latest notifications, newest first.
            models.Index(fields=["organisation", "-created_at"], name="notif_org_time_idx"),
            models.Index(fields=["campaign", "variant"], name="notif_campaign_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["idempotency_key"], name="notification_key_unique"),
            models.CheckConstraint(condition=~Q(kind=""), name="notification_has_kind"),
            models.CheckConstraint(
                condition=Q(status="suppressed") | Q(suppressed_reason=""),
                name="notification_reason_only_when_suppressed"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"


class Delivery(models.Model):
    """One notification on one channel: the unit the worker claims, sends and retries."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE,
                                     related_name="deliveries",
                                     verbose_name=_("notification"))
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=10, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    provider_reference = models.CharField(_("provider reference"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [
            models.Index(fields=["next_attempt_at"], name="delivery_due_idx",
                         condition=Q(status__in=["pending", "failed"])),
            models.Index(fields=["status", "channel"], name="delivery_status_idx"),
        ]
        constraints = [
            # Retried work never makes a second delivery on the same channel.
            models.UniqueConstraint(fields=["notification", "channel"],
                                    name="one_delivery_per_channel"),
        ]

    def __str__(self) -> str:
        return f"{self.notification_id}/{self.channel}: {self.status}"
