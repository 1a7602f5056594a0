"""Segments, campaigns and their experiment variants.

A campaign is planned in bulk (`engagement.services.campaigns.plan_campaign`): each run
writes one outbox row per person of the segment, keyed `campaign:{id}:{run}:{user}`, so
planning a run twice writes nothing new. An experiment is a campaign with several
variants; a learner's variant comes from a hash of (campaign, learner), so it never
changes between runs (see `engagement.segments.bucket`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parcours.core.models import TimeStampedModel

__all__ = ["Segment", "CampaignStatus", "CampaignSchedule", "Campaign", "Tone", "Variant"]


class Segment(TimeStampedModel):
    """Who a campaign is for: rules over level, tags and skills, programme, status,
    role, language and last activity (see `engagement.segments`)."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                     related_name="segments", verbose_name=_("organisation"))
    name = models.CharField(_("name"), max_length=120)
    rules = models.JSONField(_("rules"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("created by"))

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


class CampaignSchedule(models.TextChoices):
    ONCE = "once", _("Once")
    WEEKLY = "weekly", _("Every week")


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
    schedule = models.CharField(_("schedule"), max_length=8, choices=CampaignSchedule.choices,
                                default=CampaignSchedule.ONCE)
    starts_at = models.DateTimeField(
        _("send at"), null=True, blank=True,
        help_text=_("A one-off campaign goes out at this time (now when empty)."))
    weekday = models.PositiveSmallIntegerField(
        _("weekday"), null=True, blank=True,
        help_text=_("Weekly campaigns: 0 is Monday, 6 is Sunday."))
    hour = models.PositiveSmallIntegerField(
        _("hour"), null=True, blank=True,
        help_text=_("Weekly campaigns: the hour, in the organisation's time zone."))
    pilot_percent = models.PositiveSmallIntegerField(
        _("pilot share (%)"), default=100,
        help_text=_("Share of the segment that gets the experiment first; the rest gets "
                    "the winning variant once it is promoted."))
    conversion_verb = models.CharField(_("conversion goal"), max_length=40, blank=True)
    conversion_object = models.CharField(
        _("goal object"), max_length=120, blank=True,
        help_text=_("Optional: “type:id” of what the learner must act on, e.g. "
                    "catalog.programme:12."))
    conversion_days = models.PositiveSmallIntegerField(_("conversion window (days)"), default=7)
    url = models.CharField(_("link"), max_length=500, blank=True)
    launched_at = models.DateTimeField(_("launched at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    runs = models.PositiveIntegerField(_("runs planned"), default=0)
    next_run_at = models.DateTimeField(_("next run"), null=True, blank=True)
    promoted_variant = models.ForeignKey("engagement.Variant", null=True, blank=True,
                                         on_delete=models.SET_NULL, related_name="+",
                                         verbose_name=_("promoted variant"))
    promoted_at = models.DateTimeField(_("promoted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["next_run_at"], name="campaign_due_idx",
                         condition=Q(status="running")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(pilot_percent__gte=1, pilot_percent__lte=100),
                name="campaign_pilot_is_a_share"),
            models.CheckConstraint(condition=Q(weekday__isnull=True) | Q(weekday__lte=6),
                                   name="campaign_weekday_known"),
            models.CheckConstraint(condition=Q(hour__isnull=True) | Q(hour__lte=23),
                                   name="campaign_hour_known"),
            models.CheckConstraint(
                condition=~Q(schedule="weekly") | Q(weekday__isnull=False, hour__isnull=False),
                name="weekly_campaign_has_day_and_hour"),
            models.CheckConstraint(condition=Q(conversion_days__gte=1, conversion_days__lte=90),
                                   name="campaign_window_in_days"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_experiment(self) -> bool:
        return len(self.variants.all()) > 1


class Tone(models.TextChoices):
    NEUTRAL = "neutral", _("Neutral")
    FRIENDLY = "friendly", _("Friendly")
    URGENT = "urgent", _("Urgent")
    PLAYFUL = "playful", _("Playful")


class Variant(models.Model):
    """One version of a campaign's message (text, tone, hour or frequency).

    `weight` is the variant's share of the segment, in percent; a campaign's weights add
    up to 100. `messages` holds the text per language:
    `{"fr": {"subject": "…", "body": "…"}, "en": {…}}`, Django template strings with the
    variables `{{ first_name }}`, `{{ step_title }}` and `{{ due_date }}`.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="variants",
                                 verbose_name=_("campaign"))
    name = models.CharField(_("name"), max_length=40)
    is_holdout = models.BooleanField(_("holdout"), default=False,
                                     help_text=_("The holdout group receives nothing."))
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)
    tone = models.CharField(_("tone"), max_length=10, choices=Tone.choices, blank=True)
    messages = models.JSONField(_("messages"), default=dict, blank=True)
    send_hour = models.PositiveSmallIntegerField(
        _("send hour"), null=True, blank=True,
        help_text=_("Overrides the campaign's hour, in the organisation's time zone."))
    every_weeks = models.PositiveSmallIntegerField(
        _("every … weeks"), default=1,
        help_text=_("Weekly campaigns: 2 sends this variant every other run."))

    class Meta:
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        ordering = ["campaign", "is_holdout", "name"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="variant_name_unique"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="variant_weight_positive"),
            models.CheckConstraint(condition=Q(send_hour__isnull=True) | Q(send_hour__lte=23),
                                   name="variant_hour_known"),
            models.CheckConstraint(condition=Q(every_weeks__gte=1), name="variant_every_weeks"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} — {self.name}"
