"""Blended sessions: in person, virtual or hybrid, their half-day slots, who registered,
who attended, and the signatures that prove it (émargement)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from parcours.core.models import TimeStampedModel


class Room(TimeStampedModel):
    """A place where in-person sessions happen. A room cannot be booked twice at once."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                     related_name="rooms", verbose_name=_("organisation"))
    name = models.CharField(_("name"), max_length=120)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    address = models.TextField(_("address"), blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["venue", "name"]

    def __str__(self) -> str:
        return f"{self.venue} — {self.name}" if self.venue else self.name


class SessionKind(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIRTUAL = "virtual", _("Virtual class")
    HYBRID = "hybrid", _("Hybrid")


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


class SessionSeries(TimeStampedModel):
    """Recurring sessions created together (e.g. every Tuesday for ten weeks)."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                     related_name="session_series",
                                     verbose_name=_("organisation"))
    title = models.CharField(_("title"), max_length=200)
    rule = models.CharField(_("recurrence"), max_length=200, blank=True,
                            help_text=_("iCalendar RRULE the series was made from."))

    class Meta:
        verbose_name = _("series of sessions")
        verbose_name_plural = _("series of sessions")

    def __str__(self) -> str:
        return self.title


class Session(TimeStampedModel):
    """A live class over one or several days, split into half-day slots."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                     related_name="sessions", verbose_name=_("organisation"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=SessionKind.choices,
                            default=SessionKind.IN_PERSON)
    status = models.CharField(_("status"), max_length=12, choices=SessionStatus.choices,
                              default=SessionStatus.SCHEDULED)
    programme = models.ForeignKey("catalog.Programme", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="sessions",
                                  verbose_name=_("programme"))
    step = models.ForeignKey("catalog.Step", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="sessions", verbose_name=_("live-session step"))
    series = models.ForeignKey(SessionSeries, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="sessions", verbose_name=_("series"))
    room = models.ForeignKey(Room, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="sessions", verbose_name=_("room"))
    address = models.TextField(_("address"), blank=True,
                               help_text=_("Where, when there is no room from the list."))
    meeting_url = models.URLField(_("meeting link"), blank=True,
                                  help_text=_("BigBlueButton, Jitsi, Teams, Zoom or any link."))
    capacity = models.PositiveIntegerField(_("seats"))
    allows_self_registration = models.BooleanField(_("learners can register themselves"),
                                                   default=False)
    cancellation_notice_hours = models.PositiveIntegerField(
        _("learners can cancel until (hours before)"), default=48)
    trainers = models.ManyToManyField(settings.AUTH_USER_MODEL, through="SessionTrainer",
                                      related_name="trained_sessions",
                                      verbose_name=_("trainers"))
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True,
                                     help_text=_("Kept equal to the first slot's start."))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True,
                                   help_text=_("Kept equal to the last slot's end."))
    ical_uid = models.UUIDField(_("calendar id"), default=uuid.uuid4, editable=False,
                                unique=True)
    ical_sequence = models.PositiveIntegerField(
        _("calendar version"), default=0,
        help_text=_("Goes up each time the session moves, so calendars update in place."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("created by"))

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=SessionKind.values),
                                   name="session_kind_known"),
            models.CheckConstraint(condition=Q(status__in=SessionStatus.values),
                                   name="session_status_known"),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="session_has_seats"),
            models.CheckConstraint(
                condition=Q(kind=SessionKind.IN_PERSON) | ~Q(meeting_url=""),
                name="virtual_session_has_link"),
        ]
        indexes = [models.Index(fields=["organisation", "starts_at"], name="session_org_time")]

    def __str__(self) -> str:
        return self.title


class SessionTrainer(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="trainer_links",
                                verbose_name=_("session"))
    trainer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="+", verbose_name=_("trainer"))

    class Meta:
        verbose_name = _("trainer of a session")
        verbose_name_plural = _("trainers of sessions")
        constraints = [
            models.UniqueConstraint(fields=["session", "trainer"], name="trainer_once_per_session"),
        ]

    def __str__(self) -> str:
        return f"{self.trainer} — {self.session}"


class SlotPart(models.TextChoices):
    MORNING = "morning", _("Morning")
    AFTERNOON = "afternoon", _("Afternoon")
    EVENING = "evening", _("Evening")


class Slot(models.Model):
    """A half-day of a session: the unit attendance is proven for (Qualiopi asks for a
    signature per half-day)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="slots",
                                verbose_name=_("session"))
    part = models.CharField(_("part of the day"), max_length=10, choices=SlotPart.choices)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))

    class Meta:
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")),
                                   name="slot_ends_after_it_starts"),
            models.UniqueConstraint(fields=["session", "starts_at"], name="slot_unique_start"),
        ]
        indexes = [models.Index(fields=["starts_at", "ends_at"], name="slot_time_idx")]

    def __str__(self) -> str:
        return f"{self.session} — {self.starts_at:%Y-%m-%d} {self.get_part_display()}"

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class Registration(TimeStampedModel):
    """A learner's seat in a session, or their place on its waiting list."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="registrations",
                                verbose_name=_("session"))
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="registrations", verbose_name=_("learner"))
    status = models.CharField(_("status"), max_length=12, choices=RegistrationStatus.choices)
    waitlisted_at = models.DateTimeField(_("waiting since"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+",
                                      verbose_name=_("registered by"))
    funder = models.CharField(_("funder"), max_length=120, blank=True,
                              help_text=_("Who pays for this learner's place (OPCO, CPF, "
                                          "employer…), for the hours reports."))

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=RegistrationStatus.values),
                                   name="registration_status_known"),
            models.UniqueConstraint(fields=["session", "learner"],
                                    condition=~Q(status=RegistrationStatus.CANCELLED),
                                    name="one_live_registration_per_learner"),
            models.CheckConstraint(
                condition=~Q(status=RegistrationStatus.WAITLISTED) | Q(waitlisted_at__isnull=False),
                name="waitlisted_has_time"),
        ]

    def __str__(self) -> str:
        return f"{self.learner} — {self.session}"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    LATE = "late", _("Late")
    ABSENT = "absent", _("Absent")
    EXCUSED = "excused", _("Excused")


class Attendance(TimeStampedModel):
    """What the trainer noted for one learner in one slot."""

    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="attendances",
                             verbose_name=_("slot"))
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="attendances", verbose_name=_("learner"))
    status = models.CharField(_("status"), max_length=8, choices=AttendanceStatus.choices)
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("recorded by"))

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(fields=["slot", "learner"], name="one_attendance_per_slot"),
            models.CheckConstraint(condition=Q(status__in=AttendanceStatus.values),
                                   name="attendance_status_known"),
        ]

    def __str__(self) -> str:
        return f"{self.learner} — {self.slot}: {self.get_status_display()}"


class SignatureMethod(models.TextChoices):
    DRAWN = "drawn", _("Drawn on screen")
    QR_CODE = "qr_code", _("QR code scanned")
    LINK = "link", _("Personal signing link")
    VIRTUAL = "virtual", _("Virtual class attendance accepted")


class SignerRole(models.TextChoices):
    LEARNER = "learner", _("Learner")
    TRAINER = "trainer", _("Trainer")


class Signature(models.Model):
    """One person's signed attendance for one slot (émargement).

    Tamper-evident: `record_hash` is the SHA-256 of this record's content and the
    previous signature's hash in the same slot (`previous_hash`), so altering any
    signed record breaks the chain (`manage.py verify_attendance`).
    """

    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="signatures",
                             verbose_name=_("slot"))
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="signatures", verbose_name=_("signed by"))
    role = models.CharField(_("as"), max_length=8, choices=SignerRole.choices)
    method = models.CharField(_("method"), max_length=8, choices=SignatureMethod.choices)
    image = models.TextField(_("signature image"), blank=True,
                             help_text=_("The drawn signature, as an SVG path or a data URL."))
    signed_at = models.DateTimeField(_("signed at"))
    device = models.JSONField(_("device"), default=dict, blank=True)
    previous_hash = models.CharField(_("previous record's hash"), max_length=64, blank=True)
    record_hash = models.CharField(_("record hash"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["slot", "signed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["slot", "signer"], name="one_signature_per_slot"),
            models.CheckConstraint(condition=Q(role__in=SignerRole.values),
                                   name="signature_role_known"),
            models.CheckConstraint(condition=Q(method__in=SignatureMethod.values),
                                   name="signature_method_known"),
        ]

    def __str__(self) -> str:
        return f"{self.signer} — {self.slot}"


class VirtualVisit(models.Model):
    """A person's time in a virtual class, opened through Parcours' join link."""

    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="virtual_visits",
                             verbose_name=_("slot"))
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="virtual_visits", verbose_name=_("person"))
    joined_at = models.DateTimeField(_("joined at"))
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)

    class Meta:
        verbose_name = _("virtual class visit")
        verbose_name_plural = _("virtual class visits")
        ordering = ["joined_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_at__isnull=True) | Q(left_at__gte=F("joined_at")),
                name="visit_leaves_after_joining"),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.slot}"


class CalendarFeed(TimeStampedModel):
    """A person's private calendar address (sessions and appointments), revocable."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="calendar_feed", verbose_name=_("user"))
    token_hash = models.CharField(_("token fingerprint"), max_length=64, unique=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.user)


class SurveyKind(models.TextChoices):
    END_OF_SESSION = "end", _("End of session")
    FOLLOW_UP = "follow_up", _("Follow-up")


class SurveyResponse(TimeStampedModel):
    """A learner's satisfaction answers about a session (1 to 5 per question + comment)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="survey_responses",
                                verbose_name=_("session"))
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="+", verbose_name=_("learner"))
    kind = models.CharField(_("survey"), max_length=10, choices=SurveyKind.choices)
    answers = models.JSONField(_("answers"), default=dict,
                               help_text=_("Question key → rating from 1 to 5."))
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            models.UniqueConstraint(fields=["session", "learner", "kind"],
                                    name="one_survey_response_per_learner"),
            models.CheckConstraint(condition=Q(kind__in=SurveyKind.values),
                                   name="survey_kind_known"),
        ]

    def __str__(self) -> str:
        return f"{self.learner} — {self.session} ({self.get_kind_display()})"
