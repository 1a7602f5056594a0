"""What the thread and documents pages read, with the access rule built in: the thread
is between the engagement's coaches and its beneficiary; a manager of the organisation
is refused (they see hours and appointments, not the conversation)."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from parcours.accounts.models import Organisation, User
from parcours.coaching.models import Document, Engagement, Message, MessageReceipt
from parcours.coaching.selectors import Capacity, capacity_in, engagement_for
from parcours.coaching.services.messages import NotInThread
from parcours.coaching.timeline import TimelineEntry, timeline_source

PARTICIPANTS = (Capacity.COACH, Capacity.BENEFICIARY)
THREAD_PAGE = 200


def thread_for(user: User, organisation: Organisation,
               engagement_id: int) -> tuple[Engagement, Capacity]:
    """The engagement whose thread the person takes part in: a 404 for outsiders, a 403
    for managers (they know the engagement, not its messages)."""
    engagement, capacity = engagement_for(user, organisation, engagement_id)
    if capacity not in PARTICIPANTS:
        raise NotInThread()
    return engagement, capacity


@dataclass(frozen=True)
class ThreadMessage:
    message: Message
    mine: bool
    seen_by: list[MessageReceipt]  # the other participants' receipts


def thread_messages(engagement: Engagement, *, viewer: User) -> list[ThreadMessage]:
    """The last messages with their attachments and receipts, in three queries."""
    messages = list(reversed(
        Message.objects.filter(engagement=engagement)
        .select_related("author")
        .prefetch_related(
            Prefetch("attachments", queryset=Document.objects.order_by("id")),
            Prefetch("receipts", queryset=MessageReceipt.objects.select_related("reader")
                     .order_by("read_at")))
        .order_by("-created_at", "-id")[:THREAD_PAGE]))
    return [ThreadMessage(
        message=message, mine=message.author_id == viewer.pk,
        seen_by=[r for r in message.receipts.all() if r.reader_id != message.author_id])
        for message in messages]


def unread_count(engagement: Engagement, user: User) -> int:
    return (Message.objects.filter(engagement=engagement)
            .exclude(Exists(MessageReceipt.objects.filter(message=OuterRef("pk"),
                                                          reader=user)))
            .count())


def documents_of(engagement: Engagement) -> list[Document]:
    return list(Document.objects.filter(engagement=engagement)
                .select_related("uploaded_by").order_by("-created_at", "-id"))


def document_for(user: User, organisation: Organisation, document_id: int) -> Document:
    """One document for a participant of its engagement's thread; a 404 for everyone
    else, managers included (a document id must not reveal anything)."""
    document = (Document.objects.select_related("engagement__organisation")
                .filter(engagement__organisation=organisation, pk=document_id).first())
    if document is None or capacity_in(user, document.engagement) not in PARTICIPANTS:
        raise Http404(_("No such document."))
    return document


def thread_counts(engagement: Engagement, user: User) -> dict:
    """For the engagement page's panel: messages, unread, documents (one query)."""
    row = (Engagement.objects.filter(pk=engagement.pk)
           .annotate(messages_n=Count("messages", distinct=True),
                     documents_n=Count("documents", distinct=True))
           .values("messages_n", "documents_n").get())
    return {"messages": row["messages_n"], "documents": row["documents_n"],
            "unread": unread_count(engagement, user)}


@timeline_source("message")
def message_entries(engagement: Engagement, capacity: Capacity) -> list[TimelineEntry]:
    if capacity not in PARTICIPANTS:
        return []
    url = reverse("coaching:messages", args=[engagement.organisation.slug, engagement.pk])
    return [TimelineEntry(at=message.created_at, kind="message", url=url,
                          title=_("Message"), detail=message.body[:200],
                          actor=message.author.display_name if message.author else "")
            for message in Message.objects.filter(engagement=engagement)
            .select_related("author").order_by("-created_at")]


@timeline_source("document")
def document_entries(engagement: Engagement, capacity: Capacity) -> list[TimelineEntry]:
    if capacity not in PARTICIPANTS:
        return []
    slug = engagement.organisation.slug
    return [TimelineEntry(at=document.created_at, kind="document",
                          url=reverse("coaching:document_download", args=[slug, document.pk]),
                          title=_("Document: %(name)s") % {"name": document.original_name},
                          detail=_("in a message") if document.message_id else "",
                          actor=document.uploaded_by.display_name if document.uploaded_by
                          else "")
            for document in Document.objects.filter(engagement=engagement)
            .select_related("uploaded_by").order_by("-created_at")]


