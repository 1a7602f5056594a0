from django.contrib import admin

from parcours.core.models import LearningEvent


@admin.register(LearningEvent)
class LearningEventAdmin(admin.ModelAdmin):
    """Read-only: the record is append-only, the admin only looks."""

    list_display = ["occurred_at", "actor", "verb", "object_type", "object_name", "organisation"]
    list_filter = ["verb", "organisation"]
    search_fields = ["actor__email", "object_id", "object_name"]
    date_hierarchy = "occurred_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
