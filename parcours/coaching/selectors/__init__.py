"""Who may see an engagement, and in which capacity.

Every coaching page and endpoint starts here: `engagement_for` answers 404 to anyone who
is neither a coach of the engagement, its beneficiary, nor a manager of its organisation.
The capacity decides what they see: private notes are for the engagement's coaches only,
never for the beneficiary nor for managers (see `selectors/notes.py`).
"""

from enum import StrEnum

from django.db.models import QuerySet
from django.http import Http404

from parcours.accounts.models import Organisation, User
from parcours.accounts.selectors import roles_in
from parcours.coaching.models import Appointment, AppointmentStatus, Engagement
from parcours.core.roles import Permission, roles_allow


class Capacity(StrEnum):
    COACH = "coach"
    BENEFICIARY = "beneficiary"
    MANAGER = "manager"


def capacity_in(user: User, engagement: Engagement, *, roles=None) -> Capacity | None:
    """How `user` takes part in the engagement, or None. A coach of the engagement who is
    also a manager is a coach (they wrote the notes); a beneficiary is never a manager of
    their own engagement."""
    if not user.is_authenticated:
        return None
    if engagement.beneficiary_id == user.pk:
        return Capacity.BENEFICIARY
    if roles is None:
        roles = roles_in(user, engagement.organisation)
    if engagement.coach_links.filter(coach=user).exists() and roles_allow(
            roles, Permission.COACH_BENEFICIARIES):
        return Capacity.COACH
    if roles_allow(roles, Permission.MANAGE_COACHING):
        return Capacity.MANAGER
    return None


def engagement_for(user: User, organisation: Organisation,
                   engagement_id: int) -> tuple[Engagement, Capacity]:
    """The engagement and the viewer's capacity in it; 404 for everyone else."""
    engagement = (Engagement.objects.select_related("engagement_type", "beneficiary",
                                                    "organisation")
                  .filter(organisation=organisation, pk=engagement_id).first())
    if engagement is None:
        raise Http404
    capacity = capacity_in(user, engagement)
    if capacity is None:
        raise Http404
    return engagement, capacity


def engagements_coached_by(coach: User, organisation: Organisation) -> QuerySet[Engagement]:
    return Engagement.objects.filter(organisation=organisation, coach_links__coach=coach)


def engagements_of_beneficiary(user: User, organisation: Organisation) -> QuerySet[Engagement]:
    return Engagement.objects.filter(organisation=organisation, beneficiary=user)


def appointments_starting_between(start, end) -> QuerySet[Appointment]:
    """Booked appointments starting in [start, end), across organisations: what the
    engagement engine's reminder trigger reads."""
    return (Appointment.objects.filter(status=AppointmentStatus.BOOKED,
                                       starts_at__gte=start, starts_at__lt=end)
            .select_related("engagement", "engagement__beneficiary",
                            "engagement__organisation", "coach"))


def appointment_is_still_booked(appointment_id: int, starts_at) -> bool:
    """False once the appointment was cancelled or moved: its reminder must not go."""
    return Appointment.objects.filter(pk=appointment_id, status=AppointmentStatus.BOOKED,
                                      starts_at=starts_at).exists()
