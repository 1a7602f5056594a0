"""Live activities in a group session: a poll, a word cloud or a sticky-note board that
participants answer from their phones while the coach's screen shows the results."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parcours.core.models import TimeStampedModel

__all__ = ["LiveKind", "LiveStatus", "LiveActivity", "LiveAnswer"]


class LiveKind(models.TextChoices):
    POLL = "poll", _("Poll")
    WORD_CLOUD = "word_cloud", _("Word cloud")
    BOARD = "board", _("Sticky-note board")


class LiveStatus(models.TextChoices):
    DRAFT = "draft", _("Not open yet")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class LiveActivity(TimeStampedModel):
    """A question put to a room. Participants join with `code`; its answers stay on the
    record of the session (or engagement) it was run in."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                     related_name="live_activities",
                                     verbose_name=_("organisation"))
    kind = models.CharField(_("kind"), max_length=12, choices=LiveKind.choices)
    question = models.CharField(_("question"), max_length=200)
    options = models.JSONField(_("options"), default=list, blank=True,
                               help_text=_("The answers a poll offers."))
    code = models.CharField(_("joining code"), max_length=8, unique=True)
    status = models.CharField(_("status"), max_length=8, choices=LiveStatus.choices,
                              default=LiveStatus.DRAFT)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    session = models.ForeignKey("classroom.Session", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="live_activities",
                                verbose_name=_("session"))
    engagement = models.ForeignKey("coaching.Engagement", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="live_activities",
                                   verbose_name=_("engagement"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("run by"))

    class Meta:
        verbose_name = _("live activity")
        verbose_name_plural = _("live activities")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=LiveKind.values),
                                   name="live_activity_kind_known"),
            models.CheckConstraint(condition=~Q(status="open") | Q(opened_at__isnull=False),
                                   name="open_live_activity_has_date"),
            models.CheckConstraint(condition=~Q(status="closed") | Q(closed_at__isnull=False),
                                   name="closed_live_activity_has_date"),
        ]

    def __str__(self) -> str:
        return self.question


class LiveAnswer(models.Model):
    """One participant's answer. `position` numbers a participant's answers: a poll only
    ever has position 0 (changing one's vote rewrites it), so the unique constraint is
    what keeps one vote per person even when two taps race."""

    activity = models.ForeignKey(LiveActivity, on_delete=models.CASCADE,
                                 related_name="answers", verbose_name=_("live activity"))
    participant = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("participant"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.CharField(_("answer"), max_length=280)
    answered_at = models.DateTimeField(_("answered at"))

    class Meta:
        verbose_name = _("live answer")
        verbose_name_plural = _("live answers")
        ordering = ["answered_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "participant", "position"],
                                    name="live_answer_one_per_position"),
        ]
        indexes = [models.Index(fields=["activity", "text"], name="live_answer_text_idx")]

    def __str__(self) -> str:
        return self.text
