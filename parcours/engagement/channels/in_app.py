"""In the app: the notification row is the message the bell and the centre show, so
delivering it is recording it, inside the dispatcher's transaction (exactly once)."""

from parcours.engagement.channels.base import register_channel
from parcours.engagement.models import Channel


class InAppChannel:
    name = Channel.IN_APP
    in_transaction = True

    def send(self, delivery) -> str:
        return f"notification:{delivery.notification.pk}"


register_channel(InAppChannel())
