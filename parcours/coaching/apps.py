from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoachingConfig(AppConfig):
    name = "parcours.coaching"
    label = "coaching"
    verbose_name = _("Coaching")

    def ready(self) -> None:
        from parcours.coaching import handlers  # noqa: F401
