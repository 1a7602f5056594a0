"""Engagements ready for a story: a type with phases, a beneficiary and a coach."""

from datetime import date, timedelta

from django.utils import timezone

from parcours.coaching.models import (
    Appointment,
    AppointmentStatus,
    Engagement,
    EngagementCoach,
    EngagementKind,
    EngagementType,
    Phase,
    PhaseTemplate,
)

SKILLS_ASSESSMENT_PHASES = [("Preliminary", 4 * 60), ("Investigation", 16 * 60),
                            ("Conclusion", 4 * 60)]


def engagement_type(organisation, *, name="Bilan de compétences",
                    kind=EngagementKind.SKILLS_ASSESSMENT, phases=SKILLS_ASSESSMENT_PHASES,
                    **fields) -> EngagementType:
    kind_row = EngagementType.objects.create(
        organisation=organisation, name=name, kind=kind,
        contracted_minutes=sum(minutes for _, minutes in phases), **fields)
    for position, (phase_name, minutes) in enumerate(phases, start=1):
        PhaseTemplate.objects.create(engagement_type=kind_row, name=phase_name,
                                     position=position, planned_minutes=minutes)
    return kind_row


def engagement(organisation, beneficiary, *coaches, type_=None, title="", starts_on=None,
               contracted_minutes=None, **fields) -> Engagement:
    """An active engagement with the type's phases; the first coach leads. Without a type,
    the organisation's bilan de compétences (made once)."""
    type_ = type_ or (EngagementType.objects.filter(organisation=organisation,
                                                    name="Bilan de compétences").first()
                      or engagement_type(organisation))
    row = Engagement.objects.create(
        organisation=organisation, engagement_type=type_, beneficiary=beneficiary,
        title=title or f"{type_.name} — {beneficiary.display_name}",
        contracted_minutes=(type_.contracted_minutes if contracted_minutes is None
                            else contracted_minutes),
        starts_on=starts_on or date.today() - timedelta(days=30),
        notice_hours=type_.notice_hours, min_minutes=type_.min_minutes,
        max_minutes=type_.max_minutes, default_minutes=type_.default_minutes,
        buffer_minutes=type_.buffer_minutes, **fields)
    for position, coach in enumerate(coaches):
        EngagementCoach.objects.create(engagement=row, coach=coach, lead=position == 0)
    for template in type_.phases.all():
        Phase.objects.create(engagement=row, name=template.name, position=template.position,
                             planned_minutes=template.planned_minutes, template=template)
    return row


def appointment(engagement_row, coach, *, starts_at=None, minutes=60, **fields) -> Appointment:
    starts_at = starts_at or timezone.now() + timedelta(days=3)
    fields.setdefault("status", AppointmentStatus.BOOKED)
    return Appointment.objects.create(
        engagement=engagement_row, coach=coach, starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes), **fields)
