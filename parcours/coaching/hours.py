"""Hours used and left in an engagement, in total and per phase.

Closing an appointment is the only place hours are entered: hours used in a phase are the
sum of `actual_minutes` of its closed appointments, hours left are contracted − used.
Everything is in whole minutes; `format_minutes` writes them as people say them in
coaching ("22 h 30"). Warnings come at 80 % of the contracted (or planned) time and when
it is used up, computed with integers so that 80 % is exactly 80 %.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.db.models import IntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from parcours.coaching.models import Appointment, AppointmentStatus, Engagement, Phase

WARNING_PERCENT = 80


class Level(StrEnum):
    OK = "ok"
    NEAR = "near"  # 80 % or more used
    USED_UP = "used_up"  # 100 % or more used


def format_minutes(minutes: int) -> str:
    """ "22 h 30", "24 h", "0 h 45"; a negative duration keeps its sign."""
    sign = "-" if minutes < 0 else ""
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours} h {rest:02d}" if rest else f"{sign}{hours} h"


def level_of(used: int, allowed: int) -> Level:
    if allowed <= 0:
        return Level.OK
    if used >= allowed:
        return Level.USED_UP
    if used * 100 >= allowed * WARNING_PERCENT:
        return Level.NEAR
    return Level.OK


@dataclass(frozen=True)
class Budget:
    """Minutes allowed (contracted or planned) and used."""

    allowed: int
    used: int

    @property
    def left(self) -> int:
        return max(self.allowed - self.used, 0)

    @property
    def over(self) -> int:
        return max(self.used - self.allowed, 0)

    @property
    def percent(self) -> int:
        """Share used, in whole percent (rounded down), for progress bars."""
        return self.used * 100 // self.allowed if self.allowed > 0 else 0

    @property
    def level(self) -> Level:
        return level_of(self.used, self.allowed)

    @property
    def allowed_text(self) -> str:
        return format_minutes(self.allowed)

    @property
    def used_text(self) -> str:
        return format_minutes(self.used)

    @property
    def left_text(self) -> str:
        return format_minutes(self.left)

    @property
    def over_text(self) -> str:
        return format_minutes(self.over)


@dataclass(frozen=True)
class PhaseHours(Budget):
    phase: Phase | None = None


@dataclass(frozen=True)
class Hours(Budget):
    """The engagement's total, and one line per phase (planned against used). Minutes
    closed without a phase count in the total only."""

    phases: tuple[PhaseHours, ...] = ()
    current_phase: Phase | None = None


def hours_of(engagement: Engagement, *, phases: list[Phase] | None = None) -> Hours:
    """Hours used and left. One aggregate query over the closed appointments (plus one for
    the phases when the caller has not loaded them already)."""
    if phases is None:
        phases = list(engagement.phases.order_by("position"))
    used_by_phase = dict(
        Appointment.objects.filter(engagement=engagement, status=AppointmentStatus.CLOSED)
        .order_by().values("phase_id").annotate(used=Sum("actual_minutes"))
        .values_list("phase_id", "used"))
    lines = tuple(PhaseHours(allowed=phase.planned_minutes,
                             used=used_by_phase.get(phase.pk) or 0, phase=phase)
                  for phase in phases)
    return Hours(allowed=engagement.contracted_minutes,
                 used=sum(minutes or 0 for minutes in used_by_phase.values()),
                 phases=lines, current_phase=_current(lines))


def _current(lines: tuple[PhaseHours, ...]) -> Phase | None:
    """The first phase whose planned hours are not used up; the last one once all are."""
    for line in lines:
        if line.used < line.allowed:
            return line.phase
    return lines[-1].phase if lines else None


def current_phase(engagement: Engagement) -> Phase | None:
    return hours_of(engagement).current_phase


def with_used_minutes(engagements: QuerySet[Engagement]) -> QuerySet[Engagement]:
    """Annotate `used_minutes` on each engagement of a list, in the list's own query."""
    used = (Appointment.objects.filter(engagement=OuterRef("pk"),
                                       status=AppointmentStatus.CLOSED)
            .order_by().values("engagement").annotate(total=Sum("actual_minutes"))
            .values("total"))
    return engagements.annotate(used_minutes=Coalesce(
        Subquery(used, output_field=IntegerField()), Value(0)))


def budget_of(engagement: Engagement) -> Budget:
    """The total for an engagement annotated by `with_used_minutes`."""
    return Budget(allowed=engagement.contracted_minutes, used=engagement.used_minutes)
