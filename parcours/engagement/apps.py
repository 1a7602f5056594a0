from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementConfig(AppConfig):
    name = "parcours.engagement"
    label = "engagement"
    verbose_name = _("Nudges and notifications")

    def ready(self) -> None:
        # Triggers subscribe to learning events (a passed quiz, a published programme…)
        # and write notifications into the outbox inside the transaction of the event.
        # Handlers react to learning events; schedule registers the periodic jobs.
        from parcours.engagement import handlers, schedule  # noqa: F401
