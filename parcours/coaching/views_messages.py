"""Pages of the messages part: an engagement's thread (reading it stamps the receipts),
its documents, the private download, and the engagement page's panel.

Files are never given a public URL: every download goes through `document_download`,
which checks that the person takes part in the thread.
"""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from parcours.coaching.selectors import Capacity, engagement_for
from parcours.coaching.selectors import messages as selectors
from parcours.coaching.services import messages as services
from parcours.core.errors import DomainError
from parcours.web.decorators import member_page


def _thread_page(request, organisation, engagement, capacity, *, body="", refusal=None,
                 status=200):
    return render(request, "coaching/messages/thread.html", {
        "organisation": organisation, "engagement": engagement, "capacity": capacity,
        "thread": selectors.thread_messages(engagement, viewer=request.user),
        "body": body, "refusal": refusal,
        "max_mb": services.max_attachment_bytes() // (1024 * 1024),
        "accept": ",".join(services.ALLOWED_TYPES),
        "max_attachments": services.MAX_ATTACHMENTS,
    }, status=status)


@member_page
def thread(request, organisation, engagement_id):
    engagement, capacity = selectors.thread_for(request.user, organisation, engagement_id)
    if request.method == "POST":
        body = request.POST.get("body", "")
        try:
            services.send_message(engagement, by=request.user, body=body,
                                  files=request.FILES.getlist("files"))
        except DomainError as refused:
            # What was typed stays in the box; files must be chosen again (browsers do
            # not let a page refill a file input).
            return _thread_page(request, organisation, engagement, capacity, body=body,
                                refusal=refused.message, status=refused.status_code)
        return redirect("coaching:messages", organisation.slug, engagement.pk)
    services.mark_thread_read(engagement, by=request.user)
    return _thread_page(request, organisation, engagement, capacity)


@member_page
def documents(request, organisation, engagement_id):
    """The documents filed on the engagement, with who and when; coaches add some."""
    engagement, capacity = selectors.thread_for(request.user, organisation, engagement_id)
    status, refusal = 200, None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            refusal, status = _("Choose a file to add."), 400
        else:
            try:
                services.file_document(engagement, by=request.user, file=upload)
            except DomainError as refused:
                refusal, status = refused.message, refused.status_code
            else:
                messages.success(request, _("The document is filed on the engagement."))
                return redirect("coaching:documents", organisation.slug, engagement.pk)
    return render(request, "coaching/messages/documents.html", {
        "organisation": organisation, "engagement": engagement, "capacity": capacity,
        "documents": selectors.documents_of(engagement), "refusal": refusal,
        "is_coach": capacity == Capacity.COACH, "accept": ",".join(services.ALLOWED_TYPES),
        "max_mb": services.max_attachment_bytes() // (1024 * 1024),
    }, status=status)


@member_page
def document_download(request, organisation, document_id):
    document = selectors.document_for(request.user, organisation, document_id)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404(_("This file is no longer stored.")) from missing
    response = FileResponse(handle, as_attachment=True, filename=document.original_name,
                            content_type=document.content_type)
    # Served as a download, never rendered in our origin, never kept by a shared cache.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@member_page
def messages_panel(request, organisation, engagement_id):
    """The engagement page's panel (htmx): unread messages and documents, or for a
    manager a word that the thread is private."""
    engagement, capacity = engagement_for(request.user, organisation, engagement_id)
    counts = (selectors.thread_counts(engagement, request.user)
              if capacity in selectors.PARTICIPANTS else None)
    return render(request, "coaching/messages/_panel.html", {
        "organisation": organisation, "engagement": engagement, "counts": counts,
    })
