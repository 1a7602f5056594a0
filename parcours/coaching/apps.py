from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoachingConfig(AppConfig):
    name = "parcours.coaching"
    label = "coaching"
    verbose_name = _("Coaching")

    def ready(self) -> None:
        # Handlers react to learning events; schedule registers the periodic jobs.
        from parcours.coaching import handlers, schedule  # noqa: F401
