"""REST endpoints of the messages part of coaching: an engagement's thread (list, post
with attachments, mark read) and its documents (list, file one, download). Only the
engagement's coaches and its beneficiary: a manager gets `403`, anyone else `404`."""

from datetime import datetime

from django.http import FileResponse, Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile

from parcours.accounts.models import Organisation
from parcours.accounts.selectors import organisation_for
from parcours.api import schemas
from parcours.api.errors import OutsideOrganisation
from parcours.coaching.models import Document
from parcours.coaching.selectors import messages as selectors
from parcours.coaching.services import messages as services

router = Router(tags=["coaching messages"])

REFUSALS = {401: schemas.Error, 403: schemas.Error, 404: schemas.Error}
WRITE_ERRORS = {**REFUSALS, 400: schemas.Error, 409: schemas.Error,
                422: schemas.ValidationFailed}
THREAD = "/organisations/{slug}/engagements/{engagement_id}"


def _organisation(request: HttpRequest, slug: str) -> Organisation:
    try:
        return organisation_for(request.auth, slug)
    except Http404 as outside:
        raise OutsideOrganisation() from outside


def _thread(request: HttpRequest, slug: str, engagement_id: int):
    return selectors.thread_for(request.auth, _organisation(request, slug), engagement_id)


class PersonOut(Schema):
    id: int
    display_name: str


class DocumentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int = Field(description="Bytes.")
    message: int | None = Field(description="The message it came with; null when a coach "
                                "filed it directly.")
    uploaded_by: PersonOut | None
    created_at: datetime
    download: str = Field(description="The API path that serves the file.")


class ReceiptOut(Schema):
    reader: PersonOut
    read_at: datetime


class MessageOut(Schema):
    id: int
    author: PersonOut | None
    body: str
    created_at: datetime
    attachments: list[DocumentOut]
    seen_by: list[ReceiptOut] = Field(description="Who else has read it, and when.")


class MarkedOut(Schema):
    marked: int = Field(description="How many messages were stamped as read now.")


def _person(user) -> dict | None:
    return {"id": user.pk, "display_name": user.display_name} if user else None


def _document(document: Document, slug: str) -> dict:
    return {"id": document.pk, "name": document.original_name,
            "content_type": document.content_type, "size": document.size,
            "message": document.message_id, "uploaded_by": _person(document.uploaded_by),
            "created_at": document.created_at,
            "download": f"/api/v1/organisations/{slug}/coaching/documents/{document.pk}"}


def _message(item: selectors.ThreadMessage, slug: str) -> dict:
    message = item.message
    return {"id": message.pk, "author": _person(message.author), "body": message.body,
            "created_at": message.created_at,
            "attachments": [_document(d, slug) for d in message.attachments.all()],
            "seen_by": [{"reader": _person(r.reader), "read_at": r.read_at}
                        for r in item.seen_by]}


@router.get(THREAD + "/messages", response={200: list[MessageOut], **REFUSALS},
            summary="An engagement's thread", operation_id="list_engagement_messages")
def list_messages(request: HttpRequest, slug: str, engagement_id: int):
    """The last 200 messages, oldest first, with attachments and read receipts. Reading
    does not stamp receipts: call `…/messages/read` for that."""
    engagement, _capacity = _thread(request, slug, engagement_id)
    return [_message(item, slug)
            for item in selectors.thread_messages(engagement, viewer=request.auth)]


@router.post(THREAD + "/messages", response={201: MessageOut, **WRITE_ERRORS},
             summary="Write in the thread", operation_id="post_engagement_message")
def post_message(request: HttpRequest, slug: str, engagement_id: int,
                 body: Form[str] = "", files: File[list[UploadedFile]] = None):
    """`multipart/form-data`: `body` (text; markup is removed) and up to 5 `files` (PDF,
    images, office documents, text; each within the size limit, and checked by its first
    bytes). `400` says which file was refused and why. Records `sent-message`."""
    engagement, _capacity = _thread(request, slug, engagement_id)
    message = services.send_message(engagement, by=request.auth, body=body,
                                    files=files or [])
    [item] = [i for i in selectors.thread_messages(engagement, viewer=request.auth)
              if i.message.pk == message.pk]
    return Status(201, _message(item, slug))


@router.post(THREAD + "/messages/read", response={200: MarkedOut, **REFUSALS},
             summary="Mark the thread as read", operation_id="mark_engagement_messages_read")
def mark_read(request: HttpRequest, slug: str, engagement_id: int):
    engagement, _capacity = _thread(request, slug, engagement_id)
    return {"marked": services.mark_thread_read(engagement, by=request.auth)}


@router.get(THREAD + "/documents", response={200: list[DocumentOut], **REFUSALS},
            summary="Documents filed on an engagement",
            operation_id="list_engagement_documents")
def list_documents(request: HttpRequest, slug: str, engagement_id: int):
    engagement, _capacity = _thread(request, slug, engagement_id)
    return [_document(d, slug) for d in selectors.documents_of(engagement)]


@router.post(THREAD + "/documents", response={201: DocumentOut, **WRITE_ERRORS},
             summary="File a document on an engagement",
             operation_id="file_engagement_document")
def file_document(request: HttpRequest, slug: str, engagement_id: int,
                  file: File[UploadedFile]):
    """A coach of the engagement files a document (`multipart/form-data`, field `file`)."""
    engagement, _capacity = _thread(request, slug, engagement_id)
    document = services.file_document(engagement, by=request.auth, file=file)
    return Status(201, _document(document, slug))


@router.get("/organisations/{slug}/coaching/documents/{document_id}",
            response={200: None, **REFUSALS}, summary="Download a document",
            operation_id="download_engagement_document")
def download_document(request: HttpRequest, slug: str, document_id: int):
    """The file itself, as an attachment, for the thread's participants."""
    document = selectors.document_for(request.auth, _organisation(request, slug),
                                      document_id)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404(_("This file is no longer stored.")) from missing
    response = FileResponse(handle, as_attachment=True, filename=document.original_name,
                            content_type=document.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
