"""Pages of the delivery part: the open pixel, the click-through, unsubscribing from a
signed link (no sign-in needed), and the dead-letter list for administrators.

The rules live in `engagement.tracking`, `services.dispatch` and `selectors.delivery`.
"""

import contextlib

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parcours.core.errors import DomainError
from parcours.core.roles import Permission
from parcours.engagement import tracking
from parcours.engagement.models import Category
from parcours.engagement.selectors import delivery as selectors
from parcours.engagement.services import dispatch
from parcours.web.decorators import organisation_page

# The smallest transparent GIF (1×1, 43 bytes).
PIXEL = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00"
         b"\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")


@never_cache
@require_GET
def open_pixel(request, signed):
    """The email was displayed. The image is the same whatever the link, so that a
    made-up one learns nothing."""
    with contextlib.suppress(tracking.BadLink):
        tracking.record_open(tracking.notification_for_link(signed))
    response = HttpResponse(PIXEL, content_type="image/gif")
    response["Cache-Control"] = "no-store, private"
    return response


@never_cache
@require_GET
def go(request, signed):
    """A link in a message was followed: record it, then go where it points."""
    try:
        notification = tracking.notification_for_link(signed)
    except tracking.BadLink as bad:
        return _bad_link(request, bad)
    tracking.record_click(notification)
    return HttpResponseRedirect(tracking.safe_destination(notification.url))


# The signed link is the authority here, not a session: mail clients post the RFC 8058
# one-click request without any cookie or CSRF token.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, signed):
    try:
        person, category, _organisation = tracking.read_unsubscribe_token(signed)
    except tracking.BadLink as bad:
        return _bad_link(request, bad)
    with translation.override(person.locale):
        context = {"person": person, "category": Category(category).label}
        if request.method == "GET":
            return render(request, "engagement/delivery/unsubscribe.html", context)
        try:
            tracking.unsubscribe_with_link(signed)
        except DomainError as refused:
            return _bad_link(request, refused)
        return render(request, "engagement/delivery/unsubscribed.html", context)


def _bad_link(request, error: DomainError):
    return render(request, "engagement/delivery/bad_link.html", {"message": error.message},
                  status=400)


# --- Dead letters --------------------------------------------------------------------


@organisation_page(Permission.OPERATE_DELIVERY)
@require_GET
def dead_letters(request, organisation):
    letters = selectors.dead_letters(organisation, viewer=request.user)
    return render(request, "engagement/delivery/dead_letters.html",
                  {"organisation": organisation, "letters": letters})


@organisation_page(Permission.OPERATE_DELIVERY)
@require_POST
def retry_one(request, organisation, delivery_id):
    delivery = selectors.dead_letter(organisation, delivery_id, viewer=request.user)
    try:
        dispatch.retry_delivery(delivery, by=request.user)
    except DomainError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The delivery is back in the queue."))
    return redirect("engagement:dead_letters", organisation.slug)


@organisation_page(Permission.OPERATE_DELIVERY)
@require_POST
def retry_all(request, organisation):
    count = dispatch.retry_dead_deliveries(organisation, by=request.user)
    messages.success(request, ngettext("%(count)d delivery is back in the queue.",
                                       "%(count)d deliveries are back in the queue.",
                                       count) % {"count": count})
    return redirect("engagement:dead_letters", organisation.slug)
