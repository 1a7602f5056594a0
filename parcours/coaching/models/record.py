"""What an engagement records between and after appointments: notes (private or shared,
with their history of edits and the beneficiary's comments), the note templates an
engagement type proposes per phase, and action items."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parcours.core.models import TimeStampedModel

__all__ = [
    "NoteTemplate", "NoteVisibility", "Note", "NoteVersion", "NoteComment",
    "ActionAssignee", "ActionItem",
]


class NoteTemplate(models.Model):
    """The outline a coach starts from when writing a note in one phase of an engagement
    type (the preliminary phase of a bilan asks for the request and the expectations)."""

    engagement_type = models.ForeignKey("coaching.EngagementType", on_delete=models.CASCADE,
                                        related_name="note_templates",
                                        verbose_name=_("engagement type"))
    phase_template = models.OneToOneField("coaching.PhaseTemplate", on_delete=models.CASCADE,
                                          related_name="note_template",
                                          verbose_name=_("phase"))
    body = models.TextField(_("outline"), blank=True)

    class Meta:
        verbose_name = _("note template")
        verbose_name_plural = _("note templates")

    def __str__(self) -> str:
        return str(self.phase_template)


class NoteVisibility(models.TextChoices):
    PRIVATE = "private", _("Private: the engagement's coaches only")
    SHARED = "shared", _("Shared with the beneficiary")


class Note(TimeStampedModel):
    """A coach's note on an engagement. Private notes are read by the engagement's coaches
    only, never by the beneficiary nor by managers: `selectors/notes.py` is the one place
    that decides. The body is Markdown, shown sanitised."""

    engagement = models.ForeignKey("coaching.Engagement", on_delete=models.CASCADE,
                                   related_name="notes", verbose_name=_("engagement"))
    appointment = models.ForeignKey("coaching.Appointment", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="notes",
                                    verbose_name=_("appointment"))
    phase = models.ForeignKey("coaching.Phase", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="notes",
                              verbose_name=_("phase"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="coaching_notes",
                               verbose_name=_("author"))
    visibility = models.CharField(_("visibility"), max_length=8,
                                  choices=NoteVisibility.choices,
                                  default=NoteVisibility.PRIVATE)
    body = models.TextField(_("note"))
    shared_at = models.DateTimeField(_("shared at"), null=True, blank=True)
    edited_at = models.DateTimeField(_("last edited at"), null=True, blank=True)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["engagement", "visibility", "created_at"],
                         name="note_engagement_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(visibility="shared") | Q(shared_at__isnull=False),
                name="shared_note_has_date"),
        ]

    def __str__(self) -> str:
        # Never the body: this name is copied into learning events.
        return f"note {self.pk}"

    @property
    def is_shared(self) -> bool:
        return self.visibility == NoteVisibility.SHARED


class NoteVersion(models.Model):
    """The text a note had before one edit: the history of edits."""

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="versions",
                             verbose_name=_("note"))
    body = models.TextField(_("previous text"))
    written_at = models.DateTimeField(_("written at"))
    replaced_at = models.DateTimeField(_("replaced at"))
    replaced_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("replaced by"))

    class Meta:
        verbose_name = _("note version")
        verbose_name_plural = _("note versions")
        ordering = ["-replaced_at", "-id"]

    def __str__(self) -> str:
        return f"note {self.note_id} @ {self.replaced_at:%Y-%m-%d %H:%M}"


class NoteComment(TimeStampedModel):
    """A comment on a shared note, by the beneficiary or a coach of the engagement."""

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="comments",
                             verbose_name=_("note"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("author"))
    body = models.TextField(_("comment"))

    class Meta:
        verbose_name = _("comment on a note")
        verbose_name_plural = _("comments on notes")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"comment {self.pk}"


class ActionAssignee(models.TextChoices):
    BENEFICIARY = "beneficiary", _("The beneficiary")
    COACH = "coach", _("The coach")


class ActionItem(TimeStampedModel):
    """A task agreed in coaching, for the beneficiary or the coach, with a due date. It can
    become a step of the beneficiary's path, whose progress it then shows."""

    engagement = models.ForeignKey("coaching.Engagement", on_delete=models.CASCADE,
                                   related_name="action_items", verbose_name=_("engagement"))
    appointment = models.ForeignKey("coaching.Appointment", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="action_items",
                                    verbose_name=_("agreed at"))
    title = models.CharField(_("action"), max_length=200)
    detail = models.TextField(_("detail"), blank=True)
    assignee = models.CharField(_("for"), max_length=12, choices=ActionAssignee.choices,
                                default=ActionAssignee.BENEFICIARY)
    due_on = models.DateField(_("due"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+",
                                verbose_name=_("done by"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("created by"))
    path_step = models.ForeignKey("journeys.PathStep", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="coaching_actions",
                                  verbose_name=_("path step"))
    due_notified_on = models.DateField(_("due reminder sent on"), null=True, blank=True)

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["done_at", "due_on", "id"]
        indexes = [
            models.Index(fields=["engagement", "done_at"], name="action_engagement_idx"),
            models.Index(fields=["due_on", "done_at"], name="action_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(done_by__isnull=True) | Q(done_at__isnull=False),
                                   name="action_done_by_has_date"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_at is not None
