"""Staff look at enrolments, paths, evidence, submissions and adaptations; they change
nothing here: every change to a path goes through journeys.services, with its reason and
its learning event."""

from django.contrib import admin

from parcours.journeys.models import Adaptation, Enrolment, Evidence, PathStep, Submission


class ReadOnly:
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class PathStepInline(ReadOnly, admin.TabularInline):
    model = PathStep
    fields = ["position", "module_title", "kind", "title", "required", "status", "planned_on",
              "due_on", "completed_at", "engaged_seconds", "adapted", "added_by_coach",
              "change_reason"]
    readonly_fields = fields
    ordering = ["position", "id"]
    extra = 0


@admin.register(Enrolment)
class EnrolmentAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["learner", "programme", "organisation", "start_on", "minutes_per_week",
                    "last_activity_at", "completed_at"]
    list_filter = ["organisation", ("completed_at", admin.EmptyFieldListFilter)]
    search_fields = ["learner__email", "learner__display_name", "programme__title"]
    list_select_related = ["learner", "programme", "organisation"]
    readonly_fields = ["organisation", "programme", "learner", "start_on", "minutes_per_week",
                       "programme_version", "enrolled_by", "created_at", "completed_at",
                       "last_activity_at"]
    inlines = [PathStepInline]


@admin.register(Evidence)
class EvidenceAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["path_step", "kind", "recorded_by", "recorded_at"]
    list_filter = ["kind"]
    search_fields = ["path_step__title", "path_step__enrolment__learner__email"]
    list_select_related = ["path_step", "recorded_by"]
    readonly_fields = ["path_step", "kind", "details", "comment", "recorded_by", "recorded_at"]


@admin.register(Submission)
class SubmissionAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["path_step", "status", "created_at", "reviewed_by", "reviewed_at"]
    list_filter = ["status"]
    search_fields = ["path_step__title", "path_step__enrolment__learner__email"]
    list_select_related = ["path_step", "reviewed_by"]
    readonly_fields = ["path_step", "text", "file", "status", "feedback", "reviewed_by",
                       "reviewed_at", "created_at"]


@admin.register(Adaptation)
class AdaptationAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["enrolment", "kind", "path_step", "made_by", "made_at"]
    list_filter = ["kind"]
    search_fields = ["reason", "enrolment__learner__email", "path_step__title"]
    list_select_related = ["enrolment__learner", "enrolment__programme", "path_step", "made_by"]
    readonly_fields = ["enrolment", "path_step", "kind", "reason", "details", "made_by",
                       "made_at"]
