"""The template side: programmes made of modules of steps, authored by managers.

Learners never follow these rows directly: enrolling copies a programme's steps into the
learner's own path (journeys.PathStep), so editing a programme never breaks a running path.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from parcours.core.models import TimeStampedModel


class TagKind(models.TextChoices):
    THEME = "theme", _("Theme")
    SKILL = "skill", _("Skill")


class Tag(TimeStampedModel):
    """A theme or a skill, used to describe programmes and to target people."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                     related_name="tags", verbose_name=_("organisation"))
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=8, choices=TagKind.choices,
                            default=TagKind.THEME)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint("organisation", "kind", Lower("name"), name="tag_unique_name"),
            models.CheckConstraint(condition=Q(kind__in=TagKind.values), name="tag_kind_known"),
        ]

    def __str__(self) -> str:
        return self.name


class ProgrammeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class Programme(TimeStampedModel):
    """A template path: what a learner will go through, in modules of steps."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                     related_name="programmes", verbose_name=_("organisation"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True,
                                   help_text=_("Markdown. Shown in the catalogue."))
    objectives = models.TextField(_("objectives"), blank=True,
                                  help_text=_("What a learner can do at the end. Markdown."))
    audience = models.TextField(_("audience"), blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES,
                                default=settings.LANGUAGE_CODE)
    estimated_minutes = models.PositiveIntegerField(
        _("estimated duration (minutes)"), default=0,
        help_text=_("Kept equal to the sum of the required steps' durations."))
    tags = models.ManyToManyField(Tag, blank=True, related_name="programmes",
                                  verbose_name=_("tags and skills"))
    status = models.CharField(_("status"), max_length=12, choices=ProgrammeStatus.choices,
                              default=ProgrammeStatus.DRAFT)
    allows_self_enrolment = models.BooleanField(
        _("learners can enrol themselves"), default=False)
    version = models.PositiveIntegerField(
        _("version"), default=1,
        help_text=_("Goes up each time published changes are saved; paths note the version "
                    "they were copied from."))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    has_unpublished_changes = models.BooleanField(
        _("changed since publication"), default=False,
        help_text=_("Set by any edit of a published programme; publishing again raises the "
                    "version and clears it."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("created by"))

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ProgrammeStatus.values),
                                   name="programme_status_known"),
            models.CheckConstraint(
                condition=~Q(status=ProgrammeStatus.PUBLISHED) | Q(published_at__isnull=False),
                name="programme_published_has_date"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == ProgrammeStatus.PUBLISHED


class Module(TimeStampedModel):
    """A phase of a programme: a group of steps."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="modules",
                                  verbose_name=_("programme"))
    title = models.CharField(_("title"), max_length=200)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        ordering = ["programme", "position", "id"]

    def __str__(self) -> str:
        return self.title


class StepKind(models.TextChoices):
    LESSON = "lesson", _("Lesson")
    QUIZ = "quiz", _("Quiz")
    ASSIGNMENT = "assignment", _("Assignment")
    CHECKPOINT = "checkpoint", _("Checkpoint")
    EXTERNAL = "external", _("External activity")
    LIVE_SESSION = "live_session", _("Live session")
    APPOINTMENT = "appointment", _("Appointment")


class StepContent(models.Model):
    """What a step is, shared by the template (Step) and each learner's copy (PathStep).

    Evidence rules per kind (enforced by journeys' services, never by a button):
    lesson: engaged `min_engaged_seconds` with the tab visible, or `check_question` answered
    right; quiz: `quiz` passed; assignment: a submission accepted by a coach; checkpoint: a
    coach validation; external: the learner's declaration, plus a coach confirmation when
    `needs_coach_confirmation`. A `deck` adds flashcards; `reviews_required` > 0 makes
    reviewing them part of the evidence.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=StepKind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("content"), blank=True,
                            help_text=_("Markdown: text, links and images. Sanitised on display."))
    video_url = models.URLField(_("video link"), blank=True)
    external_url = models.URLField(_("external link"), blank=True)
    estimated_minutes = models.PositiveIntegerField(_("estimated duration (minutes)"), default=15)
    required = models.BooleanField(_("required"), default=True)
    min_engaged_seconds = models.PositiveIntegerField(
        _("minimum engaged time (seconds)"), default=0,
        help_text=_("Lessons: time spent with the page visible before the lesson counts."))
    check_question = models.ForeignKey(
        "assessments.Question", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("check question"),
        help_text=_("Lessons: answering it right also completes the lesson."))
    quiz = models.ForeignKey("assessments.Quiz", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+", verbose_name=_("quiz"))
    deck = models.ForeignKey("assessments.Deck", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+",
                             verbose_name=_("flashcard deck"))
    reviews_required = models.PositiveIntegerField(
        _("card reviews required"), default=0,
        help_text=_("When above zero, reviewing this many cards of the deck is evidence."))
    needs_coach_confirmation = models.BooleanField(
        _("a coach confirms"), default=False,
        help_text=_("External activities: the learner's declaration is not enough."))

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=StepKind.values),
                                   name="%(class)s_kind_known"),
            models.CheckConstraint(condition=~Q(kind=StepKind.QUIZ) | Q(quiz__isnull=False),
                                   name="%(class)s_quiz_step_has_quiz"),
            models.CheckConstraint(condition=~Q(kind=StepKind.EXTERNAL) | ~Q(external_url=""),
                                   name="%(class)s_external_step_has_link"),
            models.CheckConstraint(condition=Q(estimated_minutes__gt=0),
                                   name="%(class)s_has_duration"),
            models.CheckConstraint(condition=Q(reviews_required=0) | Q(deck__isnull=False),
                                   name="%(class)s_reviews_need_deck"),
        ]


class Step(StepContent, TimeStampedModel):
    """One activity of a programme's template."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="steps",
                                  verbose_name=_("programme"))
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="steps",
                               verbose_name=_("module"))
    position = models.PositiveIntegerField(_("position"), default=0)
    attachment = models.FileField(_("attachment"), upload_to="steps/%Y/%m/", blank=True)
    prerequisites = models.ManyToManyField("self", symmetrical=False, blank=True,
                                           related_name="unlocks",
                                           verbose_name=_("prerequisites"))
    due_offset_days = models.PositiveIntegerField(
        _("due (days after the start)"), null=True, blank=True,
        help_text=_("Leave empty to let the learner's pace decide."))

    class Meta(StepContent.Meta):
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["programme", "module__position", "position", "id"]

    def __str__(self) -> str:
        return self.title
