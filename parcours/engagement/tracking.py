"""Signed links in messages: the open pixel, the click-through, and unsubscribing.

Notification links carry the notification's token signed with `django.core.signing`,
so an address cannot be made up from a guessed or leaked token. Unsubscribe links
carry the person and the category, signed and dated: they work without signing in
(RFC 8058 one-click from the mail client included) and expire after
`UNSUBSCRIBE_LINK_MAX_AGE`.
"""

from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import Organisation, User
from parcours.core.errors import DomainError
from parcours.core.events import record_event
from parcours.core.models import Verb
from parcours.engagement.models import Category, Notification
from parcours.engagement.services.outbox import optional_function

TRACKING_SALT = "parcours.engagement.tracking"
UNSUBSCRIBE_SALT = "parcours.engagement.unsubscribe"
# Emails are read months later; a link older than this asks the person to use the
# preferences page instead.
UNSUBSCRIBE_LINK_MAX_AGE = timedelta(days=400)


class BadLink(DomainError):
    default_message = _("This link is not valid: it was changed or it has expired.")


# --- Notification links --------------------------------------------------------------


def signed_token(notification: Notification) -> str:
    return signing.Signer(salt=TRACKING_SALT).sign(notification.token.hex)


def notification_for_link(signed: str) -> Notification:
    """The notification a signed link points to; BadLink for anything else."""
    try:
        token = signing.Signer(salt=TRACKING_SALT).unsign(signed)
        return Notification.objects.select_related("recipient", "organisation").get(
            token=token)
    except (signing.BadSignature, ValueError, Notification.DoesNotExist) as bad:
        raise BadLink() from bad


def open_url(notification: Notification) -> str:
    """The email's 1×1 pixel, absolute."""
    return settings.SITE_URL + reverse("engagement:open", args=[signed_token(notification)])


def go_path(notification: Notification) -> str:
    """The click-through, relative (the bell's links)."""
    return reverse("engagement:go", args=[signed_token(notification)])


def go_url(notification: Notification) -> str:
    """The click-through, absolute (emails and push)."""
    return settings.SITE_URL + go_path(notification)


@transaction.atomic
def record_open(notification: Notification, *, now: datetime | None = None) -> bool:
    """The first open sets `opened_at` and records `opened`; later ones change nothing."""
    now = now or timezone.now()
    first = Notification.objects.filter(pk=notification.pk, opened_at__isnull=True).update(
        opened_at=now)
    if first:
        notification.opened_at = now
        record_event(notification.recipient, Verb.OPENED, notification,
                     organisation=notification.organisation, context=_context(notification))
    return bool(first)


@transaction.atomic
def record_click(notification: Notification, *, now: datetime | None = None) -> bool:
    """The first click sets `clicked_at` and records `clicked`. A click also means the
    message was opened (mail clients often block the pixel) and read."""
    now = now or timezone.now()
    Notification.objects.filter(pk=notification.pk, opened_at__isnull=True).update(
        opened_at=now)
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
    first = Notification.objects.filter(pk=notification.pk, clicked_at__isnull=True).update(
        clicked_at=now)
    if first:
        notification.clicked_at = now
        record_event(notification.recipient, Verb.CLICKED, notification,
                     organisation=notification.organisation, context=_context(notification))
    return bool(first)


def safe_destination(url: str) -> str:
    """Where a click may lead: a path of this site or an address on SITE_URL, never
    elsewhere (an open redirect would lend our name to phishing). Anything else leads
    to the notification centre."""
    site = urlsplit(settings.SITE_URL)
    if url.startswith("/") and not url.startswith(("//", "/\\")):
        if url_has_allowed_host_and_scheme(url, allowed_hosts=None):
            return url
    elif url.startswith(settings.SITE_URL + "/") and url_has_allowed_host_and_scheme(
            url, allowed_hosts={site.netloc}, require_https=site.scheme == "https"):
        return url
    try:
        return reverse("engagement:centre")
    except NoReverseMatch:
        return "/"


def _context(notification: Notification) -> dict:
    return {"kind": notification.kind, "campaign": notification.campaign_id,
            "variant": notification.variant_id}


# --- Unsubscribe links ---------------------------------------------------------------


def unsubscribe_token(user: User, category: str, organisation: Organisation) -> str:
    return signing.dumps({"u": user.pk, "c": category, "o": organisation.pk},
                         salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(user: User, category: str, organisation: Organisation) -> str:
    return settings.SITE_URL + reverse(
        "engagement:unsubscribe", args=[unsubscribe_token(user, category, organisation)])


def read_unsubscribe_token(signed: str) -> tuple[User, str, Organisation]:
    """Who wants out of what; BadLink for a changed, expired or stale link."""
    try:
        data = signing.loads(signed, salt=UNSUBSCRIBE_SALT,
                             max_age=UNSUBSCRIBE_LINK_MAX_AGE)
        if data["c"] not in Category.values:
            raise BadLink()
        return (User.objects.get(pk=data["u"], is_active=True), data["c"],
                Organisation.objects.get(pk=data["o"]))
    except (signing.BadSignature, KeyError, TypeError, User.DoesNotExist,
            Organisation.DoesNotExist) as bad:
        raise BadLink() from bad


def opt_out_available() -> bool:
    return _opt_out() is not None


@transaction.atomic
def unsubscribe_with_link(signed: str) -> tuple[User, str]:
    """Opt the person out of the category on every channel. The preferences part's
    `opt_out` records `opted-out` (in the organisation that sent the message)."""
    user, category, organisation = read_unsubscribe_token(signed)
    opt_out = _opt_out()
    if opt_out is None:
        raise DomainError(_("Unsubscribing is not available yet; use the preferences page."))
    opt_out(user, category, channel=None, by=None, organisation=organisation)
    return user, category


def _opt_out():
    return optional_function("parcours.engagement.services.preferences", "opt_out")
