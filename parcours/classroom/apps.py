from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClassroomConfig(AppConfig):
    name = "parcours.classroom"
    label = "classroom"
    verbose_name = _("Sessions and attendance")

    def ready(self) -> None:
        from parcours.classroom import schedule  # noqa: F401  (periodic jobs)
