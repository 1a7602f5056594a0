"""The end-of-engagement synthesis document (document de synthèse)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from parcours.core.models import TimeStampedModel

__all__ = ["SynthesisDocument"]


class SynthesisDocument(TimeStampedModel):
    """Drafted from the shared notes, the activities returned and the hours, then edited
    by the coach. Its text is Markdown, sanitised when shown, drawn in the PDF."""

    engagement = models.OneToOneField("coaching.Engagement", on_delete=models.CASCADE,
                                      related_name="synthesis", verbose_name=_("engagement"))
    body = models.TextField(_("text"))
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("last edited by"))
    shared_at = models.DateTimeField(
        _("shared with the beneficiary at"), null=True, blank=True,
        help_text=_("The beneficiary reads and downloads it once the coach shares it."))

    class Meta:
        verbose_name = _("synthesis document")
        verbose_name_plural = _("synthesis documents")

    def __str__(self) -> str:
        return str(self.engagement_id)
