"""The interface every channel implements, its failures, and the registry.

A backend's `send(delivery)` hands one delivery to its provider and returns the
provider's reference. It raises `TemporaryFailure` for what may pass (a server down, a
rate limit: retried with backoff), `PermanentFailure` for what will not (an address
refused, a subscription gone: the delivery is dead), and `AlreadySent` when the
provider answers that it already accepted this delivery's idempotency key: the
delivery is then recorded as sent, not sent twice.

Every delivery carries a stable idempotency key (`idempotency_key`) derived from the
notification's token and the channel, the same on every attempt, so a provider that
deduplicates (an HTTP API with idempotency keys, a push service's `Topic`, a mailbox
collapsing one `Message-ID`) can recognise a retry after a worker died between sending
and recording.
"""

from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from parcours.engagement.models import Delivery


class DeliveryFailure(Exception):
    """A channel could not deliver; the message is kept as the delivery's last error."""


class TemporaryFailure(DeliveryFailure):
    """It may work later: retried with exponential backoff, up to TASK_MAX_ATTEMPTS."""


class PermanentFailure(DeliveryFailure):
    """It will never work: the delivery is dead at once (admins see it)."""


class AlreadySent(Exception):  # noqa: N818 (an outcome, not an error)
    """The provider already has a message under this idempotency key."""

    def __init__(self, reference: str = ""):
        self.reference = reference
        super().__init__(reference)


@runtime_checkable
class ChannelBackend(Protocol):
    name: str  # a Channel value
    # True: delivered inside the dispatcher's transaction (in-app). False: claimed with
    # a lease and sent by `deliver_pending`, outside any transaction (slow I/O).
    in_transaction: bool

    def send(self, delivery: "Delivery") -> str: ...


registry: dict[str, ChannelBackend] = {}


def register_channel(backend: ChannelBackend) -> ChannelBackend:
    registry[backend.name] = backend
    return backend


def backend_for(name: str) -> ChannelBackend:
    """The backend of a channel; KeyError when none is registered under that name."""
    return registry[name]


def opened(backend: ChannelBackend) -> AbstractContextManager:
    """A batch of sends on one connection, for backends that offer `opened()` (SMTP)."""
    opener = getattr(backend, "opened", None)
    return opener() if opener else nullcontext()


def idempotency_key(delivery: "Delivery") -> str:
    """The same for every attempt of one delivery, unique across deliveries."""
    return f"{delivery.notification.token.hex}.{delivery.channel}"
