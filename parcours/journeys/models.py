"""Each learner's own path: enrolments, path steps copied from the programme, the
adaptations a coach made to them, and the evidence that proves a step done."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parcours.catalog.models import StepContent
from parcours.core.models import TimeStampedModel


class EnrolmentStatus(models.TextChoices):
    """Computed from the plan and the activity (journeys.selectors), never typed in."""

    ON_TRACK = "on_track", _("On track")
    BEHIND = "behind", _("Behind")
    AT_RISK = "at_risk", _("At risk")
    COMPLETED = "completed", _("Completed")


class Enrolment(TimeStampedModel):
    """A learner in a programme, from a start date, at their own pace."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                     related_name="enrolments", verbose_name=_("organisation"))
    programme = models.ForeignKey("catalog.Programme", on_delete=models.PROTECT,
                                  related_name="enrolments", verbose_name=_("programme"))
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="enrolments", verbose_name=_("learner"))
    start_on = models.DateField(_("start date"))
    minutes_per_week = models.PositiveIntegerField(
        _("time available per week (minutes)"),
        help_text=_("The learner's pace: someone learning after work is not a full-time "
                    "student. Planned dates follow from it."))
    programme_version = models.PositiveIntegerField(_("programme version"), default=1)
    enrolled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("enrolled by"))
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "learner"],
                                    name="one_enrolment_per_programme"),
            models.CheckConstraint(condition=Q(minutes_per_week__gt=0),
                                   name="enrolment_has_a_pace"),
        ]
        indexes = [models.Index(fields=["organisation", "learner"], name="enrolment_org_learner")]

    def __str__(self) -> str:
        return f"{self.learner} — {self.programme}"


class AdaptationKind(models.TextChoices):
    PULLED_FORWARD = "pulled_forward", _("Moved earlier")
    PUSHED_BACK = "pushed_back", _("Moved later")
    INSERTED = "inserted", _("Added")
    SKIPPED = "skipped", _("Skipped")
    DUE_DATE_CHANGED = "due_date_changed", _("Due date changed")
    REORDERED = "reordered", _("Reordered")
    TEMPLATE_APPLIED = "template_applied", _("Programme update applied")


class PathStepStatus(models.TextChoices):
    TODO = "todo", _("To do")
    DONE = "done", _("Done")
    SKIPPED = "skipped", _("Skipped")


class PathStep(StepContent, TimeStampedModel):
    """One step of one learner's path: a copy of a programme step, or one a coach added.

    `adapted` marks a step a coach changed for this learner: applying later template
    changes leaves it alone. `change_reason` is what the learner reads ("Your coach moved
    this step earlier: …").
    """

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="steps",
                                  verbose_name=_("enrolment"))
    source_step = models.ForeignKey("catalog.Step", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="path_steps",
                                    verbose_name=_("programme step"))
    module_title = models.CharField(_("module"), max_length=200, blank=True)
    position = models.PositiveIntegerField(_("position"))
    prerequisites = models.ManyToManyField("self", symmetrical=False, blank=True,
                                           related_name="unlocks",
                                           verbose_name=_("prerequisites"))
    planned_on = models.DateField(_("planned for"), null=True, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=PathStepStatus.choices,
                              default=PathStepStatus.TODO)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    adapted = models.BooleanField(_("adapted by a coach"), default=False)
    added_by_coach = models.BooleanField(_("added by a coach"), default=False)
    change_reason = models.TextField(_("reason for the last change"), blank=True)
    last_change = models.CharField(
        _("last change"), max_length=20, choices=AdaptationKind.choices, blank=True,
        help_text=_("What the coach last did to this step, so the learner reads why."))
    engaged_seconds = models.PositiveIntegerField(_("engaged time (seconds)"), default=0)
    last_heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)

    class Meta(StepContent.Meta):
        verbose_name = _("path step")
        verbose_name_plural = _("path steps")
        ordering = ["enrolment", "position", "id"]
        constraints = [
            *StepContent.Meta.constraints,
            models.CheckConstraint(condition=Q(status__in=PathStepStatus.values),
                                   name="path_step_status_known"),
            models.CheckConstraint(
                condition=~Q(status=PathStepStatus.DONE) | Q(completed_at__isnull=False),
                name="done_step_has_completion_time"),
            models.CheckConstraint(
                condition=~Q(status=PathStepStatus.SKIPPED) | ~Q(change_reason=""),
                name="skipped_step_has_reason"),
        ]
        indexes = [
            models.Index(fields=["enrolment", "status", "position"], name="path_step_next_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class Adaptation(models.Model):
    """The record of a change made to one learner's path: who, when, what and why."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE,
                                  related_name="adaptations", verbose_name=_("enrolment"))
    path_step = models.ForeignKey(PathStep, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="adaptations", verbose_name=_("path step"))
    kind = models.CharField(_("kind"), max_length=20, choices=AdaptationKind.choices)
    reason = models.TextField(_("reason"))
    details = models.JSONField(_("details"), default=dict, blank=True)
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("made by"))
    made_at = models.DateTimeField(_("made at"))

    class Meta:
        verbose_name = _("path adaptation")
        verbose_name_plural = _("path adaptations")
        ordering = ["-made_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=AdaptationKind.values),
                                   name="adaptation_kind_known"),
            models.CheckConstraint(condition=~Q(reason=""), name="adaptation_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.reason[:60]}"


class EvidenceKind(models.TextChoices):
    ENGAGED_TIME = "engaged_time", _("Time engaged")
    CHECK_ANSWERED = "check_answered", _("Check question answered")
    QUIZ_PASSED = "quiz_passed", _("Quiz passed")
    SUBMISSION_ACCEPTED = "submission_accepted", _("Submission accepted")
    COACH_VALIDATION = "coach_validation", _("Validated by a coach")
    DECLARATION = "declaration", _("Declared by the learner")
    COACH_CONFIRMATION = "coach_confirmation", _("Confirmed by a coach")
    CARDS_REVIEWED = "cards_reviewed", _("Flashcards reviewed")
    ATTENDANCE = "attendance", _("Attended the live session")


class Evidence(models.Model):
    """What proves a step done. A step is done only when its kind's evidence is here."""

    path_step = models.ForeignKey(PathStep, on_delete=models.CASCADE, related_name="evidence",
                                  verbose_name=_("path step"))
    kind = models.CharField(_("kind"), max_length=24, choices=EvidenceKind.choices)
    details = models.JSONField(_("details"), default=dict, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["recorded_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=EvidenceKind.values),
                                   name="evidence_kind_known"),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class SubmissionStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for review")
    ACCEPTED = "accepted", _("Accepted")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")


class Submission(TimeStampedModel):
    """A learner's work for an assignment step, and the coach's review of it."""

    path_step = models.ForeignKey(PathStep, on_delete=models.CASCADE,
                                  related_name="submissions", verbose_name=_("path step"))
    text = models.TextField(_("text"), blank=True)
    file = models.FileField(_("file"), upload_to="submissions/%Y/%m/", blank=True)
    status = models.CharField(_("status"), max_length=20, choices=SubmissionStatus.choices,
                              default=SubmissionStatus.SUBMITTED)
    feedback = models.TextField(_("feedback"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=SubmissionStatus.values),
                                   name="submission_status_known"),
            models.CheckConstraint(condition=~Q(text="") | ~Q(file=""),
                                   name="submission_not_empty"),
            models.CheckConstraint(
                condition=Q(status=SubmissionStatus.SUBMITTED) | Q(reviewed_at__isnull=False),
                name="reviewed_submission_has_review_time"),
            models.CheckConstraint(
                condition=~Q(status=SubmissionStatus.CHANGES_REQUESTED) | ~Q(feedback=""),
                name="changes_requested_have_feedback"),
            # A learner sends a new version once the previous one is reviewed: the coach's
            # queue never holds two versions of the same work.
            models.UniqueConstraint(fields=["path_step"],
                                    condition=Q(status=SubmissionStatus.SUBMITTED),
                                    name="one_pending_submission_per_step"),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="submission_queue_idx")]
