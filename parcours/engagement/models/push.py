"""Web Push subscriptions: one per browser or device a person enabled push on."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["PushSubscription"]


class PushSubscription(models.Model):
    """A browser's push endpoint and the keys its payloads are encrypted with (RFC 8291).

    A push service that answers 404 or 410 has forgotten the endpoint (the person
    unsubscribed in the browser, or it expired): the subscription is disabled, never
    deleted, so the person's device list can say why it stopped.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="push_subscriptions", verbose_name=_("person"))
    endpoint = models.URLField(_("endpoint"), max_length=1000, unique=True)
    p256dh = models.CharField(_("public key"), max_length=200)
    auth = models.CharField(_("authentication secret"), max_length=100)
    user_agent = models.CharField(_("device"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_success_at = models.DateTimeField(_("last delivered at"), null=True, blank=True)
    disabled_at = models.DateTimeField(_("disabled at"), null=True, blank=True)
    disabled_reason = models.CharField(_("why it was disabled"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("push subscription")
        verbose_name_plural = _("push subscriptions")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user"], name="push_active_user_idx",
                         condition=Q(disabled_at__isnull=True)),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(disabled_at__isnull=True) | ~Q(disabled_reason=""),
                                   name="push_disabled_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.user_agent or self.endpoint[:40]}"

    @property
    def active(self) -> bool:
        return self.disabled_at is None
