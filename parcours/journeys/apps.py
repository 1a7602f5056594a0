from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JourneysConfig(AppConfig):
    name = "parcours.journeys"
    label = "journeys"
    verbose_name = _("Learning paths")

    def ready(self) -> None:
        # Subscribes to `passed`, `failed` and `reviewed-card`: quizzes and flashcards
        # become evidence on learners' steps.
        from parcours.journeys import handlers  # noqa: F401
