"""Per organisation settings of the triggers: on or off, their parameters, and the texts
of their messages per language."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parcours.core.models import TimeStampedModel

__all__ = ["TriggerSetting", "MessageTemplate"]


class TriggerSetting(TimeStampedModel):
    """How one organisation runs one trigger. Without a row, the trigger runs with its
    defaults (see `engagement.triggers`); `params` holds only what differs from them,
    checked by `services.triggers.configure_trigger` against the trigger's parameters."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                     related_name="trigger_settings",
                                     verbose_name=_("organisation"))
    trigger = models.CharField(_("trigger"), max_length=40)
    enabled = models.BooleanField(_("enabled"), default=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)

    class Meta:
        verbose_name = _("trigger setting")
        verbose_name_plural = _("trigger settings")
        ordering = ["organisation", "trigger"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "trigger"],
                                    name="one_setting_per_trigger"),
            models.CheckConstraint(condition=~Q(trigger=""), name="trigger_setting_has_name"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.trigger}"


class MessageTemplate(TimeStampedModel):
    """An organisation's own wording of one kind of message in one language, in Django
    template syntax with the kind's variables (`{{ first_name }}`, `{{ step_title }}`…).
    The outbox uses it instead of the kind's default text."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                     related_name="message_templates",
                                     verbose_name=_("organisation"))
    kind = models.CharField(_("kind"), max_length=40)
    language = models.CharField(_("language"), max_length=8)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))
    updated_by = models.ForeignKey("accounts.User", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("updated by"))

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        ordering = ["organisation", "kind", "language"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "kind", "language"],
                                    name="one_template_per_kind_and_language"),
            models.CheckConstraint(condition=~Q(subject="") & ~Q(body=""),
                                   name="message_template_has_text"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.kind} ({self.language})"
