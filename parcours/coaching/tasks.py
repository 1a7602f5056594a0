"""Booking emails, sent in the background (enqueued after commit by
`coaching.notifications`).

A task loads by id and skips what a newer change supersedes (a higher calendar
sequence), so a retry is always safe and people never get yesterday's time.
"""

from datetime import datetime

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from parcours.accounts.models import User
from parcours.coaching import ical
from parcours.coaching.models import Appointment, AppointmentStatus
from parcours.core.tasks import task_with_retries

CANCELLED = "cancelled"


@task_with_retries()
def send_appointment_email(appointment_id: int, person_id: int, kind: str, sequence: int, *,
                           previous_start: str = "") -> str:
    """Tell the beneficiary or the coach that an appointment was booked, moved or
    cancelled, with the calendar entry attached."""
    appointment = (Appointment.objects
                   .select_related("engagement__organisation", "engagement__beneficiary",
                                   "coach").get(pk=appointment_id))
    if appointment.ical_sequence > sequence:
        return "skipped: a newer change follows"
    if (appointment.status == AppointmentStatus.CANCELLED) != (kind == CANCELLED):
        return "skipped: the appointment's status changed since"
    person = User.objects.get(pk=person_id)
    if person.pk not in (appointment.coach_id, appointment.engagement.beneficiary_id):
        return "skipped: no longer concerned"
    method = ical.CANCEL if kind == CANCELLED else ical.REQUEST
    organisation = appointment.engagement.organisation
    with ical.speaking_to(person):
        context = {
            "kind": kind,
            "person": person,
            "appointment": appointment,
            "organisation": organisation,
            "other": (appointment.engagement.beneficiary if person.pk == appointment.coach_id
                      else appointment.coach),
            "previous_start": datetime.fromisoformat(previous_start) if previous_start
            else None,
            "location": ical.location(appointment),
            "appointment_url": ical.appointment_url(appointment),
        }
        subject = render_to_string("coaching/booking/email/appointment_subject.txt",
                                   context).strip()
        text = render_to_string("coaching/booking/email/appointment.txt", context)
        html = render_to_string("coaching/booking/email/appointment.html", context)
        invitation = ical.appointment_event(appointment, method=method, for_user=person)
    message = EmailMultiAlternatives(subject, text, to=[person.email])
    message.attach_alternative(html, "text/html")
    # The method in the content type is what makes mail clients offer to update the
    # calendar (RFC 6047).
    message.attach("appointment.ics", invitation, f"text/calendar; method={method}")
    message.send()
    return "sent"

