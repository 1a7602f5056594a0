"""How long an organisation keeps closed engagements, and the proof that they were
anonymised when that time ran out."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.core.models import TimeStampedModel

__all__ = ["RetentionPolicy", "AnonymisationRecord"]


class RetentionPolicy(TimeStampedModel):
    """Days after a closed engagement ends (or closes) before it is anonymised.
    Without a row, `settings.COACHING_RETENTION_DAYS` applies."""

    organisation = models.OneToOneField("accounts.Organisation", on_delete=models.CASCADE,
                                        related_name="coaching_retention",
                                        verbose_name=_("organisation"))
    days = models.PositiveIntegerField(_("retention (days)"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("changed by"))

    class Meta:
        verbose_name = _("retention period")
        verbose_name_plural = _("retention periods")
        constraints = [
            # A day at least: "anonymise at once" would erase an engagement while the
            # coach is still writing the synthesis.
            models.CheckConstraint(condition=Q(days__gte=1), name="retention_at_least_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.days}"


class AnonymisationRecord(models.Model):
    """What was erased from one engagement, when, and under which rule. It names no one:
    the engagement keeps its hours and dates for the funders' reports."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                     related_name="anonymisation_records",
                                     verbose_name=_("organisation"))
    engagement = models.OneToOneField("coaching.Engagement", null=True,
                                      on_delete=models.SET_NULL,
                                      related_name="anonymisation_record",
                                      verbose_name=_("engagement"))
    engagement_reference = models.PositiveBigIntegerField(_("engagement number"))
    anonymised_at = models.DateTimeField(_("anonymised at"), default=timezone.now)
    retention_days = models.PositiveIntegerField(_("retention (days)"))
    erased = models.JSONField(_("what was erased"), default=dict)

    class Meta:
        verbose_name = _("anonymisation record")
        verbose_name_plural = _("anonymisation records")
        ordering = ["-anonymised_at"]

    def __str__(self) -> str:
        return f"#{self.engagement_reference} {self.anonymised_at:%Y-%m-%d}"
