"""The person's own notification pages: the centre, the bell, and Web Push on their devices.

- The centre (`/notifications/`): every notification delivered in the app, newest first,
  unread ones emphasised; mark one or all read; each leads through the click-tracking
  link to the exact page it is about.
- The bell (`engagement:bell`): an htmx partial the layout loads after the page (see
  `templatetags/engagement_bell.py`), so it adds no query to any page.
- Push (`/notifications/push/`): enable or disable push on this device
  (`static/engagement/push.js`), the devices that receive it, each with "remove"; the
  service worker is served from the site's root (`/sw.js`) so that its scope is the
  whole site.

Views turn input into types and call one selector or service of `engagement`.
"""

import json
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import get_template
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from parcours.core.errors import DomainError
from parcours.engagement.selectors import centre as selectors
from parcours.engagement.services import centre as services
from parcours.engagement.services.push import subscribe_push, unsubscribe_push, vapid_public_key

SERVICE_WORKER = Path(__file__).resolve().parent / "static" / "engagement" / "sw.js"


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _back(request, fallback: str) -> HttpResponseRedirect:
    """Back where the person was (a page of this site only), else the fallback."""
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(fallback)


# --- The centre -----------------------------------------------------------------------


@login_required
@require_GET
def centre(request):
    unread_only = request.GET.get("unread") == "1"
    page = selectors.centre_page(request.user, page=request.GET.get("page", 1),
                                 unread_only=unread_only)
    unread = selectors.unread_count(request.user, up_to=selectors.UNREAD_COUNTED)
    return render(request, "engagement/centre/centre.html", {
        "page": page, "items": [(n, selectors.link_of(n)) for n in page.items],
        "unread_only": unread_only, "unread": unread,
        "many_unread": unread >= selectors.UNREAD_COUNTED,
    })


@login_required
@require_GET
@never_cache
def bell(request):
    # Rendered without the layout's context processors (the menu's queries): the bell is
    # loaded on every page, every minute, and needs none of it.
    html = get_template("engagement/centre/_bell.html").render({
        "bell": selectors.bell(request.user), "csrf_token": get_token(request),
        "back": request.headers.get("HX-Current-URL", ""),
    })
    return HttpResponse(html)


@login_required
@require_GET
def open_notification(request, notification_id: int):
    """Mark the notification read, then follow it (through the click-tracking link)."""
    notification = selectors.own_notification(request.user, notification_id)
    services.mark_read(notification, by=request.user)
    link = selectors.link_of(notification)
    return redirect(link or reverse("engagement:centre"))


@login_required
@require_POST
def mark_read(request, notification_id: int):
    notification = selectors.own_notification(request.user, notification_id)
    services.mark_read(notification, by=request.user)
    if _is_htmx(request):
        return render(request, "engagement/centre/_item.html", {
            "notification": notification, "link": selectors.link_of(notification)})
    return _back(request, reverse("engagement:centre"))


@login_required
@require_POST
def mark_all_read(request):
    count = services.mark_all_read(request.user)
    messages.success(request, _("All your notifications are marked as read.") if count
                     else _("You had no unread notification."))
    return _back(request, reverse("engagement:centre"))


# --- Web Push -------------------------------------------------------------------------


@login_required
@require_GET
def push(request):
    return render(request, "engagement/centre/push.html", {
        "devices": selectors.push_devices(request.user),
        "vapid_public_key": vapid_public_key(),
    })


def _subscription_from(request) -> dict | None:
    """The browser's `PushSubscription.toJSON()`: endpoint and keys, or None."""
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict):
        return None
    keys = data.get("keys") if isinstance(data.get("keys"), dict) else {}
    endpoint, p256dh, auth = data.get("endpoint"), keys.get("p256dh"), keys.get("auth")
    if not all(isinstance(value, str) and value for value in (endpoint, p256dh, auth)):
        return None
    return {"endpoint": endpoint, "p256dh": p256dh, "auth": auth}


def _device_label(request) -> str:
    return request.headers.get("User-Agent", "")[:200]


@login_required
@require_POST
def push_subscribe(request):
    """push.js posts the browser's subscription here (JSON, with the CSRF header)."""
    fields = _subscription_from(request)
    if fields is None:
        return JsonResponse({"detail": _("The browser sent no usable push subscription.")},
                            status=400)
    try:
        subscription = subscribe_push(request.user, user_agent=_device_label(request), **fields)
    except DomainError as error:
        return JsonResponse({"detail": str(error.message)}, status=error.status_code)
    return JsonResponse({"id": subscription.pk,
                         "detail": _("Push notifications are on for this device.")},
                        status=201)


@login_required
@require_POST
def push_unsubscribe(request):
    """push.js posts the endpoint of this browser when the person turns push off."""
    try:
        endpoint = json.loads(request.body or b"{}").get("endpoint", "")
    except (ValueError, UnicodeDecodeError, AttributeError):
        endpoint = ""
    if not isinstance(endpoint, str) or not endpoint:
        return JsonResponse({"detail": _("Say which device to turn off.")}, status=400)
    subscription = selectors.own_push_subscription_at(request.user, endpoint)
    unsubscribe_push(subscription, by=request.user)
    return JsonResponse({"detail": _("Push notifications are off for this device.")})


@login_required
@require_POST
def push_remove(request, subscription_id: int):
    subscription = selectors.own_push_subscription(request.user, subscription_id)
    unsubscribe_push(subscription, by=request.user)
    messages.success(request, _("This device will no longer receive push notifications."))
    return redirect("engagement:push")


@require_GET
def service_worker(request):
    """The service worker, from the site's root: a worker controls only the pages under
    its own address, and the notifications it opens can be anywhere on the site."""
    response = HttpResponse(SERVICE_WORKER.read_text(encoding="utf-8"),
                            content_type="application/javascript")
    response["Service-Worker-Allowed"] = "/"
    # A new worker must reach browsers quickly: they check this address for updates.
    response["Cache-Control"] = "no-cache"
    return response
