"""The secure thread of an engagement: messages between its coaches and the beneficiary,
their read receipts, and the documents filed on the engagement."""

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from parcours.core.models import TimeStampedModel

__all__ = ["PrivateStorage", "private_storage", "Message", "MessageReceipt", "Document"]


class PrivateStorage(FileSystemStorage):
    """`MEDIA_ROOT/private/`, with no URL at all (`url()` refuses): these files are only
    ever served by the access-checked download view. The location follows MEDIA_ROOT
    when it changes (tests use a temporary directory)."""

    @cached_property
    def base_location(self):
        return str(Path(settings.MEDIA_ROOT) / "private")

    @property
    def base_url(self):
        return None


private_storage = PrivateStorage()


def _document_path(document: "Document", filename: str) -> str:
    # The stored name never reuses what the sender typed: only the random part and the
    # checked extension; the original name is kept in `original_name`.
    return f"coaching/{document.engagement_id}/{document.storage_key}{Path(filename).suffix}"


class Message(TimeStampedModel):
    engagement = models.ForeignKey("coaching.Engagement", on_delete=models.CASCADE,
                                   related_name="messages", verbose_name=_("engagement"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("author"))
    body = models.TextField(_("message"), blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["engagement", "created_at"],
                                name="message_engagement_idx")]

    def __str__(self) -> str:
        return self.body[:60]


class MessageReceipt(models.Model):
    """When one participant first saw a message ("seen by Léa at 14:02")."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="receipts",
                                verbose_name=_("message"))
    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="+", verbose_name=_("reader"))
    read_at = models.DateTimeField(_("read at"))

    class Meta:
        verbose_name = _("read receipt")
        verbose_name_plural = _("read receipts")
        constraints = [models.UniqueConstraint(fields=["message", "reader"],
                                               name="message_receipt_unique")]

    def __str__(self) -> str:
        return f"{self.reader_id} read {self.message_id}"


class Document(TimeStampedModel):
    """A file filed on an engagement: a message's attachment, or uploaded by a coach."""

    engagement = models.ForeignKey("coaching.Engagement", on_delete=models.CASCADE,
                                   related_name="documents", verbose_name=_("engagement"))
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="attachments", verbose_name=_("message"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("uploaded by"))
    storage_key = models.CharField(max_length=40, editable=False)
    file = models.FileField(_("file"), upload_to=_document_path, storage=private_storage,
                            max_length=255)
    original_name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=120)
    size = models.PositiveIntegerField(_("size (bytes)"))

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["engagement", "created_at"],
                                name="document_engagement_idx")]

    def __str__(self) -> str:
        return self.original_name
