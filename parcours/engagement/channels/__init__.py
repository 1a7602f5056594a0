"""Channels a notification is delivered on, one module each behind one interface
(`channels.base`). Importing this package registers the built-in ones; a new channel
(SMS, a chat tool) is one module that calls `register_channel`."""

from parcours.engagement.channels import digest, email, in_app, push  # noqa: F401
from parcours.engagement.channels.base import (  # noqa: F401
    AlreadySent,
    ChannelBackend,
    PermanentFailure,
    TemporaryFailure,
    backend_for,
    register_channel,
    registry,
)
