"""Staff tools for question banks, quizzes and decks.

Authors use the organisation's pages, which go through the services; the admin is for
platform staff fixing content. Attempts and reviews are learners' records: read-only here.
"""

from django.contrib import admin

from parcours.assessments.models import (
    Attempt,
    Card,
    Choice,
    Deck,
    Question,
    QuestionBank,
    Quiz,
)


class QuestionInline(admin.StackedInline):
    model = Question
    extra = 0
    fields = ["kind", "prompt", "points", "position"]
    show_change_link = True


@admin.register(QuestionBank)
class QuestionBankAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "updated_at"]
    list_filter = ["organisation"]
    search_fields = ["title"]
    list_select_related = ["organisation"]
    inlines = [QuestionInline]


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 0


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["prompt", "kind", "bank", "points", "position"]
    list_filter = ["kind", "bank__organisation"]
    search_fields = ["prompt"]
    list_select_related = ["bank"]
    inlines = [ChoiceInline]


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "bank", "pass_mark_percent", "max_attempts",
                    "time_limit_seconds", "draw_count", "shuffle_questions"]
    list_filter = ["organisation"]
    search_fields = ["title"]
    list_select_related = ["organisation", "bank"]


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    """A learner's result is evidence: staff look, they do not change it."""

    list_display = ["quiz", "learner", "number", "started_at", "submitted_at", "score_percent",
                    "passed"]
    list_filter = ["passed", "quiz__organisation"]
    search_fields = ["learner__email", "quiz__title"]
    list_select_related = ["quiz", "learner"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CardInline(admin.TabularInline):
    model = Card
    extra = 0


@admin.register(Deck)
class DeckAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "language", "updated_at"]
    list_filter = ["organisation"]
    search_fields = ["title", "cards__front"]
    list_select_related = ["organisation"]
    inlines = [CardInline]
