"""Reusable activities a coach builds once and assigns to the people they follow:
worksheets, values or skills card sorts, reflection journal prompts."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parcours.core.models import TimeStampedModel

__all__ = ["ActivityKind", "Activity", "AssignmentStatus", "ActivityAssignment"]


class ActivityKind(models.TextChoices):
    WORKSHEET = "worksheet", _("Worksheet")
    CARD_SORT = "card_sort", _("Card sort")
    JOURNAL = "journal", _("Reflection journal")


class Activity(TimeStampedModel):
    """An activity of the organisation's library.

    `definition` holds what the beneficiary fills in, checked by
    `services.activities.clean_definition`:
    - worksheet: `{"fields": [{"key", "label", "kind": text|scale|choice|ranking, ...}]}`
      (scale: `min`, `max`, `min_label`, `max_label`; choice: `options`, `multiple`;
      ranking: `items`);
    - card sort: `{"cards": [...], "columns": [...]}`;
    - journal: `{"prompt": "..."}`.
    """

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                     related_name="coaching_activities",
                                     verbose_name=_("organisation"))
    kind = models.CharField(_("kind"), max_length=12, choices=ActivityKind.choices)
    title = models.CharField(_("title"), max_length=200)
    instructions = models.TextField(_("instructions"), blank=True)
    definition = models.JSONField(_("definition"), default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("created by"))
    archived = models.BooleanField(_("archived"), default=False)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["title", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ActivityKind.values),
                                   name="activity_kind_known"),
        ]

    def __str__(self) -> str:
        return self.title


class AssignmentStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    DRAFT = "draft", _("Draft saved")
    RETURNED = "returned", _("Returned")
    COMMENTED = "commented", _("Commented")


class ActivityAssignment(TimeStampedModel):
    """One activity given to the beneficiary of an engagement: they fill it in at their
    own pace (drafts), return it, and their coach comments on it."""

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT,
                                 related_name="assignments", verbose_name=_("activity"))
    engagement = models.ForeignKey("coaching.Engagement", on_delete=models.CASCADE,
                                   related_name="activity_assignments",
                                   verbose_name=_("engagement"))
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("assigned by"))
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=AssignmentStatus.choices,
                              default=AssignmentStatus.ASSIGNED)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    saved_at = models.DateTimeField(_("draft saved at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    comment = models.TextField(_("coach's comment"), blank=True)
    commented_at = models.DateTimeField(_("commented at"), null=True, blank=True)
    commented_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=_("commented by"))

    class Meta:
        verbose_name = _("activity assignment")
        verbose_name_plural = _("activity assignments")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["engagement", "created_at"],
                         name="assignment_engagement_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=["returned", "commented"])
                | Q(returned_at__isnull=False),
                name="returned_assignment_has_date"),
            models.CheckConstraint(
                condition=~Q(status="commented") | Q(commented_at__isnull=False),
                name="commented_assignment_has_date"),
        ]

    def __str__(self) -> str:
        return f"{self.activity} → {self.engagement_id}"

    @property
    def is_returned(self) -> bool:
        return self.status in (AssignmentStatus.RETURNED, AssignmentStatus.COMMENTED)
