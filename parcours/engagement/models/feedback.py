"""In-app feedback: a learner asked to rate a module they finished, and their answer."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["FeedbackSubject", "FeedbackRequest", "FeedbackAnswer"]


def _new_token() -> str:
    return secrets.token_urlsafe(24)


class FeedbackSubject(models.TextChoices):
    MODULE = "module", _("Module")
    SESSION = "session", _("Session")


class FeedbackRequest(models.Model):
    """A learner asked for their opinion on what they just finished.

    Written by the `feedback_request` trigger in the transaction of the event that
    finished the module; one per learner and thing (the unique key). The token names the
    request in links that must not be guessed by counting ids.
    """

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                     related_name="feedback_requests",
                                     verbose_name=_("organisation"))
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="feedback_requests",
                                  verbose_name=_("recipient"))
    subject_type = models.CharField(_("about"), max_length=10, choices=FeedbackSubject.choices)
    subject_key = models.CharField(
        _("reference"), max_length=120,
        help_text=_("What the request is about, e.g. “enrolment 12 / module Se préparer”."))
    title = models.CharField(_("title"), max_length=200)
    programme_id = models.PositiveIntegerField(_("programme"), null=True, blank=True)
    enrolment_id = models.PositiveIntegerField(_("enrolment"), null=True, blank=True)
    token = models.CharField(_("token"), max_length=64, unique=True, default=_new_token,
                             editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("feedback request")
        verbose_name_plural = _("feedback requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "subject_type", "subject_key"],
                                    name="one_feedback_request_per_subject"),
            models.CheckConstraint(condition=Q(subject_type__in=FeedbackSubject.values),
                                   name="feedback_subject_known"),
        ]
        indexes = [models.Index(fields=["organisation", "subject_type", "title"],
                                name="feedback_report_idx")]

    def __str__(self) -> str:
        return f"{self.recipient} — {self.title}"


class FeedbackAnswer(models.Model):
    """The learner's answer: a rating from 1 to 5 and an optional comment, given once."""

    request = models.OneToOneField(FeedbackRequest, on_delete=models.CASCADE,
                                   related_name="answer", verbose_name=_("request"))
    rating = models.PositiveSmallIntegerField(_("rating"))
    comment = models.TextField(_("comment"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), default=timezone.now)

    class Meta:
        verbose_name = _("feedback answer")
        verbose_name_plural = _("feedback answers")
        constraints = [
            models.CheckConstraint(condition=Q(rating__gte=1) & Q(rating__lte=5),
                                   name="feedback_rating_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.request}: {self.rating}"
