"""Segments, campaigns and their experiment variants."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parcours.core.models import TimeStampedModel

__all__ = ["Segment", "CampaignStatus", "Campaign", "Variant"]


class Segment(TimeStampedModel):
    """Who a campaign is for: rules over level, tags and skills, programme, status,
    role, language and last activity (see `engagement.segments`)."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                     related_name="segments", verbose_name=_("organisation"))
    name = models.CharField(_("name"), max_length=120)
    rules = models.JSONField(_("rules"), default=dict, blank=True)

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")
    CANCELLED = "cancelled", _("Cancelled")


class Campaign(TimeStampedModel):
    """A planned send to a segment, once or on a schedule, possibly as an experiment."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                     related_name="campaigns", verbose_name=_("organisation"))
    name = models.CharField(_("name"), max_length=160)
    segment = models.ForeignKey(Segment, on_delete=models.PROTECT, related_name="campaigns",
                                verbose_name=_("segment"))
    status = models.CharField(_("status"), max_length=10, choices=CampaignStatus.choices,
                              default=CampaignStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("created by"))

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class Variant(models.Model):
    """One version of a campaign's message (text, tone, hour or frequency)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="variants",
                                 verbose_name=_("campaign"))
    name = models.CharField(_("name"), max_length=40)
    is_holdout = models.BooleanField(_("holdout"), default=False,
                                     help_text=_("The holdout group receives nothing."))
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)

    class Meta:
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        ordering = ["campaign", "name"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="variant_name_unique"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="variant_weight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} — {self.name}"
