from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Base for rows that people create and change."""

    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class Verb(models.TextChoices):
    """Stable identifiers of what happened; each maps onto an xAPI verb."""

    REGISTERED = "registered", _("registered")
    LOGGED_IN = "logged-in", _("logged in")
    INVITED = "invited", _("invited")
    JOINED = "joined", _("joined")
    ENROLLED = "enrolled", _("enrolled")
    LAUNCHED = "launched", _("launched")
    PROGRESSED = "progressed", _("progressed")
    COMPLETED = "completed", _("completed")
    PASSED = "passed", _("passed")
    FAILED = "failed", _("failed")
    SUBMITTED = "submitted", _("submitted")
    ACCEPTED = "accepted", _("accepted")
    RETURNED = "returned", _("returned")
    PATH_ADAPTED = "path-adapted", _("adapted a path")
    REVIEWED_CARD = "reviewed-card", _("reviewed a card")
    ATTENDED = "attended", _("attended")
    SIGNED = "signed", _("signed")
    BOOKED = "booked", _("booked")
    CANCELLED = "cancelled", _("cancelled")
    CLOSED_APPOINTMENT = "closed-appointment", _("closed an appointment")
    SENT_MESSAGE = "sent-message", _("sent a message")
    NOTIFIED = "notified", _("notified")
    OPENED = "opened", _("opened")
    CLICKED = "clicked", _("clicked")
    OPTED_OUT = "opted-out", _("opted out")
    ANSWERED = "answered", _("answered")
    PUBLISHED = "published", _("published")
    VALIDATED = "validated", _("validated")
    DECLARED = "declared", _("declared done")
    RESCHEDULED = "rescheduled", _("rescheduled")
    COMMENTED = "commented", _("commented")
    ASSIGNED = "assigned", _("assigned")
    LEFT = "left", _("left")
    RATED = "rated", _("rated")
    ANONYMISED = "anonymised", _("anonymised")
    EARNED = "earned", _("earned")


class LearningEvent(models.Model):
    """One append-only record of what happened, shaped like an xAPI statement.

    Written only through `parcours.core.events.record_event`, in the transaction of
    the change it describes. The database refuses updates of its content (see the
    trigger in migration 0002); only the actor may be cleared when a person is erased.
    """

    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="learning_events",
    )
    verb = models.CharField(_("verb"), max_length=40, choices=Verb.choices)
    object_type = models.CharField(_("object type"), max_length=80)
    object_id = models.CharField(_("object id"), max_length=64)
    object_name = models.CharField(_("object name"), max_length=255, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="learning_events",
    )
    result = models.JSONField(_("result"), null=True, blank=True)
    context = models.JSONField(_("context"), default=dict, blank=True)

    class Meta:
        verbose_name = _("learning event")
        verbose_name_plural = _("learning events")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["actor", "-occurred_at"], name="event_actor_time_idx"),
            models.Index(fields=["organisation", "occurred_at"], name="event_org_time_idx"),
            # "Last activity of each member" looks up one person within one organisation.
            models.Index(fields=["organisation", "actor", "occurred_at"],
                         name="event_org_actor_time_idx"),
            models.Index(fields=["object_type", "object_id"], name="event_object_idx"),
        ]
        # No database check on `verb`: new verbs arrive with new features, and on SQLite
        # every constraint change rebuilds the table, dropping the append-only triggers.
        # record_event refuses unknown verbs instead.
        constraints = [
            models.CheckConstraint(condition=~Q(object_type=""), name="event_has_object"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_id} {self.verb} {self.object_type}:{self.object_id}"
