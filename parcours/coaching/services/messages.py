"""The secure thread of an engagement: sending messages with attachments, read receipts,
documents filed by the coach, and the email sent when a message stays unread.

The thread is between the engagement's coaches and its beneficiary: managers do not read
it. Attachments are checked twice (the extension is on the allow-list, and the first bytes
are what that extension says), then kept in private storage, served only by the
access-checked download view.
"""

import codecs
import html
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import PurePath

import nh3
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parcours.accounts.models import User
from parcours.coaching.models import (
    Document,
    Engagement,
    EngagementStatus,
    Message,
    MessageReceipt,
)
from parcours.coaching.selectors import Capacity, capacity_in
from parcours.core.errors import Conflict, DomainError, NotAllowed
from parcours.core.events import record_event
from parcours.core.models import Verb
from parcours.engagement.kinds import Kind, register_kind
from parcours.engagement.models.notifications import Category
from parcours.engagement.services.outbox import notify

MAX_BODY = 5000
MAX_ATTACHMENTS = 5
SNIFF_BYTES = 2048
UNREAD_AFTER = timedelta(hours=2)
# Older unread messages are not worth an email any more: the next appointment will do.
UNREAD_LOOKBACK = timedelta(days=7)
COACH_MESSAGE = "coach_message"


def _starts(*prefixes: bytes):
    return lambda head: any(head.startswith(prefix) for prefix in prefixes)


def _webp(head: bytes) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


def _text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        # Incremental, so a character cut at the end of the sniffed bytes is not an error.
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return True


_PDF = _starts(b"%PDF-")
_ZIP = _starts(b"PK\x03\x04")  # OOXML and OpenDocument files are zip archives
_OLE = _starts(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")  # legacy .doc/.xls/.ppt

ALLOWED_TYPES = {
    ".pdf": ("application/pdf", _PDF),
    ".png": ("image/png", _starts(b"\x89PNG\r\n\x1a\n")),
    ".jpg": ("image/jpeg", _starts(b"\xff\xd8\xff")),
    ".jpeg": ("image/jpeg", _starts(b"\xff\xd8\xff")),
    ".gif": ("image/gif", _starts(b"GIF87a", b"GIF89a")),
    ".webp": ("image/webp", _webp),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
              _ZIP),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation",
              _ZIP),
    ".odt": ("application/vnd.oasis.opendocument.text", _ZIP),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", _ZIP),
    ".odp": ("application/vnd.oasis.opendocument.presentation", _ZIP),
    ".doc": ("application/msword", _OLE),
    ".xls": ("application/vnd.ms-excel", _OLE),
    ".ppt": ("application/vnd.ms-powerpoint", _OLE),
    ".txt": ("text/plain", _text),
    ".csv": ("text/csv", _text),
    ".md": ("text/markdown", _text),
}


class NotInThread(NotAllowed):
    default_message = gettext_lazy("Messages are between the engagement's coaches and the "
                                   "person they follow.")


class InvalidMessage(DomainError):
    default_message = gettext_lazy("Write a message or attach a file.")


class AttachmentRefused(DomainError):
    default_message = gettext_lazy("This file cannot be attached.")


class ThreadClosed(Conflict):
    default_message = gettext_lazy("This engagement is closed: its thread is kept but takes "
                                   "no new messages.")


def max_attachment_bytes() -> int:
    return settings.COACHING_ATTACHMENT_MAX_MB * 1024 * 1024


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_body(body: str) -> str:
    """Plain text: markup is removed (with the content of scripts and styles), control
    characters dropped; the page escapes what is left when it shows it."""
    text = html.unescape(nh3.clean(body or "", tags=set()))
    return _CONTROL.sub("", text.replace("\r\n", "\n")).strip()


@dataclass(frozen=True)
class CheckedFile:
    upload: UploadedFile
    name: str
    content_type: str
    size: int


def check_attachment(upload: UploadedFile) -> CheckedFile:
    """The file as it will be filed, or AttachmentRefused saying why."""
    name = PurePath(upload.name or "").name.strip()[:200]
    extension = PurePath(name).suffix.lower()
    if extension not in ALLOWED_TYPES:
        raise AttachmentRefused(
            _("“%(name)s” is not a kind of file the thread takes: PDF, images (PNG, JPEG, "
              "GIF, WebP), office documents (Word, Excel, PowerPoint, OpenDocument) or "
              "text.") % {"name": name or "?"})
    if upload.size > max_attachment_bytes():
        raise AttachmentRefused(_("“%(name)s” is larger than %(max)s MB.")
                                % {"name": name, "max": settings.COACHING_ATTACHMENT_MAX_MB})
    if upload.size == 0:
        raise AttachmentRefused(_("“%(name)s” is empty.") % {"name": name})
    content_type, looks_right = ALLOWED_TYPES[extension]
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    if not looks_right(head):
        raise AttachmentRefused(_("“%(name)s” does not contain what its name says (%(ext)s): "
                                  "it was refused.") % {"name": name, "ext": extension})
    return CheckedFile(upload=upload, name=name, content_type=content_type, size=upload.size)


def _participant(engagement: Engagement, by: User) -> Capacity:
    capacity = capacity_in(by, engagement)
    if capacity not in (Capacity.COACH, Capacity.BENEFICIARY):
        raise NotInThread()
    return capacity


@transaction.atomic
def send_message(engagement: Engagement, *, by: User, body: str = "",
                 files: Iterable[UploadedFile] = ()) -> Message:
    """Post in the thread; attachments are filed on the engagement as documents."""
    _participant(engagement, by)
    if engagement.status != EngagementStatus.ACTIVE:
        raise ThreadClosed()
    text = clean_body(body)
    uploads = list(files)
    if len(text) > MAX_BODY:
        raise InvalidMessage(_("Keep a message under %(n)s characters.") % {"n": MAX_BODY})
    if len(uploads) > MAX_ATTACHMENTS:
        raise AttachmentRefused(_("Attach at most %(n)s files to one message.")
                                % {"n": MAX_ATTACHMENTS})
    checked = [check_attachment(upload) for upload in uploads]
    if not text and not checked:
        raise InvalidMessage()
    message = Message.objects.create(engagement=engagement, author=by, body=text)
    stored: list[Document] = []
    try:
        for one in checked:
            stored.append(_store(engagement, one, by=by, message=message))
        # The author has seen what they wrote: the unread counts are about the others.
        MessageReceipt.objects.create(message=message, reader=by, read_at=message.created_at)
        record_event(by, Verb.SENT_MESSAGE, message, organisation=engagement.organisation,
                     result={"response": f"{len(checked)} attachment(s)"} if checked
                     else None, context={"engagement": engagement.pk})
    except Exception:
        # The rows roll back with this transaction; the files written so far must go too.
        for document in stored:
            document.file.storage.delete(document.file.name)
        raise
    return message


def _store(engagement: Engagement, checked: CheckedFile, *, by: User,
           message: Message | None) -> Document:
    document = Document(engagement=engagement, message=message, uploaded_by=by,
                        storage_key=secrets.token_hex(16), original_name=checked.name,
                        content_type=checked.content_type, size=checked.size)
    document.file.save(checked.name, checked.upload, save=False)
    document.save()
    return document


@transaction.atomic
def file_document(engagement: Engagement, *, by: User, file: UploadedFile) -> Document:
    """A coach files a document on the engagement directly (outside a message)."""
    if capacity_in(by, engagement) != Capacity.COACH:
        raise NotAllowed(_("Only the engagement's coaches file documents on it."))
    if engagement.status != EngagementStatus.ACTIVE:
        raise ThreadClosed()
    return _store(engagement, check_attachment(file), by=by, message=None)


@transaction.atomic
def mark_thread_read(engagement: Engagement, *, by: User,
                     now: datetime | None = None) -> int:
    """Stamp every message of the thread the person had not seen; returns how many."""
    _participant(engagement, by)
    now = now or timezone.now()
    unseen = list(Message.objects.filter(engagement=engagement)
                  .exclude(receipts__reader=by).values_list("pk", flat=True))
    MessageReceipt.objects.bulk_create(
        [MessageReceipt(message_id=pk, reader=by, read_at=now) for pk in unseen],
        ignore_conflicts=True)
    return len(unseen)


# --- Unread messages, by email ---------------------------------------------------------------


def _still_unread(notification) -> bool:
    """Checked by the dispatcher just before sending: read in the meantime, no email."""
    return not MessageReceipt.objects.filter(
        message_id=notification.context.get("message"),
        reader_id=notification.recipient_id).exists()


# Registered with the engine at import (coaching/handlers.py imports this module).
COACH_MESSAGE_KIND = register_kind(Kind(
    name=COACH_MESSAGE, category=Category.COACHING, nudge=False, priority=70,
    subject=gettext_lazy("New message from {{ sender_name }}"),
    body=gettext_lazy("Hello {{ first_name }},\n\n{{ sender_name }} wrote to you in "
                      "“{{ engagement_title }}” ({{ unread_count }} unread message(s)). "
                      "Read and answer in Parcours."),
    still_relevant=_still_unread,
))


def notify_unread_messages(*, now: datetime | None = None) -> int:
    """Email each participant who has left a message unread for UNREAD_AFTER, once per
    first unread message (the idempotency key). Scheduled by the integrator (every 15
    minutes is plenty); returns how many notifications were planned."""
    now = now or timezone.now()
    messages = list(
        Message.objects.filter(created_at__lte=now - UNREAD_AFTER,
                               created_at__gte=now - UNREAD_LOOKBACK,
                               engagement__status=EngagementStatus.ACTIVE)
        .select_related("engagement__organisation", "engagement__beneficiary", "author")
        .prefetch_related("receipts", "engagement__coach_links__coach")
        .order_by("created_at", "id"))
    first_unread: dict[tuple[int, int], tuple[Message, User, int]] = {}
    for message in messages:
        engagement = message.engagement
        readers = {receipt.reader_id for receipt in message.receipts.all()}
        people = [link.coach for link in engagement.coach_links.all()]
        if engagement.beneficiary is not None:
            people.append(engagement.beneficiary)
        for person in people:
            if person.pk == message.author_id or person.pk in readers or not person.is_active:
                continue
            key = (engagement.pk, person.pk)
            first, _person, count = first_unread.get(key, (message, person, 0))
            first_unread[key] = (first, person, count + 1)
    planned = 0
    for (engagement_id, _person_id), (message, person, count) in first_unread.items():
        engagement = message.engagement
        url = reverse("coaching:messages", args=[engagement.organisation.slug, engagement_id])
        with transaction.atomic():
            notification = notify(
                person, COACH_MESSAGE, organisation=engagement.organisation,
                key=f"{COACH_MESSAGE}:{engagement_id}:{person.pk}:{message.pk}",
                variables={
                    "first_name": person.display_name.split(" ")[0] if person.display_name
                    else "",
                    "sender_name": message.author.display_name if message.author else "",
                    "engagement_title": engagement.title, "unread_count": count},
                url=url, context={"engagement": engagement_id, "message": message.pk})
        planned += notification is not None
    return planned

