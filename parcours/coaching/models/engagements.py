"""Engagements (accompagnements), their types, phases and appointments."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from parcours.core.models import TimeStampedModel

__all__ = [
    "EngagementKind", "EngagementType", "PhaseTemplate", "EngagementStatus", "Engagement",
    "EngagementCoach", "Phase", "AppointmentMode", "AppointmentStatus", "Appointment",
]


class EngagementKind(models.TextChoices):
    SKILLS_ASSESSMENT = "skills_assessment", _("Skills assessment (bilan de compétences)")
    OUTPLACEMENT = "outplacement", _("Outplacement")
    VAE = "vae", _("Accreditation of prior experience (VAE)")
    COACHING = "coaching", _("Coaching")
    MENTORING = "mentoring", _("Mentoring")
    OTHER = "other", _("The organisation's own")


class EngagementType(TimeStampedModel):
    """A template an organisation edits: phases with planned hours, default action items,
    note templates, documents to produce, and the booking rules engagements start with."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                     related_name="engagement_types",
                                     verbose_name=_("organisation"))
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=EngagementKind.choices,
                            default=EngagementKind.COACHING)
    description = models.TextField(_("description"), blank=True)
    contracted_minutes = models.PositiveIntegerField(_("contracted hours (minutes)"),
                                                     default=0)
    default_actions = models.JSONField(
        _("default action items"), default=list, blank=True,
        help_text=_("Titles of the action items every new engagement starts with."))
    documents_to_produce = models.JSONField(_("documents to produce"), default=list,
                                            blank=True)
    notice_hours = models.PositiveIntegerField(
        _("notice (hours)"), default=24,
        help_text=_("How long before an appointment it can still be booked, moved or cancelled."))
    min_minutes = models.PositiveIntegerField(_("shortest appointment (minutes)"), default=30)
    max_minutes = models.PositiveIntegerField(_("longest appointment (minutes)"), default=180)
    default_minutes = models.PositiveIntegerField(_("usual appointment (minutes)"), default=60)
    buffer_minutes = models.PositiveIntegerField(
        _("buffer between appointments (minutes)"), default=15)
    archived = models.BooleanField(_("archived"), default=False)

    class Meta:
        verbose_name = _("engagement type")
        verbose_name_plural = _("engagement types")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"],
                                    name="engagement_type_name_unique"),
            models.CheckConstraint(
                condition=Q(min_minutes__gt=0) & Q(max_minutes__gte=F("min_minutes")),
                name="engagement_type_lengths_ordered"),
        ]

    def __str__(self) -> str:
        return self.name


class PhaseTemplate(models.Model):
    """A phase of an engagement type (a bilan de compétences: preliminary, investigation,
    conclusion), copied into each engagement created from the type."""

    engagement_type = models.ForeignKey(EngagementType, on_delete=models.CASCADE,
                                        related_name="phases",
                                        verbose_name=_("engagement type"))
    name = models.CharField(_("name"), max_length=120)
    position = models.PositiveSmallIntegerField(_("position"))
    planned_minutes = models.PositiveIntegerField(_("planned hours (minutes)"), default=0)

    class Meta:
        verbose_name = _("phase template")
        verbose_name_plural = _("phase templates")
        ordering = ["engagement_type", "position"]
        constraints = [
            models.UniqueConstraint(fields=["engagement_type", "position"],
                                    name="phase_template_position_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class EngagementStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")
    ANONYMISED = "anonymised", _("Anonymised")


class Engagement(TimeStampedModel):
    """A beneficiary followed by one or more coaches, with contracted hours and phases.

    Hours are never typed here: they are the sum of the closed appointments.
    """

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                     related_name="engagements", verbose_name=_("organisation"))
    engagement_type = models.ForeignKey(EngagementType, on_delete=models.PROTECT,
                                        related_name="engagements",
                                        verbose_name=_("engagement type"))
    beneficiary = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL,
                                    related_name="engagements_as_beneficiary",
                                    verbose_name=_("beneficiary"))
    coaches = models.ManyToManyField(settings.AUTH_USER_MODEL, through="EngagementCoach",
                                     related_name="engagements_as_coach",
                                     verbose_name=_("coaches"))
    title = models.CharField(_("title"), max_length=200)
    objectives = models.TextField(_("objectives"), blank=True)
    contracted_minutes = models.PositiveIntegerField(_("contracted hours (minutes)"))
    funder = models.CharField(_("funder"), max_length=160, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=EngagementStatus.choices,
                              default=EngagementStatus.ACTIVE)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    # Booking rules, copied from the type and adjustable per engagement.
    notice_hours = models.PositiveIntegerField(_("notice (hours)"), default=24)
    min_minutes = models.PositiveIntegerField(_("shortest appointment (minutes)"), default=30)
    max_minutes = models.PositiveIntegerField(_("longest appointment (minutes)"), default=180)
    default_minutes = models.PositiveIntegerField(_("usual appointment (minutes)"), default=60)
    buffer_minutes = models.PositiveIntegerField(
        _("buffer between appointments (minutes)"), default=15)

    class Meta:
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")
        ordering = ["-starts_on", "-id"]
        indexes = [
            models.Index(fields=["organisation", "status"], name="engagement_org_status_idx"),
            models.Index(fields=["beneficiary", "status"], name="engagement_beneficiary_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="engagement_ends_after_start"),
            models.CheckConstraint(
                condition=Q(min_minutes__gt=0) & Q(max_minutes__gte=F("min_minutes")),
                name="engagement_lengths_ordered"),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False),
                name="closed_engagement_has_date"),
            models.CheckConstraint(
                condition=~Q(status="anonymised") | Q(anonymised_at__isnull=False),
                name="anonymised_engagement_has_date"),
        ]

    def __str__(self) -> str:
        return self.title


class EngagementCoach(models.Model):
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE,
                                   related_name="coach_links", verbose_name=_("engagement"))
    coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="coach_links", verbose_name=_("coach"))
    lead = models.BooleanField(_("lead coach"), default=False)

    class Meta:
        verbose_name = _("coach of an engagement")
        verbose_name_plural = _("coaches of engagements")
        constraints = [
            models.UniqueConstraint(fields=["engagement", "coach"],
                                    name="engagement_coach_unique"),
            models.UniqueConstraint(fields=["engagement"], condition=Q(lead=True),
                                    name="one_lead_coach_per_engagement"),
        ]

    def __str__(self) -> str:
        return f"{self.coach_id} → {self.engagement_id}"


class Phase(models.Model):
    """One phase of one engagement, with its planned hours; used hours come from the
    closed appointments recorded against it."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE,
                                   related_name="phases", verbose_name=_("engagement"))
    name = models.CharField(_("name"), max_length=120)
    position = models.PositiveSmallIntegerField(_("position"))
    planned_minutes = models.PositiveIntegerField(_("planned hours (minutes)"), default=0)
    template = models.ForeignKey(PhaseTemplate, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("template"))

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["engagement", "position"]
        constraints = [
            models.UniqueConstraint(fields=["engagement", "position"],
                                    name="phase_position_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class AppointmentMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("By phone")
    VIDEO = "video", _("By video")


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")
    CLOSED = "closed", _("Held and recorded")
    MISSED = "missed", _("Missed")


class Appointment(TimeStampedModel):
    """A meeting inside an engagement. Closing it records the time actually spent: that
    single entry is the engagement's hours record."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE,
                                   related_name="appointments", verbose_name=_("engagement"))
    coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="coaching_appointments", verbose_name=_("coach"))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    mode = models.CharField(_("mode"), max_length=10, choices=AppointmentMode.choices,
                            default=AppointmentMode.VIDEO)
    place = models.CharField(_("place"), max_length=255, blank=True)
    meeting_url = models.URLField(_("meeting link"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=AppointmentStatus.choices,
                              default=AppointmentStatus.BOOKED)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("booked by"))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=255, blank=True)
    ical_uid = models.UUIDField(_("calendar identifier"), default=uuid.uuid4, unique=True,
                                editable=False)
    ical_sequence = models.PositiveIntegerField(_("calendar revision"), default=0)
    beneficiary_joined_at = models.DateTimeField(_("beneficiary joined at"), null=True,
                                                 blank=True)
    coach_joined_at = models.DateTimeField(_("coach joined at"), null=True, blank=True)
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)
    # The closing record: the only place coaching hours are entered.
    phase = models.ForeignKey(Phase, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="appointments", verbose_name=_("phase"))
    actual_minutes = models.PositiveIntegerField(_("actual duration (minutes)"), null=True,
                                                 blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("closed by"))

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["coach", "starts_at"], name="appointment_coach_time_idx"),
            models.Index(fields=["engagement", "starts_at"],
                         name="appointment_engagement_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")),
                                   name="appointment_ends_after_start"),
            models.CheckConstraint(
                condition=~Q(status="closed")
                | (Q(actual_minutes__isnull=False) & Q(closed_at__isnull=False)),
                name="closed_appointment_has_duration"),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | Q(cancelled_at__isnull=False),
                name="cancelled_appointment_has_date"),
        ]

    def __str__(self) -> str:
        return f"{self.engagement} — {self.starts_at:%Y-%m-%d %H:%M}"
