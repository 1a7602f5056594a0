"""Quizzes, question banks, attempts, and flashcards reviewed with spaced repetition."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parcours.core.models import TimeStampedModel


class QuestionBank(TimeStampedModel):
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                     related_name="question_banks",
                                     verbose_name=_("organisation"))
    title = models.CharField(_("title"), max_length=200)

    class Meta:
        verbose_name = _("question bank")
        verbose_name_plural = _("question banks")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class QuestionKind(models.TextChoices):
    SINGLE_CHOICE = "single", _("Single choice")
    MULTIPLE_CHOICE = "multiple", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True or false")
    SHORT_ANSWER = "short", _("Short answer")
    NUMERIC = "numeric", _("Number")
    ORDERING = "ordering", _("Put in order")


class Question(TimeStampedModel):
    """One question. How it is marked depends on its kind:

    single/multiple/true_false: the choices flagged correct (multiple: exactly those);
    short: one of `accepted_answers`, compared without case and surrounding spaces, or
    matching it as a regular expression when `answer_is_pattern`; numeric:
    `numeric_answer` ± `tolerance`; ordering: the choices in their `position` order.
    """

    bank = models.ForeignKey(QuestionBank, on_delete=models.CASCADE, related_name="questions",
                             verbose_name=_("question bank"))
    kind = models.CharField(_("kind"), max_length=12, choices=QuestionKind.choices)
    prompt = models.TextField(_("question"))
    explanation = models.TextField(_("explanation"), blank=True,
                                   help_text=_("Shown with the results, right or wrong."))
    points = models.PositiveIntegerField(_("points"), default=1)
    position = models.PositiveIntegerField(_("position"), default=0)
    accepted_answers = models.JSONField(_("accepted answers"), default=list, blank=True)
    answer_is_pattern = models.BooleanField(_("answers are patterns"), default=False)
    numeric_answer = models.DecimalField(_("expected number"), max_digits=14, decimal_places=4,
                                         null=True, blank=True)
    tolerance = models.DecimalField(_("tolerance"), max_digits=14, decimal_places=4, default=0)
    feedback_correct = models.TextField(_("feedback when right"), blank=True)
    feedback_incorrect = models.TextField(_("feedback when wrong"), blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["bank", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=QuestionKind.values),
                                   name="question_kind_known"),
            models.CheckConstraint(condition=Q(points__gt=0), name="question_has_points"),
            models.CheckConstraint(
                condition=~Q(kind=QuestionKind.NUMERIC) | Q(numeric_answer__isnull=False),
                name="numeric_question_has_answer"),
            models.CheckConstraint(condition=Q(tolerance__gte=0),
                                   name="question_tolerance_not_negative"),
        ]

    def __str__(self) -> str:
        return self.prompt[:80]


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices",
                                 verbose_name=_("question"))
    text = models.CharField(_("text"), max_length=500)
    is_correct = models.BooleanField(_("correct"), default=False)
    feedback = models.TextField(_("feedback"), blank=True,
                                help_text=_("Shown when the learner picked this choice."))
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["question", "position", "id"]

    def __str__(self) -> str:
        return self.text


class Quiz(TimeStampedModel):
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                     related_name="quizzes", verbose_name=_("organisation"))
    title = models.CharField(_("title"), max_length=200)
    bank = models.ForeignKey(QuestionBank, on_delete=models.PROTECT, related_name="quizzes",
                             verbose_name=_("question bank"))
    pass_mark_percent = models.PositiveIntegerField(
        _("pass mark (%)"), default=70, validators=[MaxValueValidator(100)])
    max_attempts = models.PositiveIntegerField(
        _("attempts allowed"), null=True, blank=True, help_text=_("Empty: no limit."))
    time_limit_seconds = models.PositiveIntegerField(
        _("time limit (seconds)"), null=True, blank=True, help_text=_("Empty: no limit."))
    shuffle_questions = models.BooleanField(_("random order"), default=False)
    draw_count = models.PositiveIntegerField(
        _("questions drawn"), null=True, blank=True,
        help_text=_("Draw this many questions at random from the bank; empty: all."))

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(condition=Q(pass_mark_percent__lte=100),
                                   name="quiz_pass_mark_is_a_percentage"),
            models.CheckConstraint(condition=Q(max_attempts__isnull=True) | Q(max_attempts__gt=0),
                                   name="quiz_allows_an_attempt"),
            models.CheckConstraint(condition=Q(draw_count__isnull=True) | Q(draw_count__gt=0),
                                   name="quiz_draws_a_question"),
        ]

    def __str__(self) -> str:
        return self.title


class Attempt(models.Model):
    """One go at a quiz. `questions` fixes which questions, in which order, it was given."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts",
                             verbose_name=_("quiz"))
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="quiz_attempts", verbose_name=_("learner"))
    path_step = models.ForeignKey("journeys.PathStep", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="quiz_attempts",
                                  verbose_name=_("path step"))
    number = models.PositiveIntegerField(_("attempt number"), default=1)
    questions = models.JSONField(_("questions given"), default=list)
    started_at = models.DateTimeField(_("started at"))
    deadline_at = models.DateTimeField(_("must be sent before"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    score_percent = models.DecimalField(_("score (%)"), max_digits=5, decimal_places=2,
                                        null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True)

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        ordering = ["-started_at"]
        constraints = [
            # Attempts are counted per learner and quiz, whatever the path step they were
            # started from: practising outside the path must not bypass the limit.
            models.UniqueConstraint(fields=["quiz", "learner", "number"],
                                    name="attempt_number_unique_per_learner"),
            models.UniqueConstraint(fields=["quiz", "learner"],
                                    condition=Q(submitted_at__isnull=True),
                                    name="one_open_attempt_per_quiz"),
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True) | Q(score_percent__isnull=False),
                name="submitted_attempt_has_score"),
        ]

    def __str__(self) -> str:
        return f"{self.quiz} #{self.number} ({self.learner})"


class Answer(models.Model):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers",
                                verbose_name=_("attempt"))
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("question"))
    response = models.JSONField(_("response"), null=True)
    is_correct = models.BooleanField(_("correct"), default=False)
    points_awarded = models.PositiveIntegerField(_("points"), default=0)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="one_answer_per_question"),
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}: {self.question_id}"


class Deck(TimeStampedModel):
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                     related_name="decks", verbose_name=_("organisation"))
    title = models.CharField(_("title"), max_length=200)
    language = models.CharField(_("language"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("flashcard deck")
        verbose_name_plural = _("flashcard decks")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Card(models.Model):
    deck = models.ForeignKey(Deck, on_delete=models.CASCADE, related_name="cards",
                             verbose_name=_("deck"))
    front = models.CharField(_("front"), max_length=500)
    back = models.CharField(_("back"), max_length=500)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("flashcard")
        verbose_name_plural = _("flashcards")
        ordering = ["deck", "position", "id"]

    def __str__(self) -> str:
        return self.front


class CardMemory(models.Model):
    """How well one learner knows one card: the FSRS state, and when to see it again."""

    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="memories",
                             verbose_name=_("card"))
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="card_memories", verbose_name=_("learner"))
    path_step = models.ForeignKey(
        "journeys.PathStep", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="card_memories", verbose_name=_("path step"),
        help_text=_("The step that introduced the card: reviews from the daily queue count "
                    "for it."))
    fsrs_state = models.JSONField(_("scheduler state"))
    due_at = models.DateTimeField(_("due"))
    last_reviewed_at = models.DateTimeField(_("last reviewed"), null=True, blank=True)
    reviews = models.PositiveIntegerField(_("reviews"), default=0)

    class Meta:
        verbose_name = _("card memory")
        verbose_name_plural = _("card memories")
        constraints = [
            models.UniqueConstraint(fields=["card", "learner"], name="one_memory_per_card"),
        ]
        indexes = [models.Index(fields=["learner", "due_at"], name="card_memory_due_idx")]

    def __str__(self) -> str:
        return f"{self.learner} — {self.card}"


class CardReview(models.Model):
    """One review of one card: the append-only log FSRS can be re-fitted from."""

    class Rating(models.IntegerChoices):
        AGAIN = 1, _("Again")
        HARD = 2, _("Hard")
        GOOD = 3, _("Good")
        EASY = 4, _("Easy")

    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="reviews",
                             verbose_name=_("card"))
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="card_reviews", verbose_name=_("learner"))
    path_step = models.ForeignKey("journeys.PathStep", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="card_reviews",
                                  verbose_name=_("path step"))
    rating = models.PositiveSmallIntegerField(_("rating"), choices=Rating.choices)
    reviewed_at = models.DateTimeField(_("reviewed at"))

    class Meta:
        verbose_name = _("card review")
        verbose_name_plural = _("card reviews")
        constraints = [
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=4),
                                   name="card_review_rating_range"),
        ]

    def __str__(self) -> str:
        return f"{self.learner} — {self.card}: {self.rating}"
