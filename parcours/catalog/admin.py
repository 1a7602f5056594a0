"""Staff see programmes and steps here; they change them in the authoring pages, whose
services keep durations, positions, versions and the publication record right."""

from django.contrib import admin
from django.db import models

from parcours.catalog.models import Module, Programme, Step, Tag


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class ModuleInline(admin.TabularInline):
    model = Module
    fields = ["position", "title"]
    ordering = ["position"]
    extra = 0
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Programme)
class ProgrammeAdmin(ReadOnlyAdmin):
    list_display = ["title", "organisation", "status", "version", "has_unpublished_changes",
                    "estimated_minutes", "allows_self_enrolment", "published_at"]
    list_filter = ["status", "organisation"]
    search_fields = ["title", "description"]
    list_select_related = ["organisation"]
    inlines = [ModuleInline]


@admin.register(Step)
class StepAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "programme", "module", "position", "estimated_minutes",
                    "required"]
    list_filter = ["kind", "required", "programme__organisation"]
    search_fields = ["title", "programme__title"]
    list_select_related = ["programme", "module"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    """Tags may be renamed here (a typo fixed for every programme at once)."""

    list_display = ["name", "kind", "organisation"]
    list_filter = ["kind", "organisation"]
    search_fields = ["name"]
    list_select_related = ["organisation"]

    def get_readonly_fields(self, request, obj=None):
        return ["organisation"] if obj is not None else []
