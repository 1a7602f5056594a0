"""What each person accepts to receive, when, and the organisation's sending defaults.

Rows exist only where someone changed a default: a person who never opened the
preferences page has no row at all, and the defaults below decide for them (see
`engagement.services.preferences`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parcours.engagement.models.notifications import Category, Channel

__all__ = [
    "PREFERENCE_CHANNELS", "DEFAULT_SEND_HOUR", "DEFAULT_BACKOFF_AFTER", "DigestFrequency",
    "NotificationPreference", "NotificationSchedule", "EngagementSettings",
]

# The channels a person switches per category. The digest is not one of them: it is a
# way of receiving the low-priority email, chosen once per person (`DigestFrequency`).
PREFERENCE_CHANNELS = (Channel.IN_APP, Channel.EMAIL, Channel.PUSH)

# When an organisation has not said otherwise: nudges go out at the end of the working
# day until the person's own most active hour is known.
DEFAULT_SEND_HOUR = 18
DEFAULT_BACKOFF_AFTER = 3


def default_nudges_per_week() -> int:
    # A callable, so that the migration does not freeze the value the settings had then.
    return settings.NUDGES_PER_WEEK


class DigestFrequency(models.TextChoices):
    NONE = "none", _("No digest: send each message as it comes")
    DAILY = "daily", _("One email a day")
    WEEKLY = "weekly", _("One email a week")


class NotificationPreference(models.Model):
    """One person's choice for one category on one channel, where it differs from the
    default."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notification_preferences", verbose_name=_("person"))
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    channel = models.CharField(_("channel"), max_length=12,
                               choices=[(c.value, c.label) for c in PREFERENCE_CHANNELS])
    enabled = models.BooleanField(_("enabled"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "category", "channel"],
                                    name="one_preference_per_category_channel"),
            models.CheckConstraint(condition=Q(category__in=Category.values),
                                   name="preference_category_known"),
            models.CheckConstraint(condition=Q(channel__in=[c.value for c in PREFERENCE_CHANNELS]),
                                   name="preference_channel_known"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.category}/{self.channel}: {self.enabled}"


class NotificationSchedule(models.Model):
    """When one person wants to be left alone, and whether they want a digest.

    Empty quiet hours mean the defaults (`QUIET_HOURS_START` / `QUIET_HOURS_END`), so a
    change of the defaults reaches everyone who never chose their own. Hours are local
    hours in the person's time zone: 21 → 8 is quiet from 21:00 to 08:00, over midnight.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="notification_schedule", verbose_name=_("person"))
    quiet_hours_start = models.PositiveSmallIntegerField(_("quiet from (hour)"), null=True,
                                                         blank=True)
    quiet_hours_end = models.PositiveSmallIntegerField(_("quiet until (hour)"), null=True,
                                                       blank=True)
    digest = models.CharField(_("digest"), max_length=8, choices=DigestFrequency.choices,
                              default=DigestFrequency.NONE)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("notification schedule")
        verbose_name_plural = _("notification schedules")
        constraints = [
            models.CheckConstraint(
                condition=(Q(quiet_hours_start__isnull=True, quiet_hours_end__isnull=True)
                           | Q(quiet_hours_start__lte=23, quiet_hours_end__lte=23)),
                name="quiet_hours_both_or_none_in_day"),
            models.CheckConstraint(
                condition=Q(quiet_hours_start__isnull=True) | ~Q(
                    quiet_hours_start=models.F("quiet_hours_end")),
                name="quiet_hours_not_empty"),
            models.CheckConstraint(condition=Q(digest__in=DigestFrequency.values),
                                   name="schedule_digest_known"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.quiet_hours_start}→{self.quiet_hours_end}, {self.digest}"


class EngagementSettings(models.Model):
    """An organisation's sending defaults: the hour nudges go out when a person's own
    active hour is not known yet, how many nudges a person gets per rolling week, and
    after how many ignored nudges in a row the engine stops and tells the coach."""

    organisation = models.OneToOneField("accounts.Organisation", on_delete=models.CASCADE,
                                        related_name="engagement_settings",
                                        verbose_name=_("organisation"))
    default_send_hour = models.PositiveSmallIntegerField(
        _("default sending hour"), default=DEFAULT_SEND_HOUR,
        help_text=_("Local hour nudges go out when a person's most active hour is not known."))
    nudges_per_week = models.PositiveSmallIntegerField(
        _("nudges per week"), default=default_nudges_per_week,
        help_text=_("At most this many nudges per person over any seven days."))
    backoff_after = models.PositiveSmallIntegerField(
        _("back off after"), default=DEFAULT_BACKOFF_AFTER,
        help_text=_("Ignored nudges in a row after which the engine stops and tells the "
                    "coach."))

    class Meta:
        verbose_name = _("engagement settings")
        verbose_name_plural = _("engagement settings")
        constraints = [
            models.CheckConstraint(condition=Q(default_send_hour__lte=23),
                                   name="settings_send_hour_in_day"),
            models.CheckConstraint(condition=Q(backoff_after__gte=1),
                                   name="settings_backoff_at_least_one"),
        ]

    def __str__(self) -> str:
        return str(self.organisation_id)
