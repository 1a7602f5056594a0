"""Staff look at rooms, sessions, registrations, attendance and signatures; they change
nothing here. Scheduling goes through the sessions pages (a trainer or a room is never
booked twice), registrations through their services (the waiting list moves up), and a
signature is proof: nobody edits or deletes one, from anywhere."""

from django.contrib import admin

from parcours.classroom.models import (
    Attendance,
    Registration,
    Room,
    Session,
    SessionSeries,
    SessionTrainer,
    Signature,
    Slot,
)


class ReadOnly:
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class SlotInline(ReadOnly, admin.TabularInline):
    model = Slot
    fields = ["part", "starts_at", "ends_at"]
    readonly_fields = fields
    ordering = ["starts_at"]
    extra = 0


class TrainerInline(ReadOnly, admin.TabularInline):
    model = SessionTrainer
    fields = ["trainer"]
    readonly_fields = fields
    extra = 0


@admin.register(Room)
class RoomAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["name", "venue", "capacity", "organisation"]
    list_filter = ["organisation"]
    search_fields = ["name", "venue", "address"]
    list_select_related = ["organisation"]
    readonly_fields = ["organisation", "name", "venue", "address", "capacity", "created_at"]


@admin.register(Session)
class SessionAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["title", "kind", "status", "starts_at", "ends_at", "capacity", "room",
                    "organisation"]
    list_filter = ["status", "kind", "organisation"]
    search_fields = ["title"]
    date_hierarchy = "starts_at"
    list_select_related = ["room", "organisation"]
    readonly_fields = ["organisation", "title", "description", "kind", "status", "programme",
                       "step", "series", "room", "address", "meeting_url", "capacity",
                       "allows_self_registration", "cancellation_notice_hours", "starts_at",
                       "ends_at", "ical_uid", "ical_sequence", "created_by", "created_at"]
    exclude = ["trainers"]
    inlines = [SlotInline, TrainerInline]


@admin.register(SessionSeries)
class SessionSeriesAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["title", "rule", "organisation", "created_at"]
    list_filter = ["organisation"]
    search_fields = ["title"]
    list_select_related = ["organisation"]
    readonly_fields = ["organisation", "title", "rule", "created_at"]


@admin.register(Registration)
class RegistrationAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["learner", "session", "status", "funder", "created_at", "cancelled_at"]
    list_filter = ["status"]
    search_fields = ["learner__email", "learner__display_name", "session__title", "funder"]
    list_select_related = ["learner", "session"]
    readonly_fields = ["session", "learner", "status", "waitlisted_at", "cancelled_at",
                       "registered_by", "funder", "created_at"]


@admin.register(Attendance)
class AttendanceAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["learner", "slot", "status", "arrived_at", "recorded_by"]
    list_filter = ["status"]
    search_fields = ["learner__email", "learner__display_name", "slot__session__title"]
    list_select_related = ["learner", "slot__session", "recorded_by"]
    readonly_fields = ["slot", "learner", "status", "arrived_at", "recorded_by", "created_at"]


@admin.register(Signature)
class SignatureAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["signer", "role", "slot", "method", "signed_at"]
    list_filter = ["role", "method"]
    search_fields = ["signer__email", "signer__display_name", "slot__session__title"]
    list_select_related = ["signer", "slot__session"]
    # The image is shown as stored; the hashes are what verify_attendance checks.
    readonly_fields = ["slot", "signer", "role", "method", "signed_at", "device", "image",
                       "previous_hash", "record_hash"]

    def get_actions(self, request):
        return {}
