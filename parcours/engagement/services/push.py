"""Web Push subscriptions and the server's VAPID key pair.

The notification centre's page and API call these; `channels.push` sends through the
subscriptions. The browser gives an endpoint (the push service's address for this
browser) and two keys (`p256dh`, `auth`) that the payload is encrypted with (RFC 8291).
"""

import base64
import binascii
import ipaddress
import os
import threading
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from py_vapid import Vapid

from parcours.core.errors import DomainError, NotAllowed
from parcours.engagement.models import PushSubscription

# Browsers' push services are reached over HTTPS. Plain HTTP only to these hosts (a
# local push service in tests and development); empty in production, so that a
# subscription cannot make the server call an address of its own network in clear.
INSECURE_HOSTS_ALLOWED: frozenset[str] = frozenset()

_key_lock = threading.Lock()
_keys: dict[tuple, Vapid] = {}


class InvalidSubscription(DomainError):
    default_message = _("This push subscription is not valid.")


def vapid() -> Vapid:
    """The server's VAPID key: from the settings, else a pair made once in var/vapid/."""
    source = (settings.VAPID_PRIVATE_KEY, str(settings.VAR_DIR))
    with _key_lock:
        if source not in _keys:
            if settings.VAPID_PRIVATE_KEY:
                _keys[source] = Vapid.from_string(settings.VAPID_PRIVATE_KEY)
            else:
                _keys[source] = _key_from_file(Path(settings.VAR_DIR) / "vapid" / "private.pem")
        return _keys[source]


def vapid_public_key() -> str:
    """The applicationServerKey browsers subscribe with (base64url, uncompressed point)."""
    if settings.VAPID_PUBLIC_KEY and settings.VAPID_PRIVATE_KEY:
        return settings.VAPID_PUBLIC_KEY
    raw = vapid().public_key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _key_from_file(path: Path) -> Vapid:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fresh = Vapid()
        fresh.generate_keys()
        try:
            # O_EXCL: when two processes start at once, one key wins and both use it
            # (subscriptions made with the other's public key would be refused).
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(descriptor, "wb") as file:
                file.write(fresh.private_pem())
    return Vapid.from_file(str(path))


@transaction.atomic
def subscribe_push(user, *, endpoint: str, p256dh: str, auth: str,
                   user_agent: str = "") -> PushSubscription:
    """Record (or renew) this browser's subscription for the person.

    An endpoint belongs to one browser profile: subscribing again renews its keys and
    turns it back on; when another person signs in on that browser and subscribes, the
    endpoint becomes theirs (the previous person's messages stop going there).
    """
    endpoint = _valid_endpoint(endpoint)
    _valid_key(p256dh, 65, _("The browser's public key (p256dh) is not valid."))
    _valid_key(auth, 16, _("The browser's authentication secret is not valid."))
    subscription, _created = PushSubscription.objects.update_or_create(
        endpoint=endpoint,
        defaults={"user": user, "p256dh": p256dh, "auth": auth,
                  "user_agent": user_agent[:200], "disabled_at": None,
                  "disabled_reason": ""},
        create_defaults={"user": user, "p256dh": p256dh, "auth": auth,
                         "user_agent": user_agent[:200], "created_at": timezone.now()},
    )
    return subscription


@transaction.atomic
def unsubscribe_push(subscription: PushSubscription, *, by) -> PushSubscription:
    """The person turns push off on one of their devices."""
    if subscription.user_id != by.pk:
        raise NotAllowed()
    if subscription.disabled_at is None:
        subscription.disabled_at = timezone.now()
        subscription.disabled_reason = "turned off by the person"
        subscription.save(update_fields=["disabled_at", "disabled_reason"])
    return subscription


def disable_subscription(subscription: PushSubscription, *, reason: str) -> None:
    """The push service forgot the endpoint (404/410): stop sending there."""
    PushSubscription.objects.filter(pk=subscription.pk, disabled_at__isnull=True).update(
        disabled_at=timezone.now(), disabled_reason=reason[:200])


def _valid_endpoint(endpoint: str) -> str:
    endpoint = (endpoint or "").strip()
    parts = urlsplit(endpoint)
    max_length = PushSubscription._meta.get_field("endpoint").max_length
    if not parts.hostname or len(endpoint) > max_length:
        raise InvalidSubscription(_("The push endpoint is not a valid address."))
    if parts.scheme == "https" and not _is_local(parts.hostname):
        return endpoint
    if parts.scheme in ("http", "https") and parts.hostname in INSECURE_HOSTS_ALLOWED:
        return endpoint
    raise InvalidSubscription(_("The push endpoint must be an https address of a push "
                                "service."))


def _is_local(hostname: str) -> bool:
    if hostname == "localhost" or hostname.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(hostname)
    except ValueError:
        return False
    return address.is_private or address.is_loopback or address.is_link_local


def _valid_key(value: str, size: int, message) -> None:
    try:
        raw = base64.urlsafe_b64decode((value or "") + "=" * (-len(value or "") % 4))
    except (binascii.Error, ValueError) as bad:
        raise InvalidSubscription(message) from bad
    if len(raw) != size or (size == 65 and raw[0] != 4):
        raise InvalidSubscription(message)
