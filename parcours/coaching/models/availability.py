"""When coaches can be booked: their weekly availability, its exceptions (holidays and
one-off extra slots), and the organisation's meeting link template for video
appointments."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import validate_time_zone
from parcours.core.models import TimeStampedModel

__all__ = ["Weekday", "WeeklyAvailability", "ExceptionKind", "AvailabilityException",
           "BookingSettings"]


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


_SOME_MODE = Q(offers_in_person=True) | Q(offers_phone=True) | Q(offers_video=True)


class WeeklyAvailability(TimeStampedModel):
    """A period of a weekday when a coach can be booked, in the coach's local time.

    The hours are wall-clock hours of `time_zone` (the coach's zone when it was set):
    Tuesday 09:00–12:00 stays 09:00–12:00 in Paris on both sides of a change to summer
    time, which is why the hours are not stored in UTC.
    """

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                     related_name="+", verbose_name=_("organisation"))
    coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="weekly_availability", verbose_name=_("coach"))
    weekday = models.PositiveSmallIntegerField(_("day of the week"), choices=Weekday.choices)
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("to"))
    time_zone = models.CharField(_("time zone"), max_length=64,
                                 validators=[validate_time_zone])
    offers_in_person = models.BooleanField(_("in person"), default=False)
    offers_phone = models.BooleanField(_("by phone"), default=False)
    offers_video = models.BooleanField(_("by video"), default=True)
    place = models.CharField(_("place"), max_length=255, blank=True,
                             help_text=_("Where in-person appointments happen."))

    class Meta:
        verbose_name = _("weekly availability")
        verbose_name_plural = _("weekly availability")
        ordering = ["coach", "weekday", "start_time"]
        indexes = [models.Index(fields=["coach", "organisation"],
                                name="weekly_availability_coach_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(weekday__gte=0) & Q(weekday__lte=6),
                                   name="weekly_availability_weekday"),
            models.CheckConstraint(condition=Q(end_time__gt=F("start_time")),
                                   name="weekly_availability_ends_after_start"),
            models.CheckConstraint(condition=_SOME_MODE, name="weekly_availability_has_mode"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M}"

    @property
    def modes(self) -> list[str]:
        return _modes(self)


class ExceptionKind(models.TextChoices):
    UNAVAILABLE = "unavailable", _("Unavailable (holiday, training, …)")
    EXTRA = "extra", _("Extra slot")


class AvailabilityException(TimeStampedModel):
    """A change to a coach's usual week: a time off (nothing can be booked then) or a
    one-off extra slot. Stored in UTC like every moment in time."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                     related_name="+", verbose_name=_("organisation"))
    coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="availability_exceptions", verbose_name=_("coach"))
    kind = models.CharField(_("kind"), max_length=12, choices=ExceptionKind.choices)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("to"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    offers_in_person = models.BooleanField(_("in person"), default=False)
    offers_phone = models.BooleanField(_("by phone"), default=False)
    offers_video = models.BooleanField(_("by video"), default=True)
    place = models.CharField(_("place"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("availability exception")
        verbose_name_plural = _("availability exceptions")
        ordering = ["coach", "starts_at"]
        indexes = [models.Index(fields=["coach", "starts_at"],
                                name="availability_exception_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")),
                                   name="availability_exception_ends_after_start"),
            models.CheckConstraint(condition=Q(kind__in=["unavailable", "extra"]),
                                   name="availability_exception_kind"),
            models.CheckConstraint(condition=~Q(kind="extra") | _SOME_MODE,
                                   name="extra_slot_has_mode"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def modes(self) -> list[str]:
        return _modes(self)


class BookingSettings(TimeStampedModel):
    """An organisation's booking settings: the template video meeting links are made
    from when the coach gives none."""

    organisation = models.OneToOneField("accounts.Organisation", on_delete=models.CASCADE,
                                        related_name="coaching_booking_settings",
                                        verbose_name=_("organisation"))
    meeting_link_template = models.CharField(
        _("meeting link template"), max_length=300, blank=True,
        help_text=_("For example https://meet.jit.si/cap-avenir-{code}: {code} becomes a "
                    "code unique to each appointment."))

    class Meta:
        verbose_name = _("booking settings")
        verbose_name_plural = _("booking settings")

    def __str__(self) -> str:
        return str(self.organisation_id)


def _modes(row) -> list[str]:
    return [mode for mode, offered in (("in_person", row.offers_in_person),
                                       ("phone", row.offers_phone),
                                       ("video", row.offers_video)) if offered]
